import type { AccountStatus } from '../account/account-decider.ts';
import type { BucketVersioning } from './bucket-rules.ts';

/**
 * Commands that add work to a bucket carry the account's status as the command layer read
 * it (src/commands/account-guard.ts): the decider stays pure and still refuses new work
 * for a suspended or closed account.
 */
export type RequestBucket = {
  type: 'RequestBucket';
  data: { accountId: string; bucketId: string; name: string; requestedAt: string; accountStatus: AccountStatus };
};

/** Recorded by the MinIO reactor once the bucket exists there. */
export type RecordBucketProvisioned = {
  type: 'RecordBucketProvisioned';
  data: { accountId: string; bucketId: string; provisionedAt: string };
};

/** Recorded by the MinIO reactor when MinIO refused or failed to create the bucket; `reason` is the remote's. */
export type RecordBucketProvisioningFailed = {
  type: 'RecordBucketProvisioningFailed';
  data: { accountId: string; bucketId: string; reason: string; failedAt: string };
};

export type SetBucketQuota = {
  type: 'SetBucketQuota';
  /** `quotaBytes`: a whole number of bytes as a decimal string, or null for no bucket quota */
  data: { accountId: string; bucketId: string; quotaBytes: string | null; changedAt: string; accountStatus: AccountStatus };
};

export type SetBucketVersioning = {
  type: 'SetBucketVersioning';
  data: { accountId: string; bucketId: string; versioning: Exclude<BucketVersioning, 'disabled'>; changedAt: string; accountStatus: AccountStatus };
};

export interface BucketLifecycle {
  /** current objects expire this many days after creation; null: never */
  expirationDays: number | null;
  /** noncurrent versions expire this many days after becoming noncurrent; null: never */
  noncurrentVersionExpirationDays: number | null;
}

export type SetBucketLifecycle = {
  type: 'SetBucketLifecycle';
  data: { accountId: string; bucketId: string; lifecycle: BucketLifecycle; changedAt: string; accountStatus: AccountStatus };
};

/** Deleting takes work away, so it is accepted whatever the account's status. */
export type DeleteBucket = { type: 'DeleteBucket'; data: { accountId: string; bucketId: string; requestedAt: string } };

/** Recorded by the MinIO reactor once the bucket is gone there; frees its name. */
export type RecordBucketDeleted = { type: 'RecordBucketDeleted'; data: { accountId: string; bucketId: string; deletedAt: string } };

export type BucketCommand =
  | RequestBucket
  | RecordBucketProvisioned
  | RecordBucketProvisioningFailed
  | SetBucketQuota
  | SetBucketVersioning
  | SetBucketLifecycle
  | DeleteBucket
  | RecordBucketDeleted;
