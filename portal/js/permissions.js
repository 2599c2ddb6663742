// The roles' permissions as src/domain/access/permissions.ts has them (tests/portal/portal-permissions.test.ts
// compares the two): the portal shows only the buttons a role may use; the API still decides.
export const PERMISSIONS = {
  'account:read': ['owner', 'admin', 'billing', 'developer', 'read-only'],
  'members:read': ['owner', 'admin', 'billing', 'developer', 'read-only'],
  'buckets:read': ['owner', 'admin', 'billing', 'developer', 'read-only'],
  'keys:read': ['owner', 'admin', 'billing', 'developer', 'read-only'],
  'sftp:read': ['owner', 'admin', 'billing', 'developer', 'read-only'],
  'quota:read': ['owner', 'admin', 'billing', 'developer', 'read-only'],
  'usage:read': ['owner', 'admin', 'billing', 'developer', 'read-only'],
  'audit:read': ['owner', 'admin', 'billing', 'developer', 'read-only'],
  'invoices:read': ['owner', 'admin', 'billing', 'read-only'],
  'notifications:read': ['owner', 'admin', 'billing', 'developer', 'read-only'],
  'account:update-billing': ['owner', 'admin', 'billing'],
  'account:close': ['owner'],
  'account:configure-mail': ['owner', 'admin'],
  'notifications:mark-read': ['owner', 'admin', 'billing', 'developer', 'read-only'],
  'members:manage': ['owner', 'admin'],
  'webhooks:manage': ['owner', 'admin'],
  'ownership:transfer': ['owner'],
  'tokens:manage-own': ['owner', 'admin', 'billing', 'developer', 'read-only'],
  'buckets:manage': ['owner', 'admin', 'developer'],
  'keys:manage': ['owner', 'admin', 'developer'],
  'sftp:manage': ['owner', 'admin', 'developer'],
  'quota:request': ['owner', 'admin', 'billing'],
  'payments:manage': ['owner', 'admin', 'billing'],
};

export const can = (role, permission) => Boolean(role && PERMISSIONS[permission]?.includes(role));
