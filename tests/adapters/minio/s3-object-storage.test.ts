import type * as Minio from 'minio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMinioAdapters } from '../../../src/adapters/minio/index.ts';
import { MinioAdmin } from '../../../src/adapters/minio/minio-admin.ts';
import { S3ObjectStorage } from '../../../src/adapters/minio/s3-object-storage.ts';
import { RemoteError } from '../../../src/ports/remote-error.ts';
import { startS3rver } from './support/s3rver.ts';

/** Against s3rver, a real S3 server running in this process. */
describe('S3ObjectStorage against an S3 server', () => {
  let s3: Awaited<ReturnType<typeof startS3rver>>;
  let storage: S3ObjectStorage;

  beforeAll(async () => {
    s3 = await startS3rver();
    storage = new S3ObjectStorage(s3.client);
  });
  afterAll(async () => {
    await s3?.close();
  });

  it('creates, finds and deletes a bucket, each step safe to repeat', async () => {
    expect(await storage.bucketExists('acme-photos')).toBe(false);
    await storage.createBucket('acme-photos');
    expect(await storage.bucketExists('acme-photos')).toBe(true);
    // again, as a reactor would after a crash: s3rver answers BucketAlreadyExists for our own bucket
    await storage.createBucket('acme-photos');
    expect(await storage.bucketExists('acme-photos')).toBe(true);
    await storage.deleteBucket('acme-photos');
    expect(await storage.bucketExists('acme-photos')).toBe(false);
    await storage.deleteBucket('acme-photos');
    expect(await storage.bucketExists('acme-photos')).toBe(false);
  });

  it('refuses to delete a bucket that still holds objects, with the server reason, for good', async () => {
    await storage.createBucket('acme-full');
    await s3.client.putObject('acme-full', 'invoice.pdf', Buffer.from('%PDF-1.7'));
    const error = await storage.deleteBucket('acme-full').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    expect(error).toMatchObject({ remote: 's3', retryable: false });
    expect((error as RemoteError).message).toBe('bucket acme-full: delete: BucketNotEmpty: The bucket your tried to delete is not empty');
    expect(await storage.bucketExists('acme-full')).toBe(true);
  });

  it('measures a bucket of 2,500 objects page by page, exactly', async () => {
    await storage.createBucket('acme-archive');
    // object i holds (i mod 10) + 1 bytes: each of the 10 sizes 1..10 occurs 250 times,
    // so the bucket holds 250 × (1 + 2 + … + 10) = 250 × 55 = 13,750 bytes
    await putMany(s3.client, 'acme-archive', 2500, (i) => (i % 10) + 1);
    const pages: bigint[] = [];
    const measured = await new S3ObjectStorage(s3.client, { listPageSize: 1000 }).measureBucket('acme-archive', { onPage: (n) => pages.push(n) });
    expect(measured).toEqual({ bucket: 'acme-archive', bytes: 13_750n, objects: 2_500n });
    expect(pages).toEqual([1000n, 2000n, 2500n]);
  });

  it('stops measuring when aborted between pages', async () => {
    const controller = new AbortController();
    const pages: bigint[] = [];
    const measuring = new S3ObjectStorage(s3.client, { listPageSize: 1000 }).measureBucket('acme-archive', {
      signal: controller.signal,
      onPage: (n) => {
        pages.push(n);
        controller.abort();
      },
    });
    await expect(measuring).rejects.toMatchObject({ name: 'AbortError' });
    expect(pages).toEqual([1000n]);
  });

  it('measures an empty bucket as 0 bytes in one page', async () => {
    await storage.createBucket('acme-empty');
    const pages: bigint[] = [];
    expect(await storage.measureBucket('acme-empty', { onPage: (n) => pages.push(n) })).toEqual({ bucket: 'acme-empty', bytes: 0n, objects: 0n });
    expect(pages).toEqual([0n]);
  });

  it('says for good that a missing bucket cannot be measured', async () => {
    await expect(storage.measureBucket('acme-nothing')).rejects.toMatchObject({ remote: 's3', retryable: false, message: expect.stringMatching(/NoSuchBucket/) });
  });

  it('reports what the server does not implement (s3rver has no lifecycle) as final', async () => {
    await storage.createBucket('acme-lifecycle');
    await expect(storage.setLifecycle('acme-lifecycle', { expirationDays: 30, noncurrentVersionExpirationDays: null })).rejects.toMatchObject({
      remote: 's3',
      retryable: false,
      message: expect.stringMatching(/^bucket acme-lifecycle: lifecycle: NotImplemented: /),
    });
  });

  it('refuses with the server reason when the credentials are wrong', async () => {
    const { Client } = await import('minio');
    const wrong = new Client({ endPoint: '127.0.0.1', port: s3.port, useSSL: false, accessKey: 'S3RVER', secretKey: 'not-the-secret', region: 'us-east-1' });
    const error = await new S3ObjectStorage(wrong).deleteBucket('acme-full').catch((e: unknown) => e);
    expect(error).toMatchObject({ remote: 's3', retryable: false, message: expect.stringMatching(/SignatureDoesNotMatch/) });
    expect((error as Error).message).not.toContain('not-the-secret');
  });
});

describe('createMinioAdapters', () => {
  it('builds both adapters from one endpoint URL; the S3 one reaches the server', async () => {
    const s3 = await startS3rver();
    try {
      const { objectStorage, storageAdmin } = createMinioAdapters({ endpoint: `http://127.0.0.1:${s3.port}`, accessKey: 'S3RVER', secretKey: 'S3RVER', region: 'us-east-1' });
      await objectStorage.createBucket('acme-factory');
      expect(await s3.client.bucketExists('acme-factory')).toBe(true);
      expect(storageAdmin).toBeInstanceOf(MinioAdmin);
    } finally {
      await s3.close();
    }
  });

  it('refuses an endpoint that is not a bare http(s) origin', () => {
    const base = { accessKey: 'a', secretKey: 'b', region: 'us-east-1' };
    expect(() => createMinioAdapters({ ...base, endpoint: 'http://minio:9000/some/path' })).toThrow(/bare origin/);
    expect(() => createMinioAdapters({ ...base, endpoint: 'ftp://minio:21' })).toThrow(/http or https/);
    expect(() => createMinioAdapters({ ...base, endpoint: 'minio:9000' })).toThrow();
  });
});

async function putMany(client: Minio.Client, bucket: string, count: number, sizeOf: (i: number) => number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      await client.putObject(bucket, `obj/${String(i).padStart(5, '0')}`, Buffer.alloc(sizeOf(i), 0x61));
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
}
