import type { AuditDescriber } from './audit-description.ts';
import { assertNever } from '../../domain/decider.ts';
import { bucketEvents, type BucketEvent } from '../../domain/bucket/bucket-events.ts';

const GIB = 2n ** 30n;

/** `10 GiB` when the count is whole gibibytes, else the exact byte count. */
export function formatBytes(bytes: string): string {
  const value = BigInt(bytes);
  return value % GIB === 0n ? `${value / GIB} GiB` : `${value} bytes`;
}

const expire = (value: number | null) => (value === null ? 'never expire' : `expire after ${value} day${value === 1 ? '' : 's'}`);

function summarize(event: BucketEvent): string {
  const bucket = `bucket "${event.data.name}"`;
  switch (event.type) {
    case 'BucketRequested':
      return `Bucket "${event.data.name}" requested`;
    case 'BucketProvisioned':
      return `Bucket "${event.data.name}" provisioned`;
    case 'BucketProvisioningFailed':
      return `Provisioning of ${bucket} failed: ${event.data.reason}`;
    case 'BucketQuotaSet':
      return event.data.quotaBytes === null ? `Quota of ${bucket} removed` : `Quota of ${bucket} set to ${formatBytes(event.data.quotaBytes)}`;
    case 'BucketVersioningSet':
      return `Versioning of ${bucket} ${event.data.versioning}`;
    case 'BucketLifecycleSet':
      return (
        `Lifecycle of ${bucket} set: objects ${expire(event.data.expirationDays)}, ` +
        `noncurrent versions ${expire(event.data.noncurrentVersionExpirationDays)}`
      );
    case 'BucketDeletionRequested':
      return `Deletion of ${bucket} requested`;
    case 'BucketDeleted':
      return `Bucket "${event.data.name}" deleted`;
    default:
      return assertNever(event);
  }
}

/** How bucket events read in the account's audit log. */
export const describeBucketEvent: AuditDescriber = (type, data) => {
  const event = { type, data };
  if (!bucketEvents.is(event)) return null;
  return { accountId: event.data.accountId, resourceType: 'bucket', resourceId: event.data.bucketId, summary: summarize(event) };
};
