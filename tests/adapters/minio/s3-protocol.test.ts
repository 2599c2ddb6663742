import * as Minio from 'minio';
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3ObjectStorage } from '../../../src/adapters/minio/s3-object-storage.ts';
import { startStandIn, type ReceivedRequest } from './support/http-stand-in.ts';

/**
 * What s3rver cannot show (it has no versioning and no lifecycle): the requests the adapter
 * sends for them, and how it pages a version listing, checked against an HTTP server on
 * 127.0.0.1 answering as S3's API reference says.
 */

interface Entry {
  key: string;
  versionId: string;
  size?: number;
}

// newest version first within a key, as S3 lists them; 2^52 + 1 bytes three times is past 2^53
const VERSIONS: Entry[] = [
  { key: 'a.txt', versionId: 'v3', size: 4_503_599_627_370_497 },
  { key: 'b.txt', versionId: 'v9' }, // a delete marker
  { key: 'b.txt', versionId: 'v8', size: 1000 },
  { key: 'photos/summer 2025.jpg', versionId: 'v5', size: 4_503_599_627_370_497 },
  { key: 'photos/summer 2025.jpg', versionId: 'v4', size: 4_503_599_627_370_497 },
  { key: 'photos/zz.jpg', versionId: 'v1', size: 7 },
];

function xml(res: ServerResponse, status: number, body: string) {
  res.statusCode = status;
  res.setHeader('content-type', 'application/xml');
  res.end(`<?xml version="1.0" encoding="UTF-8"?>\n${body}`);
}

const encodeKey = (key: string) => encodeURIComponent(key).replace(/%2F/g, '/');

function listVersions(req: ReceivedRequest, res: ServerResponse) {
  const maxKeys = Number(req.query.get('max-keys'));
  const keyMarker = req.query.get('key-marker') ?? '';
  const versionMarker = req.query.get('version-id-marker') ?? '';
  const start = keyMarker === '' ? 0 : VERSIONS.findIndex((v) => v.key === keyMarker && v.versionId === versionMarker) + 1;
  if (keyMarker !== '' && start === 0) return xml(res, 400, '<Error><Code>InvalidArgument</Code><Message>bad marker</Message></Error>');
  const page = VERSIONS.slice(start, start + maxKeys);
  const truncated = start + maxKeys < VERSIONS.length;
  const last = page[page.length - 1]!;
  const entries = page
    .map((v) =>
      v.size === undefined
        ? `<DeleteMarker><Key>${encodeKey(v.key)}</Key><VersionId>${v.versionId}</VersionId><IsLatest>true</IsLatest><LastModified>2026-03-01T00:00:00.000Z</LastModified></DeleteMarker>`
        : `<Version><Key>${encodeKey(v.key)}</Key><VersionId>${v.versionId}</VersionId><IsLatest>false</IsLatest><LastModified>2026-03-01T00:00:00.000Z</LastModified><ETag>"e"</ETag><Size>${v.size}</Size><StorageClass>STANDARD</StorageClass></Version>`,
    )
    .join('');
  xml(
    res,
    200,
    `<ListVersionsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>versioned</Name><Prefix></Prefix><KeyMarker>${encodeKey(keyMarker)}</KeyMarker>` +
      `<VersionIdMarker>${versionMarker}</VersionIdMarker><MaxKeys>${maxKeys}</MaxKeys><EncodingType>url</EncodingType><IsTruncated>${truncated}</IsTruncated>` +
      (truncated ? `<NextKeyMarker>${encodeKey(last.key)}</NextKeyMarker><NextVersionIdMarker>${last.versionId}</NextVersionIdMarker>` : '') +
      `${entries}</ListVersionsResult>`,
  );
}

describe('S3ObjectStorage requests that s3rver cannot show', () => {
  let s3: Awaited<ReturnType<typeof startStandIn>>;
  let storage: S3ObjectStorage;

  beforeAll(async () => {
    s3 = await startStandIn((req, res) => {
      const sub = [...req.query.keys()];
      if (req.path === '/fresh' && req.method === 'HEAD') {
        res.statusCode = 404;
        return res.end();
      }
      if (req.path === '/denied') return xml(res, 403, '<Error><Code>AccessDenied</Code><Message>Access Denied.</Message></Error>');
      if (req.path === '/busy') return xml(res, 503, '<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>');
      if (req.method === 'GET' && sub.includes('versioning')) {
        return xml(res, 200, '<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>Enabled</Status></VersioningConfiguration>');
      }
      if (req.method === 'GET' && sub.includes('versions')) return listVersions(req, res);
      if (req.method === 'DELETE' && sub.includes('lifecycle')) {
        res.statusCode = 204;
        return res.end();
      }
      res.statusCode = 200;
      res.end();
    });
    storage = new S3ObjectStorage(new Minio.Client({ endPoint: '127.0.0.1', port: s3.port, useSSL: false, accessKey: 'AK', secretKey: 'SK', region: 'us-east-1' }), {
      listPageSize: 2,
    });
  });
  afterAll(async () => {
    await s3?.close();
  });

  const last = () => s3.received[s3.received.length - 1]!;

  it('turns versioning on and suspends it with a VersioningConfiguration', async () => {
    await storage.setVersioning('acme', 'enabled');
    expect(last()).toMatchObject({ method: 'PUT', path: '/acme' });
    expect([...last().query.keys()]).toEqual(['versioning']);
    expect(last().body.toString()).toBe('<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>');
    await storage.setVersioning('acme', 'suspended');
    expect(last().body.toString()).toBe('<VersioningConfiguration><Status>Suspended</Status></VersioningConfiguration>');
  });

  it('puts one whole-bucket lifecycle rule with the expirations asked for', async () => {
    await storage.setLifecycle('acme', { expirationDays: 30, noncurrentVersionExpirationDays: 7 });
    expect(last()).toMatchObject({ method: 'PUT', path: '/acme' });
    expect([...last().query.keys()]).toEqual(['lifecycle']);
    expect(last().headers['content-md5']).toBeDefined();
    expect(last().body.toString()).toBe(
      '<LifecycleConfiguration><Rule><ID>cloudpro-ledger</ID><Status>Enabled</Status><Filter><Prefix/></Filter>' +
        '<Expiration><Days>30</Days></Expiration><NoncurrentVersionExpiration><NoncurrentDays>7</NoncurrentDays></NoncurrentVersionExpiration></Rule></LifecycleConfiguration>',
    );
    await storage.setLifecycle('acme', { expirationDays: null, noncurrentVersionExpirationDays: 90 });
    expect(last().body.toString()).toBe(
      '<LifecycleConfiguration><Rule><ID>cloudpro-ledger</ID><Status>Enabled</Status><Filter><Prefix/></Filter>' +
        '<NoncurrentVersionExpiration><NoncurrentDays>90</NoncurrentDays></NoncurrentVersionExpiration></Rule></LifecycleConfiguration>',
    );
  });

  it('removes the lifecycle configuration when both expirations are null', async () => {
    await storage.setLifecycle('acme', { expirationDays: null, noncurrentVersionExpirationDays: null });
    expect(last()).toMatchObject({ method: 'DELETE', path: '/acme', body: Buffer.alloc(0) });
    expect([...last().query.keys()]).toEqual(['lifecycle']);
  });

  it('refuses lifecycle days that are not whole numbers from 1, sending nothing', async () => {
    const before = s3.received.length;
    await expect(storage.setLifecycle('acme', { expirationDays: 0, noncurrentVersionExpirationDays: null })).rejects.toThrow(RangeError);
    await expect(storage.setLifecycle('acme', { expirationDays: 1.5, noncurrentVersionExpirationDays: null })).rejects.toThrow(RangeError);
    expect(s3.received.length).toBe(before);
  });

  it('measures a versioned bucket by its versions, page by page, leaving out delete markers', async () => {
    const before = s3.received.length;
    const pages: bigint[] = [];
    const measured = await storage.measureBucket('versioned', { onPage: (n) => pages.push(n) });
    // five versions hold bytes: 3 × 4,503,599,627,370,497 + 1,000 + 7 = 13,510,798,882,112,498
    expect(measured).toEqual({ bucket: 'versioned', bytes: 13_510_798_882_112_498n, objects: 5n });
    // pages of two entries: [a v3, b marker] [b v8, summer v5] [summer v4, zz v1]
    expect(pages).toEqual([1n, 3n, 5n]);
    const listings = s3.received.slice(before).filter((r) => r.query.has('versions'));
    expect(listings.map((r) => [r.query.get('key-marker'), r.query.get('version-id-marker')])).toEqual([
      [null, null],
      ['b.txt', 'v9'],
      ['photos/summer 2025.jpg', 'v5'],
    ]);
  });

  it('creates a bucket in the configured region', async () => {
    const client = new Minio.Client({ endPoint: '127.0.0.1', port: s3.port, useSSL: false, accessKey: 'AK', secretKey: 'SK', region: 'sa-east-1' });
    await new S3ObjectStorage(client, { region: 'sa-east-1' }).createBucket('fresh');
    expect(last()).toMatchObject({ method: 'PUT', path: '/fresh' });
    expect(last().body.toString()).toMatch(/<CreateBucketConfiguration[^>]*><LocationConstraint>sa-east-1<\/LocationConstraint><\/CreateBucketConfiguration>/);
    expect(String(last().headers.authorization)).toContain('/sa-east-1/s3/aws4_request');
  });

  it('says AccessDenied for good and SlowDown as worth retrying', async () => {
    await expect(storage.setVersioning('denied', 'enabled')).rejects.toMatchObject({
      remote: 's3',
      retryable: false,
      message: 'bucket denied: versioning enabled: AccessDenied: Access Denied.',
    });
    await expect(storage.setVersioning('busy', 'enabled')).rejects.toMatchObject({ remote: 's3', retryable: true, message: expect.stringMatching(/HTTP 503/) });
  });

  it('says a server that cannot be reached is worth retrying', async () => {
    const closed = await startStandIn(() => undefined);
    await closed.close();
    const unreachable = new S3ObjectStorage(new Minio.Client({ endPoint: '127.0.0.1', port: closed.port, useSSL: false, accessKey: 'AK', secretKey: 'SK', region: 'us-east-1' }));
    await expect(unreachable.bucketExists('acme')).rejects.toMatchObject({ remote: 's3', retryable: true, message: expect.stringMatching(/ECONNREFUSED/) });
  });
});
