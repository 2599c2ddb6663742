import type { Transaction, UpdateObject } from 'kysely';
import { bucketEvents } from '../../domain/bucket/bucket-events.ts';
import { assertNever } from '../../domain/decider.ts';
import type { RecordedEvent } from '../../ports/event-store.ts';
import type { Projection } from '../projection.ts';
import { updateOneRow } from '../update-one-row.ts';
import type { BucketTables } from './bucket-tables.ts';

/** One row per bucket, with its status and settings, as the portal lists and shows them. */
export const bucketsProjection: Projection = {
  name: 'buckets',
  eventTypes: new Set(bucketEvents.types),
  tables: ['buckets'],

  async apply(trx: Transaction<BucketTables>, recorded: RecordedEvent) {
    const event = bucketEvents.narrow(recorded);
    const revision = recorded.streamRevision.toString();
    const { bucketId } = event.data;
    const update = (values: UpdateObject<BucketTables, 'buckets'>) => updateOneRow(trx, 'buckets', { bucket_id: bucketId }, values, `bucket ${bucketId}`);
    switch (event.type) {
      case 'BucketRequested': {
        const d = event.data;
        await trx
          .insertInto('buckets')
          .values({
            bucket_id: d.bucketId,
            account_id: d.accountId,
            name: d.name,
            status: 'requested',
            failure_reason: null,
            quota_bytes: null,
            versioning: 'disabled',
            lifecycle_expiration_days: null,
            lifecycle_noncurrent_version_expiration_days: null,
            requested_at: d.requestedAt,
            updated_at: d.requestedAt,
            revision,
          })
          .execute();
        return;
      }
      case 'BucketProvisioned':
        return update({ status: 'provisioned', failure_reason: null, updated_at: event.data.provisionedAt, revision });
      case 'BucketProvisioningFailed':
        return update({ status: 'failed', failure_reason: event.data.reason, updated_at: event.data.failedAt, revision });
      case 'BucketQuotaSet':
        return update({ quota_bytes: event.data.quotaBytes, updated_at: event.data.changedAt, revision });
      case 'BucketVersioningSet':
        return update({ versioning: event.data.versioning, updated_at: event.data.changedAt, revision });
      case 'BucketLifecycleSet':
        return update({
          lifecycle_expiration_days: event.data.expirationDays,
          lifecycle_noncurrent_version_expiration_days: event.data.noncurrentVersionExpirationDays,
          updated_at: event.data.changedAt,
          revision,
        });
      case 'BucketDeletionRequested':
        return update({ status: 'deleting', updated_at: event.data.requestedAt, revision });
      case 'BucketDeleted':
        return update({ status: 'deleted', updated_at: event.data.deletedAt, revision });
      default:
        assertNever(event);
    }
  },
};
