import type { BucketStatus } from '../../domain/bucket/bucket-decider.ts';
import type { BucketVersioning } from '../../domain/bucket/bucket-rules.ts';

/** Row shape of the `buckets` read model: one row per bucket ever requested, deleted ones included. */
export interface BucketsTable {
  bucket_id: string;
  account_id: string;
  name: string;
  status: BucketStatus;
  /** the remote's reason while failed */
  failure_reason: string | null;
  /** bytes as a decimal string (text column: byte counts are never JS numbers); null for no quota */
  quota_bytes: string | null;
  versioning: BucketVersioning;
  lifecycle_expiration_days: number | null;
  lifecycle_noncurrent_version_expiration_days: number | null;
  requested_at: Date | string;
  updated_at: Date | string;
  /** stream revision of the last event applied, as a decimal string */
  revision: string;
}

/** Row shapes of the buckets read models, merged into ReadModelDatabase. */
export interface BucketTables {
  buckets: BucketsTable;
}
