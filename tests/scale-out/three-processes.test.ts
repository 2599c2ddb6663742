import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueApiToken } from '../../src/commands/api-token-commands.ts';
import { loadConfig } from '../../src/config.ts';
import { compose, type Application } from '../../src/main.ts';
import { startS3rver } from '../adapters/minio/support/s3rver.ts';
import { createTestDatabase } from '../support/database.ts';
import { testContext } from '../support/app.ts';
import { bearer } from '../support/api-requests.ts';

/**
 * Three real service processes (src/main.ts run by tsx, as `npm start` runs its build) on one
 * database of the test cluster, each on its own port, all with every role. Writes go through
 * all three; the process holding every lease is killed (SIGKILL) with work under way, and the
 * others take its projections, reactors and schedule over. Nothing here times anything: each
 * wait is for a condition, with a deadline only so a failure ends.
 */

const repository = path.resolve(import.meta.dirname, '../..');

interface Service {
  name: string;
  port: number;
  child: ChildProcess;
  /** everything it printed, stdout and stderr */
  output: string[];
  exited: Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function until<T>(probe: () => Promise<T | false | null | undefined>, what: string, deadlineMs = 90_000): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  let lastError: unknown = null;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

let databaseUrl: string;
let platformKey: string;
let dataDir: string;
let s3: Awaited<ReturnType<typeof startS3rver>>;
let observer: Application;
let operator: string;
let metering: string;
const services: Service[] = [];

async function startService(name: string): Promise<Service> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: repository,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: databaseUrl,
      PLATFORM_KEY: platformKey,
      DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      SERVICE_ROLES: 'api,projections,reactors,schedules',
      LEASE_CHECK_MS: '200',
      MINIO_ENDPOINT: `http://127.0.0.1:${s3.port}`,
      MINIO_ACCESS_KEY: 'S3RVER',
      MINIO_SECRET_KEY: 'S3RVER',
      MINIO_ADMIN: 'off',
      REACTOR_RETRY_BASE_MS: '200',
      // one schedule, every second; the others off
      QUOTA_CHECK_CRON: '* * * * * *',
      BILLING_CRON: 'off',
      DUNNING_CRON: 'off',
      METERING_CRON: 'off',
      LISTING_METERING_CRON: 'off',
      KEY_EXPIRY_CRON: 'off',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const collect = (chunk: Buffer) => output.push(...chunk.toString('utf8').split('\n').filter((line) => line !== ''));
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const service = { name, port, child, output, exited };
  services.push(service);
  await until(
    async () => {
      if (child.exitCode !== null) throw new Error(`${name} exited: ${output.join('\n')}`);
      return (await fetch(`http://127.0.0.1:${port}/health`)).status === 200;
    },
    `${name} to answer /health`,
  );
  return service;
}

const call = async (service: Service, method: string, url: string, token: string, body?: unknown) => {
  const response = await fetch(`http://127.0.0.1:${service.port}${url}`, {
    method,
    headers: { ...bearer(token), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {}, position: response.headers.get('event-position') };
};

interface LeaseView {
  lease: string;
  kind: string;
  holder: string | null;
}
const leasesSeenBy = async (service: Service) => (await call(service, 'GET', '/system/leases', operator)).json.leases as LeaseView[];
const holds = (service: Service) => (lease: LeaseView) => lease.holder?.startsWith(`cloudpro pid ${service.child.pid} `) ?? false;

beforeAll(async () => {
  databaseUrl = await createTestDatabase('scaleout');
  platformKey = randomBytes(32).toString('base64');
  dataDir = mkdtempSync(path.join(tmpdir(), 'cpl-scaleout-'));
  s3 = await startS3rver();
  // Brings the schema up and issues the tokens; then only watches (it runs no role).
  observer = await compose(loadConfig({ DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent', PLATFORM_KEY: platformKey }), { httpLogs: false });
  operator = (await issueApiToken(observer.infrastructure.eventStore, { name: 'operator', scope: { kind: 'operator' } }, testContext())).token;
  metering = (await issueApiToken(observer.infrastructure.eventStore, { name: 'collector', scope: { kind: 'metering' } }, testContext())).token;
});

afterAll(async () => {
  for (const service of services) {
    if (service.child.exitCode === null && service.child.signalCode === null) service.child.kill('SIGTERM');
  }
  await Promise.all(services.map((service) => service.exited));
  await observer?.close();
  await s3?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('three service processes on one database', () => {
  it('share the work by leases, and the others take over what a killed process held', { timeout: 420_000 }, async () => {
    const first = await startService('first');
    // The first process takes every lease before the others start: it is the one to kill.
    const everyLease = await until(async () => {
      const leases = await leasesSeenBy(first);
      return leases.length > 0 && leases.every(holds(first)) ? leases : null;
    }, 'the first process to hold every lease');
    expect(everyLease.map((l) => l.kind).sort()).toEqual(expect.arrayContaining(['projection', 'reactor', 'schedule']));
    const second = await startService('second');
    const third = await startService('third');
    const all = [first, second, third];

    const accounts: { accountId: string; buckets: { bucketId: string; name: string }[] }[] = [];
    const acknowledgedSamples = new Set<string>();
    const suffix = randomBytes(3).toString('hex');
    const sampleAt = () => new Date(Date.now() - 3_600_000).toISOString();
    let writes = 0;
    const through = (services: Service[]) => services[writes++ % services.length]!;

    const openAccountWithBucket = async (services: Service[], n: number) => {
      const slug = `scale-${suffix}-${n}`;
      const opened = await call(through(services), 'POST', '/accounts', operator, { name: `Scale ${n}`, slug, billingEmail: `${slug}@example.com`, document: '11.222.333/0001-81' });
      expect(opened.status, JSON.stringify(opened.json)).toBe(201);
      const accountId = opened.json.accountId as string;
      const account = { accountId, buckets: [] as { bucketId: string; name: string }[] };
      accounts.push(account);
      for (const b of [0, 1]) {
        const name = `scale-${suffix}-${n}-${b}`;
        const requested = await call(through(services), 'POST', `/accounts/${accountId}/buckets`, operator, { name });
        expect(requested.status, JSON.stringify(requested.json)).toBe(201);
        account.buckets.push({ bucketId: requested.json.bucketId as string, name });
      }
      return account;
    };
    const samplesFor = (account: (typeof accounts)[number], n: number) =>
      account.buckets.map((bucket, b) => ({ kind: 'storage', sampleKey: `scale-${suffix}-${n}-${b}`, bucket: bucket.name, bytes: String(1_000_000 * (n + 1) + b), at: sampleAt() }));
    const ingest = async (service: Service, samples: { sampleKey: string }[]) => {
      const answer = await call(service, 'POST', '/usage', metering, { samples });
      expect(answer.status, JSON.stringify(answer.json)).toBe(200);
      for (const sample of samples) acknowledgedSamples.add(sample.sampleKey);
      return answer;
    };

    // Before the kill: writes through all three.
    for (let n = 0; n < 6; n++) {
      const account = await openAccountWithBucket(all, n);
      await ingest(through(all), samplesFor(account, n));
    }
    // Work under way (buckets just requested, a usage batch in flight to it), then the
    // process holding every projection, reactor and schedule dies.
    const last = await openAccountWithBucket([second, third], 6);
    const inFlight = call(first, 'POST', '/usage', metering, { samples: samplesFor(last, 6) }).catch((error: unknown) => ({ status: 0, json: { error: String(error) }, position: null }));
    first.child.kill('SIGKILL');
    await first.exited;
    const inFlightAnswer = await inFlight;
    if (inFlightAnswer.status === 200) for (const sample of samplesFor(last, 6)) acknowledgedSamples.add(sample.sampleKey);
    // A client that got no answer sends the same batch again elsewhere: each sample once.
    const resent = await ingest(second, samplesFor(last, 6));
    expect((resent.json.recorded as number) + (resent.json.duplicates as number)).toBe(2);

    // After the kill: writes through the two left.
    let lastPosition: string | null = null;
    for (let n = 7; n < 10; n++) {
      const account = await openAccountWithBucket([second, third], n);
      const answer = await ingest(through([second, third]), samplesFor(account, n));
      lastPosition = answer.position ?? lastPosition;
    }

    // The others take every lease over.
    const takenOver = await until(async () => {
      const leases = await leasesSeenBy(third);
      return leases.every((lease) => holds(second)(lease) || holds(third)(lease)) ? leases : null;
    }, 'the second and third processes to hold every lease');
    expect(takenOver.map((l) => l.lease).sort()).toEqual(everyLease.map((l) => l.lease).sort());

    // Every projection catches up with the whole log.
    await until(async () => (await observer.runner.status()).every((p) => p.lag === 0n && p.status !== 'failed'), 'every projection to catch up');
    // Every bucket is provisioned, through the reactor that moved.
    const buckets = accounts.flatMap((a) => a.buckets.map((b) => ({ ...b, accountId: a.accountId })));
    expect(buckets).toHaveLength(20);
    await until(async () => {
      const rows = await observer.infrastructure.readModels.selectFrom('buckets').select(['bucket_id', 'status']).execute();
      return buckets.every((b) => rows.find((r) => r.bucket_id === b.bucketId)?.status === 'provisioned');
    }, 'every bucket to be provisioned');
    for (const bucket of buckets) expect(await s3.client.bucketExists(bucket.name), bucket.name).toBe(true);
    // The read models answer through any process left, with what every write did.
    for (const [i, account] of accounts.entries()) {
      const service = [second, third][i % 2]!;
      const listed = await call(service, 'GET', `/accounts/${account.accountId}/buckets${lastPosition ? `?after=${lastPosition}` : ''}`, operator);
      expect(listed.status, JSON.stringify(listed.json)).toBe(200);
      const items = listed.json.items as { bucketId: string; status: string }[];
      expect(items.map((b) => [b.bucketId, b.status]).sort()).toEqual(account.buckets.map((b) => [b.bucketId, 'provisioned']).sort());
    }

    // No job done twice, no sample recorded twice.
    const log = await observer.infrastructure.eventStore.readAll({ maxCount: 100_000 });
    for (const bucket of buckets) {
      const provisioned = log.filter((e) => e.type === 'BucketProvisioned' && (e.data as { bucketId: string }).bucketId === bucket.bucketId);
      expect(provisioned, bucket.name).toHaveLength(1);
    }
    const jobs = await observer.infrastructure.readModels.selectFrom('reactor_jobs').select(['job_id', 'status']).where('reactor', '=', 'minio-buckets').where('kind', '=', 'create').execute();
    expect(jobs).toHaveLength(20);
    expect(jobs.filter((job) => job.status !== 'done')).toEqual([]);
    const recordedKeys = log.map((e) => (e.data as { sampleKey?: unknown }).sampleKey).filter((key): key is string => typeof key === 'string' && key.startsWith(`scale-${suffix}-`));
    expect(recordedKeys.slice().sort()).toEqual([...acknowledgedSamples].sort());
    expect(new Set(recordedKeys).size).toBe(recordedKeys.length);

    // The schedule goes on in a process left, each tick run once across the three.
    const ticksRunBy = (service: Service) => service.output.map((line) => /job quota-check \(tick ([^)]+)\)/.exec(line)?.[1]).filter((tick): tick is string => tick !== undefined);
    await until(async () => ticksRunBy(second).length + ticksRunBy(third).length >= 2, 'the quota check to run in a process left');
    await until(async () => {
      const running = await observer.infrastructure.readModels.selectFrom('schedule_runs').select('slot').where('status', '=', 'running').execute();
      return running.length === 0;
    }, 'no tick left running (a tick that died with its process is run again)');
    const ticks = all.flatMap(ticksRunBy);
    expect(ticks.length).toBeGreaterThan(0);
    expect(new Set(ticks).size).toBe(ticks.length);
    const recorded = await observer.infrastructure.readModels.selectFrom('schedule_runs').select(['slot', 'status']).where('job', '=', 'quota-check').execute();
    // every tick a process logged is a recorded, finished run (a process may die between running and logging, not the other way)
    const recordedTicks = new Set(recorded.map((r) => r.slot.toISOString()));
    for (const tick of ticks) expect(recordedTicks.has(tick), tick).toBe(true);
  });
});
