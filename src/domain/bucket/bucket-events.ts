import type { DomainEvent } from '../decider.ts';
import type { BucketLifecycle } from './bucket-commands.ts';
import type { BucketVersioning } from './bucket-rules.ts';
import { eventUnion } from '../shared/event-union.ts';

/**
 * Every bucket event names its account, bucket and bucket name: the audit log and billing
 * read them one event at a time, without folding the stream.
 */
interface BucketRef {
  accountId: string;
  bucketId: string;
  name: string;
}

export type BucketRequested = DomainEvent<'BucketRequested', BucketRef & { requestedAt: string }>;
export type BucketProvisioned = DomainEvent<'BucketProvisioned', BucketRef & { provisionedAt: string }>;
export type BucketProvisioningFailed = DomainEvent<'BucketProvisioningFailed', BucketRef & { reason: string; failedAt: string }>;
export type BucketQuotaSet = DomainEvent<'BucketQuotaSet', BucketRef & { quotaBytes: string | null; changedAt: string }>;
export type BucketVersioningSet = DomainEvent<
  'BucketVersioningSet',
  BucketRef & { versioning: Exclude<BucketVersioning, 'disabled'>; changedAt: string }
>;
export type BucketLifecycleSet = DomainEvent<'BucketLifecycleSet', BucketRef & BucketLifecycle & { changedAt: string }>;
export type BucketDeletionRequested = DomainEvent<'BucketDeletionRequested', BucketRef & { requestedAt: string }>;
export type BucketDeleted = DomainEvent<'BucketDeleted', BucketRef & { deletedAt: string }>;

export type BucketEvent =
  | BucketRequested
  | BucketProvisioned
  | BucketProvisioningFailed
  | BucketQuotaSet
  | BucketVersioningSet
  | BucketLifecycleSet
  | BucketDeletionRequested
  | BucketDeleted;

export const bucketEvents = eventUnion<BucketEvent>({
  BucketRequested: true,
  BucketProvisioned: true,
  BucketProvisioningFailed: true,
  BucketQuotaSet: true,
  BucketVersioningSet: true,
  BucketLifecycleSet: true,
  BucketDeletionRequested: true,
  BucketDeleted: true,
});
export const BUCKET_EVENT_TYPES = bucketEvents.types;
