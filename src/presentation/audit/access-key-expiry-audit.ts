import type { AuditDescriber } from './audit-description.ts';
import type { AccessKeyExpiring } from '../../domain/access-key/access-key-expiry.ts';

/** How an expiry notice reads in the account's audit log. */
export const describeAccessKeyExpiryEvent: AuditDescriber = (type, data) => {
  if (type !== 'AccessKeyExpiring') return null;
  const { accountId, keyId, name, expiresAt } = data as AccessKeyExpiring['data'];
  return { accountId, resourceType: 'access_key', resourceId: keyId, summary: `Access key "${name}" expires at ${expiresAt}: notice given` };
};
