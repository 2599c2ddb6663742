import type { AuditDescriber } from './audit-description.ts';
import { accessKeyExpiryEvents } from '../../domain/access-key/access-key-expiry.ts';

/** How an expiry notice reads in the account's audit log. */
export const describeAccessKeyExpiryEvent: AuditDescriber = (type, data) => {
  const event = { type, data };
  if (!accessKeyExpiryEvents.is(event)) return null;
  const { accountId, keyId, name, expiresAt } = event.data;
  return { accountId, resourceType: 'access_key', resourceId: keyId, summary: `Access key "${name}" expires at ${expiresAt}: notice given` };
};
