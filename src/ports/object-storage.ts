/**
 * S3 calls on the storage server (MinIO, or any S3-compatible server). Every call is
 * idempotent from the caller's side: creating a bucket that exists and is ours, or
 * deleting one that is gone, succeeds, so a reactor that crashed after the call can make
 * it again.
 */
export interface ObjectStorage {
  bucketExists(bucket: string): Promise<boolean>;
  /** succeeds when the bucket already exists and belongs to us */
  createBucket(bucket: string): Promise<void>;
  setVersioning(bucket: string, versioning: 'enabled' | 'suspended'): Promise<void>;
  /** null days: no such rule; both null removes the lifecycle configuration */
  setLifecycle(bucket: string, rules: { expirationDays: number | null; noncurrentVersionExpirationDays: number | null }): Promise<void>;
  /** succeeds when the bucket is already gone; fails with a clear reason when it is not empty */
  deleteBucket(bucket: string): Promise<void>;
  /**
   * Stored bytes by listing every object (all versions where the server keeps them), page
   * by page: memory stays bounded whatever the bucket holds. Sizes are summed as bigint.
   */
  measureBucket(bucket: string, options?: { signal?: AbortSignal; onPage?: (objectsSoFar: bigint) => void }): Promise<BucketMeasurement>;
}

export interface BucketMeasurement {
  bucket: string;
  bytes: bigint;
  objects: bigint;
}
