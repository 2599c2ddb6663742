import type { Client } from 'minio';
import type { BucketMeasurement, ObjectStorage } from '../../ports/object-storage.ts';
import { s3ErrorCode, toS3RemoteError } from './s3-errors.ts';

export interface S3ObjectStorageOptions {
  /** objects asked for per listing page; S3 and MinIO answer at most 1000 */
  listPageSize?: number;
  /** the client's region; a new bucket is created there (no location constraint for us-east-1) */
  region?: string;
}

const LIFECYCLE_RULE_ID = 'cloudpro-ledger';

/**
 * The port's S3 calls through the `minio` client, against MinIO or any S3-compatible server.
 * Every call is safe to repeat: a bucket that exists and answers to our credentials counts as
 * created, a bucket that is gone as deleted.
 */
export class S3ObjectStorage implements ObjectStorage {
  private readonly pageSize: number;
  private readonly region: string;

  constructor(
    private readonly client: Client,
    options: S3ObjectStorageOptions = {},
  ) {
    this.pageSize = options.listPageSize ?? 1000;
    this.region = options.region ?? '';
    if (!Number.isInteger(this.pageSize) || this.pageSize < 1 || this.pageSize > 1000) throw new RangeError('listPageSize must be 1 to 1000');
  }

  async bucketExists(bucket: string): Promise<boolean> {
    return this.call(`bucket ${bucket}: exists`, () => this.client.bucketExists(bucket));
  }

  async createBucket(bucket: string): Promise<void> {
    // No existence check first: callers check (the reactor does), and "already yours" below
    // covers a bucket created meanwhile.
    try {
      await this.client.makeBucket(bucket, this.region);
    } catch (error) {
      const code = s3ErrorCode(error);
      if (code === 'BucketAlreadyOwnedByYou') return;
      // some servers (and AWS for a name someone else holds) say "exists" rather than "yours":
      // a bucket our credentials can open is ours
      if (code === 'BucketAlreadyExists' && (await this.bucketExists(bucket).catch(() => false))) return;
      throw toS3RemoteError(error, `bucket ${bucket}: create`);
    }
  }

  async setVersioning(bucket: string, versioning: 'enabled' | 'suspended'): Promise<void> {
    const Status = versioning === 'enabled' ? 'Enabled' : 'Suspended';
    await this.call(`bucket ${bucket}: versioning ${versioning}`, () => this.client.setBucketVersioning(bucket, { Status }));
  }

  async setLifecycle(bucket: string, rules: { expirationDays: number | null; noncurrentVersionExpirationDays: number | null }): Promise<void> {
    const { expirationDays, noncurrentVersionExpirationDays } = rules;
    for (const days of [expirationDays, noncurrentVersionExpirationDays]) {
      if (days !== null && (!Number.isInteger(days) || days < 1)) throw new RangeError(`lifecycle days must be whole numbers from 1, not ${days}`);
    }
    const doing = `bucket ${bucket}: lifecycle`;
    if (expirationDays === null && noncurrentVersionExpirationDays === null) {
      try {
        await this.client.removeBucketLifecycle(bucket);
      } catch (error) {
        if (s3ErrorCode(error) !== 'NoSuchLifecycleConfiguration') throw toS3RemoteError(error, doing);
      }
      return;
    }
    // one rule for the whole bucket; it replaces whatever configuration the bucket had
    await this.call(doing, () =>
      this.client.setBucketLifecycle(bucket, {
        Rule: [
          {
            ID: LIFECYCLE_RULE_ID,
            Status: 'Enabled',
            Filter: { Prefix: '' },
            ...(expirationDays !== null ? { Expiration: { Days: expirationDays } } : {}),
            ...(noncurrentVersionExpirationDays !== null ? { NoncurrentVersionExpiration: { NoncurrentDays: noncurrentVersionExpirationDays } } : {}),
          },
        ],
      }),
    );
  }

  async deleteBucket(bucket: string): Promise<void> {
    try {
      await this.client.removeBucket(bucket);
    } catch (error) {
      if (s3ErrorCode(error) === 'NoSuchBucket') return;
      throw toS3RemoteError(error, `bucket ${bucket}: delete`);
    }
  }

  async measureBucket(bucket: string, options: { signal?: AbortSignal; onPage?: (objectsSoFar: bigint) => void } = {}): Promise<BucketMeasurement> {
    const { signal, onPage } = options;
    signal?.throwIfAborted();
    const total = { bytes: 0n, objects: 0n };
    const count = (size: unknown) => {
      total.bytes += exactSize(size, bucket);
      total.objects += 1n;
    };

    if (await this.keepsVersions(bucket)) {
      let keyMarker = '';
      let versionIdMarker = '';
      for (;;) {
        const page = await this.call(`bucket ${bucket}: list versions`, () =>
          this.client.listObjectsQuery(bucket, '', '', { Delimiter: '', MaxKeys: this.pageSize, IncludeVersion: true, keyMarker, versionIdMarker }),
        );
        // a delete marker holds no bytes and is not an object
        for (const item of page.objects as VersionItem[]) if (!item.isDeleteMarker && item.name !== undefined) count(item.size);
        onPage?.(total.objects);
        if (!page.isTruncated) break;
        if (!page.keyMarker) throw new Error(`bucket ${bucket}: a truncated version listing gave no next key marker`);
        keyMarker = String(page.keyMarker);
        versionIdMarker = page.versionIdMarker ? String(page.versionIdMarker) : '';
        signal?.throwIfAborted();
      }
    } else {
      // ListObjects (v1) with the last key as marker, not v2's continuation tokens: every S3
      // server pages it the same way, and s3rver's v2 tokens need DES, which OpenSSL 3 refuses.
      // The marker is taken from the decoded key, never from NextMarker, which a server may
      // send URL-encoded and the client would encode again.
      let marker = '';
      for (;;) {
        const page = await this.call(`bucket ${bucket}: list objects`, () =>
          this.client.listObjectsQuery(bucket, '', marker, { Delimiter: '', MaxKeys: this.pageSize, IncludeVersion: false }),
        );
        let last: string | undefined;
        for (const item of page.objects) {
          if (item.name === undefined) continue;
          count(item.size);
          last = item.name;
        }
        onPage?.(total.objects);
        if (!page.isTruncated) break;
        if (last === undefined) throw new Error(`bucket ${bucket}: a truncated listing page held no object to continue after`);
        marker = last;
        signal?.throwIfAborted();
      }
    }
    return { bucket, bytes: total.bytes, objects: total.objects };
  }

  /** whether the bucket may hold noncurrent versions (versioning on now, or once and suspended) */
  private async keepsVersions(bucket: string): Promise<boolean> {
    try {
      const config = (await this.client.getBucketVersioning(bucket)) as { Status?: unknown } | undefined;
      return config?.Status === 'Enabled' || config?.Status === 'Suspended';
    } catch (error) {
      // a server without versioning keeps one version per object
      const code = s3ErrorCode(error);
      if (code === 'NotImplemented' || code === 'MethodNotAllowed') return false;
      throw toS3RemoteError(error, `bucket ${bucket}: versioning`);
    }
  }

  private async call<T>(doing: string, action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      throw toS3RemoteError(error, doing);
    }
  }
}

/** what the client's version listing gives for each entry (its type omits the delete-marker flag) */
interface VersionItem {
  name?: string;
  size?: unknown;
  isDeleteMarker?: boolean;
}

function exactSize(size: unknown, bucket: string): bigint {
  if (typeof size === 'number' && Number.isSafeInteger(size) && size >= 0) return BigInt(size);
  if (typeof size === 'string' && /^\d+$/.test(size)) return BigInt(size);
  throw new Error(`bucket ${bucket}: the listing gave an object size that is not a whole number of bytes (${String(size)})`);
}
