/**
 * Who may do what inside an account. Routes name a permission; the role a principal holds
 * decides. Kept as data so the role-matrix test and the documentation read the same table.
 */
export const ROLES = ['owner', 'admin', 'billing', 'developer', 'read-only'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = {
  // reading
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
  // acting
  'account:update-billing': ['owner', 'admin', 'billing'],
  'account:close': ['owner'],
  'account:configure-mail': ['owner', 'admin'],
  // the account's notifications are everyone's: any member may mark them read
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
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function roleAllows(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
