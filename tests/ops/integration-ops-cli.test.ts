import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { compose, type Application } from '../../src/main.ts';
import { startS3rver } from '../adapters/minio/support/s3rver.ts';
import { createTestDatabase } from '../support/database.ts';
import { unusedPort } from '../support/smtp-test-server.ts';
import { bearer } from '../support/api-requests.ts';
import { runOps } from '../support/ops-cli.ts';

// Each test starts the ops CLI as several processes (tsx compiles on every start): on a
// busy two-core machine one such test can take over a minute.
vi.setConfig({ testTimeout: 180_000 });

/**
 * `ops status`, `retry`, `jobs` and `run-job` as an operator runs them: a separate process on
 * the service's configuration. The S3 server configured here does not answer at first, so a
 * bucket's creation fails; once it is up, `ops retry` puts the job back and it succeeds.
 */
const platformKey = randomBytes(32).toString('base64');
let databaseUrl: string;
let env: Record<string, string>;
let app: Application;
let s3: Awaited<ReturnType<typeof startS3rver>> | null = null;

const ops = (...args: string[]) => runOps({ ...process.env, ...env }, ...args);

beforeAll(async () => {
  databaseUrl = await createTestDatabase('opsint');
  const port = await unusedPort();
  env = {
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'silent',
    PLATFORM_KEY: platformKey,
    MINIO_ENDPOINT: `http://127.0.0.1:${port}`,
    MINIO_ACCESS_KEY: 'S3RVER',
    MINIO_SECRET_KEY: 'S3RVER',
    MINIO_ADMIN: 'off',
    REACTOR_MAX_ATTEMPTS: '1',
  };
  app = await compose(loadConfig(env), { httpLogs: false });
});
afterAll(async () => {
  await app?.close();
  await s3?.close();
});

describe('ops for the integrations', () => {
  it('status shows a failed bucket job with its reason; retry puts it back; it then succeeds', async () => {
    const { issueApiToken } = await import('../../src/commands/api-token-commands.ts');
    const ctx = { actor: 'test', correlationId: 'c', causationId: 'c', occurredAt: new Date().toISOString() };
    const { token } = await issueApiToken(app.infrastructure.eventStore, { name: 'op', scope: { kind: 'operator' } }, ctx);
    const auth = bearer(token);
    const opened = await app.api.inject({ method: 'POST', url: '/accounts', headers: auth, payload: { name: 'Ops', slug: 'ops-co', billingEmail: 'f@ops.co', document: '11.222.333/0001-81' } });
    const { accountId } = opened.json<{ accountId: string }>();
    await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/buckets`, headers: auth, payload: { name: 'ops-co-data' } });
    await app.runner.catchUp();
    await app.reactors.catchUp();
    await app.reactors.drain();

    const status = await ops('status');
    expect(status.code).toBe(1);
    expect(status.stdout).toContain('minio-buckets');
    expect(status.stdout).toMatch(/minio-buckets job (\S+) \(create, \S+\) FAILED after 1 tries: .*(ECONNREFUSED|connect)/);
    expect(status.stdout).toMatch(/SFTPGo: not configured/);
    expect(status.stdout).toMatch(/'email'\s.*'working'/);
    expect(status.stdout).toMatch(/'sftpgo-users'\s.*'waiting: SFTPGo not configured/);
    const jobId = /minio-buckets job (\S+) \(create/.exec(status.stdout)![1]!;
    await app.runner.catchUp();
    expect((await app.infrastructure.readModels.selectFrom('buckets').select('status').executeTakeFirstOrThrow()).status).toBe('failed');

    const wrong = await ops('retry', 'minio-buckets', 'not-a-job');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('has no job not-a-job');

    // the S3 server comes up on the configured port
    s3 = await startS3rver(Number(new URL(env.MINIO_ENDPOINT!).port));
    const retried = await ops('retry', 'minio-buckets', jobId);
    expect(retried.code, retried.stderr).toBe(0);
    await app.reactors.drain();
    await app.runner.catchUp();
    expect(await s3.client.bucketExists('ops-co-data')).toBe(true);
    expect((await app.infrastructure.readModels.selectFrom('buckets').select('status').executeTakeFirstOrThrow()).status).toBe('provisioned');
    const after = await ops('status');
    expect(after.code).toBe(0);
  });

  it('jobs lists every schedule; run-job runs one now, and a source that cannot be read says so', async () => {
    const jobs = await ops('jobs');
    expect(jobs.code).toBe(0);
    for (const name of ['billing-run', 'dunning', 'metering', 'listing-metering', 'key-expiry', 'quota-check']) expect(jobs.stdout).toContain(name);
    expect(jobs.stdout).toContain('METERING_CRON');

    const listing = await ops('run-job', 'listing-metering');
    expect(listing.code, listing.stderr).toBe(0);
    expect(listing.stdout).toMatch(/listing-metering: 1 buckets read, 1 samples recorded/);
    const metrics = await ops('run-job', 'metering');
    expect(metrics.code).toBe(1);
    expect(metrics.stderr).toContain('MinIO admin API not configured');
    const status = await ops('status');
    expect(status.stdout).toMatch(/minio-metrics.*MinIO admin API not configured/);

    const unknown = await ops('run-job', 'nope');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('run-job needs one of: billing-run, dunning, metering');
  });
});
