import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MinioAdmin } from '../../../src/adapters/minio/minio-admin.ts';
import { RemoteError } from '../../../src/ports/remote-error.ts';
import { startMinioAdminStandIn } from './support/minio-admin-stand-in.ts';

const ADMIN = { accessKey: 'cloudpro-admin', secretKey: 'Adm1n-S3cret/with+symbols', region: 'sa-east-1' };
const metricsText = readFileSync(path.resolve(import.meta.dirname, '../../fixtures/minio/bucket-metrics.prom'), 'utf8');

describe('MinioAdmin against a stand-in of MinIO admin API', () => {
  let minio: Awaited<ReturnType<typeof startMinioAdminStandIn>>;
  let admin: MinioAdmin;

  beforeAll(async () => {
    minio = await startMinioAdminStandIn({ ...ADMIN, metricsAuth: 'jwt', metrics: metricsText });
    admin = new MinioAdmin({ ...ADMIN, endpoint: minio.url });
  });
  afterAll(async () => {
    await minio?.close();
  });
  beforeEach(() => {
    minio.calls.length = 0;
  });

  it('adds a user with the secret encrypted as madmin does, and reads it back', async () => {
    await admin.putUser('AKIACME0000000000001', 'tenant-secret-0123456789abcdefghijklmnop');
    expect(minio.calls[0]).toMatchObject({
      method: 'PUT',
      path: '/minio/admin/v3/add-user',
      query: { accessKey: 'AKIACME0000000000001' },
      contentType: 'application/octet-stream',
      // decrypted by the stand-in with the admin secret key: madmin's AddOrUpdateUserReq
      json: { secretKey: 'tenant-secret-0123456789abcdefghijklmnop', status: 'enabled' },
    });
    expect(minio.users.get('AKIACME0000000000001')).toEqual({ secretKey: 'tenant-secret-0123456789abcdefghijklmnop', status: 'enabled', policies: [] });
    expect(await admin.getUser('AKIACME0000000000001')).toEqual({ accessKey: 'AKIACME0000000000001', status: 'enabled', policyNames: [] });
    expect(minio.calls[1]).toMatchObject({ method: 'GET', path: '/minio/admin/v3/user-info', query: { accessKey: 'AKIACME0000000000001' } });
  });

  it('says null for a user MinIO does not know', async () => {
    expect(await admin.getUser('AKIANOBODY')).toBeNull();
    // a name that must be percent-encoded in the query, and still signs as MinIO recomputes it
    expect(await admin.getUser('ops+billing@acme.com.br')).toBeNull();
    expect(minio.calls.at(-1)?.query).toEqual({ accessKey: 'ops+billing@acme.com.br' });
  });

  it('disables and enables a user', async () => {
    await admin.putUser('AKIACME0000000000002', 'secret-two');
    await admin.setUserStatus('AKIACME0000000000002', 'disabled');
    expect(minio.calls[1]).toMatchObject({ method: 'PUT', path: '/minio/admin/v3/set-user-status', query: { accessKey: 'AKIACME0000000000002', status: 'disabled' } });
    expect((await admin.getUser('AKIACME0000000000002'))?.status).toBe('disabled');
    await admin.setUserStatus('AKIACME0000000000002', 'enabled');
    expect((await admin.getUser('AKIACME0000000000002'))?.status).toBe('enabled');
  });

  it('puts and removes canned policies, removal of a missing one being a success', async () => {
    const document = {
      Version: '2012-10-17' as const,
      Statement: [{ Effect: 'Allow' as const, Action: ['s3:GetObject', 's3:PutObject'], Resource: ['arn:aws:s3:::acme-data/*'] }],
    };
    await admin.putPolicy('cp-acme-key1', document);
    expect(minio.calls[0]).toMatchObject({ method: 'PUT', path: '/minio/admin/v3/add-canned-policy', query: { name: 'cp-acme-key1' }, json: document });
    expect(minio.policies.get('cp-acme-key1')).toEqual(document);
    await admin.removePolicy('cp-acme-key1');
    await admin.removePolicy('cp-acme-key1');
    expect(minio.calls.slice(1).map((c) => `${c.method} ${c.path}?name=${c.query.name}`)).toEqual([
      'DELETE /minio/admin/v3/remove-canned-policy?name=cp-acme-key1',
      'DELETE /minio/admin/v3/remove-canned-policy?name=cp-acme-key1',
    ]);
    expect(minio.policies.has('cp-acme-key1')).toBe(false);
  });

  it('sets exactly the policies asked for, through encrypted attach and detach calls', async () => {
    const doc = (bucket: string) => ({ Version: '2012-10-17' as const, Statement: [{ Effect: 'Allow' as const, Action: ['s3:*'], Resource: [`arn:aws:s3:::${bucket}/*`] }] });
    await admin.putPolicy('p-read', doc('a'));
    await admin.putPolicy('p-write', doc('b'));
    await admin.putPolicy('p-list', doc('c'));
    await admin.putUser('AKIACME0000000000003', 'secret-three');
    minio.calls.length = 0;

    await admin.setUserPolicies('AKIACME0000000000003', ['p-read', 'p-write']);
    expect(minio.calls.filter((c) => c.method === 'POST')).toEqual([
      {
        method: 'POST',
        path: '/minio/admin/v3/idp/builtin/policy/attach',
        query: {},
        contentType: 'application/octet-stream',
        json: { policies: ['p-read', 'p-write'], user: 'AKIACME0000000000003' },
      },
    ]);
    minio.calls.length = 0;

    // from read+write to read+list: write is detached first, then list attached
    await admin.setUserPolicies('AKIACME0000000000003', ['p-read', 'p-list']);
    expect(minio.calls.filter((c) => c.method === 'POST').map((c) => [c.path.split('/').pop(), c.json])).toEqual([
      ['detach', { policies: ['p-write'], user: 'AKIACME0000000000003' }],
      ['attach', { policies: ['p-list'], user: 'AKIACME0000000000003' }],
    ]);
    expect(await admin.getUser('AKIACME0000000000003')).toMatchObject({ policyNames: ['p-read', 'p-list'] });
    minio.calls.length = 0;

    // already so: only the read
    await admin.setUserPolicies('AKIACME0000000000003', ['p-list', 'p-read']);
    expect(minio.calls.map((c) => c.method)).toEqual(['GET']);
  });

  it('refuses for good to set policies on a user MinIO does not know, or a policy it does not have', async () => {
    await expect(admin.setUserPolicies('AKIANOBODY', ['p-read'])).rejects.toMatchObject({ remote: 'minio', retryable: false, message: expect.stringMatching(/XMinioAdminNoSuchUser/) });
    await admin.putUser('AKIACME0000000000004', 'secret-four');
    await expect(admin.setUserPolicies('AKIACME0000000000004', ['p-missing'])).rejects.toMatchObject({
      remote: 'minio',
      retryable: false,
      message: 'user AKIACME0000000000004: attach p-missing: XMinioAdminNoSuchPolicy: The canned policy does not exist.',
    });
  });

  it('removes a user, and again without complaint', async () => {
    await admin.putUser('AKIACME0000000000005', 'secret-five');
    await admin.removeUser('AKIACME0000000000005');
    await admin.removeUser('AKIACME0000000000005');
    expect(minio.calls.slice(1).map((c) => `${c.method} ${c.path} ${c.query.accessKey}`)).toEqual([
      'DELETE /minio/admin/v3/remove-user AKIACME0000000000005',
      'DELETE /minio/admin/v3/remove-user AKIACME0000000000005',
    ]);
    expect(await admin.getUser('AKIACME0000000000005')).toBeNull();
  });

  it('sets a hard bucket quota in exact bytes and clears it', async () => {
    // 10 PiB + 1: past 2^53, so a JS number would have lost the last byte
    await admin.setBucketQuota('acme-data', 11_258_999_068_426_241n);
    expect(minio.calls[0]).toMatchObject({
      method: 'PUT',
      path: '/minio/admin/v3/set-bucket-quota',
      query: { bucket: 'acme-data' },
      json: '{"quota":11258999068426241,"size":11258999068426241,"rate":0,"requests":0,"quotatype":"hard"}',
    });
    expect(await admin.getBucketQuota('acme-data')).toBe(11_258_999_068_426_241n);
    await admin.setBucketQuota('acme-data', null);
    expect(minio.calls[2]).toMatchObject({ json: '{"quota":0,"size":0,"rate":0,"requests":0}' });
    expect(await admin.getBucketQuota('acme-data')).toBeNull();
    expect(await admin.getBucketQuota('acme-logs')).toBeNull();
    await expect(admin.setBucketQuota('acme-data', 0n)).rejects.toThrow(RangeError);
  });

  it('refuses for good a quota on a bucket MinIO does not have', async () => {
    await expect(admin.setBucketQuota('acme-gone', 1024n)).rejects.toMatchObject({
      remote: 'minio',
      retryable: false,
      message: 'bucket acme-gone: set quota: NoSuchBucket: The specified bucket does not exist',
    });
  });

  it('reads the bucket metrics with a bearer token MinIO accepts', async () => {
    const readings = await admin.bucketMetrics();
    // per node, as in bucket-metrics.test.ts: node1 A 1,203,468 B 2,505,002; node2 A 878 B 987,654
    expect(readings.map((r) => [r.bucket, r.storedBytes, r.counters.map((c) => [c.server, c.requestsA, c.requestsB])])).toEqual([
      [
        'acme-data',
        56_046_668_864n,
        [
          ['node1:9000', 1_203_468n, 2_505_002n],
          ['node2:9000', 878n, 987_654n],
        ],
      ],
      [
        'acme-logs',
        0n,
        [
          ['node1:9000', 1n, 2n],
          ['node2:9000', 1n, 0n],
        ],
      ],
    ]);
  });

  it('is refused, for good, with the wrong secret key, and the secret is not in the message', async () => {
    const wrong = new MinioAdmin({ ...ADMIN, secretKey: 'not-the-admin-secret', endpoint: minio.url });
    const error = await wrong.getUser('AKIACME0000000000001').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    expect(error).toMatchObject({ remote: 'minio', retryable: false, message: expect.stringMatching(/^user AKIACME0000000000001: info: SignatureDoesNotMatch: /) });
    expect((error as Error).message).not.toContain('not-the-admin-secret');
    await expect(wrong.bucketMetrics()).rejects.toMatchObject({ retryable: false, message: 'bucket metrics: AccessDenied: bad token signature' });
  });

  it('says a busy or unready server is worth retrying', async () => {
    minio.faults.push({ status: 503, code: 'XMinioServerNotInitialized', message: 'Server not initialized yet, please try again.' });
    await expect(admin.setUserStatus('AKIACME0000000000001', 'disabled')).rejects.toMatchObject({
      retryable: true,
      message: 'user AKIACME0000000000001: disable: XMinioServerNotInitialized: Server not initialized yet, please try again.',
    });
  });

  it('says a server that cannot be reached is worth retrying', async () => {
    const gone = await startMinioAdminStandIn({ ...ADMIN, metricsAuth: 'public', metrics: '' });
    await gone.close();
    const unreachable = new MinioAdmin({ ...ADMIN, endpoint: gone.url });
    await expect(unreachable.getUser('AKIACME0000000000001')).rejects.toMatchObject({ remote: 'minio', retryable: true, message: expect.stringMatching(/ECONNREFUSED/) });
  });
});

describe('MinioAdmin metrics on a server with public metrics', () => {
  it('reads them without a token', async () => {
    const minio = await startMinioAdminStandIn({ ...ADMIN, metricsAuth: 'public', metrics: metricsText });
    try {
      const readings = await new MinioAdmin({ ...ADMIN, endpoint: minio.url, metricsAuth: 'public' }).bucketMetrics();
      expect(readings).toHaveLength(2);
      expect(minio.received.at(-1)?.headers.authorization).toBeUndefined();
    } finally {
      await minio.close();
    }
  });
});
