import type { BucketCommands } from '../commands/bucket-commands.ts';
import type { BucketEvent } from '../domain/bucket/bucket-events.ts';
import { eventUnion } from '../domain/shared/event-union.ts';
import type { ObjectStorage } from '../ports/object-storage.ts';
import { RemoteError } from '../ports/remote-error.ts';
import type { StorageAdmin } from '../ports/storage-admin.ts';
import type { Reactor, ReactorJobRequest } from './reactor.ts';

export interface BucketProvisioningDeps {
  /** null: no S3 server configured; bucket work waits */
  objectStorage: ObjectStorage | null;
  /** null: the S3 server is not MinIO (no admin API); quotas cannot be enforced there */
  storageAdmin: StorageAdmin | null;
  buckets: BucketCommands;
}

type BucketJob =
  | { kind: 'create'; payload: { accountId: string; bucketId: string; name: string } }
  | { kind: 'quota'; payload: { name: string; quotaBytes: string | null } }
  | { kind: 'versioning'; payload: { name: string; versioning: 'enabled' | 'suspended' } }
  | { kind: 'lifecycle'; payload: { name: string; expirationDays: number | null; noncurrentVersionExpirationDays: number | null } }
  | { kind: 'delete'; payload: { accountId: string; bucketId: string; name: string } };

type Handled = Extract<BucketEvent, { type: 'BucketRequested' | 'BucketQuotaSet' | 'BucketVersioningSet' | 'BucketLifecycleSet' | 'BucketDeletionRequested' }>;
const handledEvents = eventUnion<Handled>({ BucketRequested: true, BucketQuotaSet: true, BucketVersioningSet: true, BucketLifecycleSet: true, BucketDeletionRequested: true });

function jobOf(event: Handled): BucketJob {
  const { name } = event.data;
  switch (event.type) {
    case 'BucketRequested':
      return { kind: 'create', payload: { accountId: event.data.accountId, bucketId: event.data.bucketId, name } };
    case 'BucketQuotaSet':
      return { kind: 'quota', payload: { name, quotaBytes: event.data.quotaBytes } };
    case 'BucketVersioningSet':
      return { kind: 'versioning', payload: { name, versioning: event.data.versioning } };
    case 'BucketLifecycleSet':
      return {
        kind: 'lifecycle',
        payload: { name, expirationDays: event.data.expirationDays, noncurrentVersionExpirationDays: event.data.noncurrentVersionExpirationDays },
      };
    case 'BucketDeletionRequested':
      return { kind: 'delete', payload: { accountId: event.data.accountId, bucketId: event.data.bucketId, name } };
    default: {
      const unhandled: never = event;
      return unhandled;
    }
  }
}

/** Buckets on the S3 server: created, configured and deleted as their events ask. */
export function bucketProvisioningReactor({ objectStorage, storageAdmin, buckets }: BucketProvisioningDeps): Reactor {
  const reactor: Reactor<BucketJob> = {
    name: 'minio-buckets',
    eventTypes: new Set(handledEvents.types),
    jobsFor(recorded): ReactorJobRequest<BucketJob>[] {
      if (!handledEvents.is(recorded)) return [];
      return [{ jobId: recorded.eventId, subject: recorded.data.bucketId, accountId: recorded.data.accountId, ...jobOf(recorded) }];
    },
    unavailable: () => (objectStorage ? null : 'no S3 server configured (MINIO_ENDPOINT)'),
    async perform(job, context) {
      const storage = objectStorage!;
      switch (job.kind) {
        case 'create': {
          // A bucket that already exists (made before a crash) counts as done.
          if (!(await storage.bucketExists(job.payload.name))) await storage.createBucket(job.payload.name);
          await buckets.recordProvisioned({ accountId: job.payload.accountId, bucketId: job.payload.bucketId }, context.command);
          return;
        }
        case 'quota':
          if (!storageAdmin) throw new RemoteError('minio', 'the S3 server is not MinIO (no admin API configured): bucket quotas cannot be enforced there', false);
          await storageAdmin.setBucketQuota(job.payload.name, job.payload.quotaBytes === null ? null : BigInt(job.payload.quotaBytes));
          return;
        case 'versioning':
          await storage.setVersioning(job.payload.name, job.payload.versioning);
          return;
        case 'lifecycle':
          await storage.setLifecycle(job.payload.name, { expirationDays: job.payload.expirationDays, noncurrentVersionExpirationDays: job.payload.noncurrentVersionExpirationDays });
          return;
        case 'delete': {
          // A bucket already gone (deleted before a crash) counts as deleted.
          await storage.deleteBucket(job.payload.name);
          await buckets.recordDeleted({ accountId: job.payload.accountId, bucketId: job.payload.bucketId }, context.command);
          return;
        }
        default: {
          const unknown: never = job;
          throw new Error(`unknown bucket job ${JSON.stringify(unknown)}`);
        }
      }
    },
    async giveUp(job, reason, context) {
      // Only a creation has a failure event the portal shows; other failures stay in ops status.
      if (job.kind !== 'create') return;
      const { accountId, bucketId } = job.payload;
      await buckets.recordProvisioningFailed({ accountId, bucketId, reason }, context.command);
    },
  };
  return reactor;
}
