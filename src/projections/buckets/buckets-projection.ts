import type { Transaction } from 'kysely';
import { BUCKET_EVENT_TYPES, type BucketEvent } from '../../domain/bucket/bucket-events.ts';
import { assertNever } from '../../domain/decider.ts';
import type { RecordedEvent } from '../../ports/event-store.ts';
import type { Projection } from '../projection.ts';
import type { ReadModelDatabase } from '../read-model-database.ts';
import type { BucketsTable } from './bucket-tables.ts';

/** One row per bucket, with its status and settings, as the portal lists and shows them. */
export const bucketsProjection: Projection = {
  name: 'buckets',
  eventTypes: new Set(BUCKET_EVENT_TYPES),
  tables: ['buckets'],

  async apply(trx: Transaction<ReadModelDatabase>, recorded: RecordedEvent) {
    const event = { type: recorded.type, data: recorded.data } as BucketEvent;
    const revision = recorded.streamRevision.toString();
    const { bucketId } = event.data;
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
        return update(trx, bucketId, { status: 'provisioned', failure_reason: null, updated_at: event.data.provisionedAt, revision });
      case 'BucketProvisioningFailed':
        return update(trx, bucketId, { status: 'failed', failure_reason: event.data.reason, updated_at: event.data.failedAt, revision });
      case 'BucketQuotaSet':
        return update(trx, bucketId, { quota_bytes: event.data.quotaBytes, updated_at: event.data.changedAt, revision });
      case 'BucketVersioningSet':
        return update(trx, bucketId, { versioning: event.data.versioning, updated_at: event.data.changedAt, revision });
      case 'BucketLifecycleSet':
        return update(trx, bucketId, {
          lifecycle_expiration_days: event.data.expirationDays,
          lifecycle_noncurrent_version_expiration_days: event.data.noncurrentVersionExpirationDays,
          updated_at: event.data.changedAt,
          revision,
        });
      case 'BucketDeletionRequested':
        return update(trx, bucketId, { status: 'deleting', updated_at: event.data.requestedAt, revision });
      case 'BucketDeleted':
        return update(trx, bucketId, { status: 'deleted', updated_at: event.data.deletedAt, revision });
      default:
        assertNever(event);
    }
  },
};

async function update(trx: Transaction<ReadModelDatabase>, bucketId: string, values: Partial<BucketsTable>): Promise<void> {
  const { numUpdatedRows } = await trx.updateTable('buckets').set(values).where('bucket_id', '=', bucketId).executeTakeFirst();
  // An update that finds no row means the log and the read model disagree: stop loudly.
  if (numUpdatedRows === 0n) throw new Error(`bucket ${bucketId} is not in the read model`);
}
