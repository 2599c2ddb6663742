import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMinioAdapters } from '../../src/adapters/minio/index.ts';
import { createBucketCommands } from '../../src/commands/bucket-commands.ts';
import type { ObjectStorage } from '../../src/ports/object-storage.ts';
import { ReactorRunner } from '../../src/reactors/reactor-runner.ts';
import { bucketProvisioningReactor } from '../../src/reactors/bucket-provisioning-reactor.ts';
import { startS3rver } from '../adapters/minio/support/s3rver.ts';
import { startTestApp } from '../support/app.ts';
import { bearer, openTestAccount } from '../support/api-requests.ts';

/**
 * The bucket reactor against a real S3 server in-process. The S3 adapter is the real one,
 * wrapped only to count the calls that change the server.
 */
type App = Awaited<ReturnType<typeof startTestApp>>;
let app: App;
let s3: Awaited<ReturnType<typeof startS3rver>>;
let operator: string;

function counting(storage: ObjectStorage) {
  const calls = { createBucket: [] as string[], deleteBucket: [] as string[] };
  const wrapped: ObjectStorage = {
    bucketExists: (b) => storage.bucketExists(b),
    createBucket: async (b) => {
      calls.createBucket.push(b);
      await storage.createBucket(b);
    },
    setVersioning: (b, v) => storage.setVersioning(b, v),
    setLifecycle: (b, r) => storage.setLifecycle(b, r),
    deleteBucket: async (b) => {
      calls.deleteBucket.push(b);
      await storage.deleteBucket(b);
    },
    measureBucket: (b, o) => storage.measureBucket(b, o),
  };
  return { wrapped, calls };
}

beforeAll(async () => {
  s3 = await startS3rver();
  // The app itself has no S3 server: its own bucket reactor waits, and these tests run theirs.
  app = await startTestApp();
  operator = await app.tokenFor({ kind: 'operator' });
});
afterAll(async () => {
  await app?.close();
  await s3?.close();
});

async function openAccount(slug: string): Promise<string> {
  return (await openTestAccount(app, operator, slug)).accountId;
}

async function requestBucket(accountId: string, name: string): Promise<string> {
  const response = await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/buckets`, headers: bearer(operator), payload: { name } });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ bucketId: string }>().bucketId;
}

function runnerWith(objectStorage: ObjectStorage | null) {
  const { eventStore, readModels } = app.infrastructure;
  return new ReactorRunner({
    db: readModels,
    eventStore,
    reactors: [bucketProvisioningReactor({ objectStorage, storageAdmin: null, buckets: createBucketCommands(eventStore) })],
    retryBaseMs: 60_000,
  });
}

async function bucketStatus(bucketId: string) {
  await app.runner.catchUp();
  const row = await app.infrastructure.readModels.selectFrom('buckets').select(['status', 'failure_reason']).where('bucket_id', '=', bucketId).executeTakeFirstOrThrow();
  return row;
}

describe('bucket provisioning reactor (in-process S3 server)', () => {
  it('with no S3 server configured the bucket stays requested and the reactor says why', async () => {
    const accountId = await openAccount('waiting-co');
    const bucketId = await requestBucket(accountId, 'waiting-bucket');
    const runner = runnerWith(null);
    await runner.catchUp();
    expect(await runner.drain()).toBe(0);
    const [status] = await runner.status();
    expect(status!.unavailable).toMatch(/no S3 server configured/);
    expect(status!.pending).toBeGreaterThanOrEqual(1);
    expect((await bucketStatus(bucketId)).status).toBe('requested');
  });

  it('creates the bucket, records it provisioned, and deletes it when asked', async () => {
    const { objectStorage } = createMinioAdapters({ endpoint: `http://127.0.0.1:${s3.port}`, accessKey: 'S3RVER', secretKey: 'S3RVER', region: 'us-east-1' });
    const { wrapped, calls } = counting(objectStorage);
    const accountId = await openAccount('create-co');
    const bucketId = await requestBucket(accountId, 'create-co-data');
    const runner = runnerWith(wrapped);
    await runner.catchUp();
    await runner.drain();
    expect(await s3.client.bucketExists('create-co-data')).toBe(true);
    expect((await bucketStatus(bucketId)).status).toBe('provisioned');
    expect(calls.createBucket.filter((b) => b === 'create-co-data')).toHaveLength(1);

    const deleted = await app.api.inject({ method: 'DELETE', url: `/accounts/${accountId}/buckets/${bucketId}`, headers: bearer(operator) });
    expect(deleted.statusCode, deleted.body).toBeLessThan(300);
    await runner.catchUp();
    await runner.drain();
    expect(await s3.client.bucketExists('create-co-data')).toBe(false);
    expect((await bucketStatus(bucketId)).status).toBe('deleted');
  });

  it('a bucket created before a crash (its event never recorded) is not created again on restart', async () => {
    const { objectStorage } = createMinioAdapters({ endpoint: `http://127.0.0.1:${s3.port}`, accessKey: 'S3RVER', secretKey: 'S3RVER', region: 'us-east-1' });
    const { wrapped, calls } = counting(objectStorage);
    const accountId = await openAccount('crash-co');
    const bucketId = await requestBucket(accountId, 'crash-co-data');
    // The side effect happened, then the process died before BucketProvisioned was recorded.
    await s3.client.makeBucket('crash-co-data');
    const restarted = runnerWith(wrapped);
    await restarted.catchUp();
    await restarted.drain();
    expect(calls.createBucket).not.toContain('crash-co-data');
    expect((await bucketStatus(bucketId)).status).toBe('provisioned');
  });

  it('a bucket that still holds objects is not deleted: the job fails with the server reason and stays visible', async () => {
    const { objectStorage } = createMinioAdapters({ endpoint: `http://127.0.0.1:${s3.port}`, accessKey: 'S3RVER', secretKey: 'S3RVER', region: 'us-east-1' });
    const accountId = await openAccount('full-co');
    const bucketId = await requestBucket(accountId, 'full-co-data');
    const runner = runnerWith(objectStorage);
    await runner.catchUp();
    await runner.drain();
    await s3.client.putObject('full-co-data', 'keep.txt', Buffer.from('still here'));
    await app.api.inject({ method: 'DELETE', url: `/accounts/${accountId}/buckets/${bucketId}`, headers: bearer(operator) });
    await runner.catchUp();
    await runner.drain();
    expect(await s3.client.bucketExists('full-co-data')).toBe(true);
    const [status] = await runner.status();
    const failure = status!.failures.find((f) => f.subject === bucketId);
    expect(failure).toMatchObject({ kind: 'delete' });
    expect(failure!.error).toMatch(/not empty/i);
    expect((await bucketStatus(bucketId)).status).toBe('deleting');
  });

  it('an S3 server that does not answer leaves the job pending with the reason, to be tried again', async () => {
    const down = createMinioAdapters({ endpoint: 'http://127.0.0.1:9', accessKey: 'x', secretKey: 'y', region: 'us-east-1' });
    const accountId = await openAccount('down-co');
    const bucketId = await requestBucket(accountId, 'down-co-data');
    const runner = runnerWith(down.objectStorage);
    await runner.catchUp();
    await runner.drain();
    const job = await app.infrastructure.readModels.selectFrom('reactor_jobs').selectAll().where('subject', '=', bucketId).executeTakeFirstOrThrow();
    expect(job.status).toBe('pending');
    expect(job.attempts).toBe(1);
    expect(job.last_error).toMatch(/ECONNREFUSED|connect/i);
    expect((await bucketStatus(bucketId)).status).toBe('requested');
  });
});
