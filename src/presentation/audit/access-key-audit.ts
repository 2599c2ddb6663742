import type { AuditDescriber } from './audit-description.ts';
import { assertNever } from '../../domain/decider.ts';
import { accessKeyEvents, type AccessKeyEvent } from '../../domain/access-key/access-key-events.ts';

function summarize(event: AccessKeyEvent): string {
  const key = `access key "${event.data.name}"`;
  switch (event.type) {
    case 'AccessKeyIssued': {
      const { buckets, permission, expiresAt, accessKeyId } = event.data;
      const scope = buckets === 'all' ? 'all buckets' : `${buckets.length} bucket${buckets.length === 1 ? '' : 's'}`;
      return `Access key "${event.data.name}" (${accessKeyId}) issued: ${permission} on ${scope}${expiresAt ? `, expires ${expiresAt}` : ''}`;
    }
    case 'AccessKeyRotated':
      return `${capitalize(key)} rotated to ${event.data.accessKeyId}; ${event.data.previousAccessKeyId} works until ${event.data.previousSecretValidUntil}`;
    case 'AccessKeyRevoked':
      return `${capitalize(key)} (${event.data.accessKeyId}) revoked`;
    case 'AccessKeyProvisioned':
      return `${capitalize(key)} (${event.data.accessKeyId}) provisioned in storage`;
    default:
      return assertNever(event);
  }
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** How access key events read in the account's audit log; never a secret, sealed or not. */
export const describeAccessKeyEvent: AuditDescriber = (type, data) => {
  const event = { type, data };
  if (!accessKeyEvents.is(event)) return null;
  return { accountId: event.data.accountId, resourceType: 'access_key', resourceId: event.data.keyId, summary: summarize(event) };
};
