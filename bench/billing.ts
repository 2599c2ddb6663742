/**
 * npm run bench:billing: the month-end path at scale, against the replay floor measured in
 * the same run, on the same server, over the same streams.
 *
 * BENCH_ACCOUNTS accounts (1,000; `--quick`: 100), two buckets each, opened through the API;
 * one month of hourly storage and traffic samples per bucket (2,880 usage events an account,
 * 2.88 M at full scale) appended to the usage streams as ingestion records them (ingestion's
 * own speed is bench/ingest.ts's figure, not this one's). Then:
 *
 * - the replay floor: every account's usage stream read with `readStream`, one after the
 *   other, nothing else (measured before and after the billing run; the faster one counts);
 * - the billing run (`POST /operator/billing-runs`): rating every account's period, drafting
 *   and issuing its invoice, BILLING_CONCURRENCY (4) accounts at once.
 *
 * billing.replay = usage events replayed and rated per second by the run; its baseline is
 * the floor, and its ratio the share of the floor the run reaches. billing.heap is the heap
 * the run added at its peak (sampled every 50 ms, from a collected heap): it must not grow
 * with the accounts; what the run still holds once it is over is printed beside it.
 * `--profile` writes the billing run's CPU profile to billing.cpuprofile (open it in Chrome
 * DevTools or speedscope).
 *
 * Env: DATABASE_URL (else a throwaway embedded PostgreSQL), BENCH_ACCOUNTS, BILLING_CONCURRENCY.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
import { sql } from 'kysely';
import { issueApiToken } from '../src/commands/api-token-commands.ts';
import { loadConfig } from '../src/config.ts';
import { compose } from '../src/main.ts';
import type { EventToAppend } from '../src/ports/event-store.ts';
import { benchDatabase, printResult, QUICK } from './support/bench-database.ts';

v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;

const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? (QUICK ? 100 : 1000));
const BUCKETS = 2;
const PERIOD = '2026-06';
const HOURS = 30 * 24;
const PROFILE = process.argv.includes('--profile');

/** One account's month: a storage reading and a traffic window per bucket and hour, as ingestion records them. */
function usageEvents(accountId: string, buckets: { bucketId: string; name: string }[]): EventToAppend[] {
  const start = Date.parse('2026-06-01T03:00:00Z');
  const events: EventToAppend[] = [];
  const metadata = { actor: 'system:metering', correlationId: randomUUID(), causationId: randomUUID(), occurredAt: '2026-07-01T03:00:00.000Z' };
  const digest = (key: string) => createHash('sha256').update(key).digest('hex');
  for (let h = 0; h < HOURS; h++) {
    const at = new Date(start + h * 3_600_000).toISOString();
    const end = new Date(start + (h + 1) * 3_600_000).toISOString();
    for (const { bucketId, name } of buckets) {
      const storageKey = `${name}:s:${h}`;
      const trafficKey = `${name}:t:${h}`;
      events.push({ eventId: randomUUID(), type: 'StorageMeasured', data: { accountId, bucketId, sampleKey: storageKey, bytes: String((1n << 30n) * BigInt(50 + (h % 50))), at, contentDigest: digest(storageKey) }, metadata });
      events.push({
        eventId: randomUUID(),
        type: 'TrafficMeasured',
        data: { accountId, bucketId, sampleKey: trafficKey, windowStart: at, windowEnd: end, egressBytes: String(1_000_000 * (h % 7)), ingressBytes: '4096', requestsA: String(h % 13), requestsB: String(h % 101), contentDigest: digest(trafficKey) },
        metadata,
      });
    }
  }
  return events;
}

async function inParallel<T>(items: readonly T[], workers: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: workers }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

async function main() {
  const database = await benchDatabase('billing');
  const app = await compose(
    loadConfig({ DATABASE_URL: database.url, DATABASE_POOL_SIZE: process.env.DATABASE_POOL_SIZE, LOG_LEVEL: 'silent', PLATFORM_KEY: randomBytes(32).toString('base64'), BILLING_CONCURRENCY: process.env.BILLING_CONCURRENCY ?? '4' }),
    { httpLogs: false },
  );
  const { eventStore } = app.infrastructure;
  const ctx = { actor: 'bench', correlationId: 'bench', causationId: 'bench', occurredAt: new Date().toISOString() };
  const operator = (await issueApiToken(eventStore, { name: 'bench', scope: { kind: 'operator' } }, ctx)).token;
  const call = async (method: 'POST' | 'PUT', url: string, payload: object) => {
    const response = await app.api.inject({ method, url, headers: { authorization: `Bearer ${operator}` }, payload });
    if (response.statusCode >= 300) throw new Error(`${method} ${url}: ${response.statusCode} ${response.body.slice(0, 300)}`);
    return response.json<Record<string, string>>();
  };

  await call('POST', '/operator/plans', {
    planId: 'bench',
    name: 'Bench',
    effectiveFrom: '2026-01',
    currency: 'BRL',
    monthlyFee: '9.90',
    monthlyMinimum: '10.00',
    taxRate: '0.05',
    meters: {
      storage_gib_month: { model: 'graduated', tiers: [{ upTo: '100', unitPrice: '0.15' }, { upTo: null, unitPrice: '0.12' }], freeUnits: '5' },
      egress_gib: { model: 'per_unit', unitPrice: '0.40' },
      requests_a: { model: 'per_unit', unitPrice: '0.01' },
      requests_b: { model: 'per_unit', unitPrice: '0.004' },
    },
  });
  process.stderr.write(`billing bench: ${ACCOUNTS} accounts with ${BUCKETS} buckets…\n`);
  const accounts: { accountId: string; buckets: { bucketId: string; name: string }[] }[] = [];
  await inParallel(
    Array.from({ length: ACCOUNTS }, (_, a) => a),
    4,
    async (a) => {
      const { accountId } = await call('POST', '/accounts', { name: `Bench ${a}`, slug: `bench-${a}`, billingEmail: `b${a}@bench.co`, document: '529.982.247-25' });
      await call('PUT', `/accounts/${accountId}/subscription`, { planId: 'bench', effectiveAt: '2026-05-01T00:00:00-03:00' });
      const buckets = [];
      for (let b = 0; b < BUCKETS; b++) {
        const name = `bench-${a}-b${b}`;
        buckets.push({ bucketId: (await call('POST', `/accounts/${accountId}/buckets`, { name })).bucketId!, name });
      }
      accounts.push({ accountId: accountId!, buckets });
    },
  );
  await app.runner.catchUp(); // the billing run lists accounts from their read model

  let events = 0;
  await inParallel(accounts, 4, async ({ accountId, buckets }) => {
    const all = usageEvents(accountId, buckets);
    for (let i = 0; i < all.length; i += 1000) await eventStore.append(`usage-${accountId}:${PERIOD}`, all.slice(i, i + 1000), { expectedRevision: 'any' });
    events += all.length;
    if (events % 100_000 < all.length) process.stderr.write(`\rappended ${events} usage events`);
  });
  process.stderr.write('\n');
  // A month of ingestion squeezed into a minute leaves the planner's statistics of the log
  // where they were before it (autovacuum has not come round yet), and pooled sessions keep
  // plans made on them. A billing run meets the log days later, analyzed: so does this one.
  await sql`ANALYZE`.execute(app.infrastructure.readModels);

  const replayFloor = async () => {
    const started = performance.now();
    let read = 0;
    for (const { accountId } of accounts) read += (await eventStore.readStream(`usage-${accountId}:${PERIOD}`)).length;
    return { read, seconds: (performance.now() - started) / 1000 };
  };
  const floorBefore = await replayFloor();

  // From the heap the process holds live, not whatever garbage seeding left: a collection first.
  collectGarbage();
  const heapBefore = process.memoryUsage().heapUsed;
  let heapPeak = heapBefore;
  const sampler = setInterval(() => (heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed)), 50);
  const session = PROFILE ? new Session() : null;
  if (session) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  const billingStarted = performance.now();
  const summary = await call('POST', '/operator/billing-runs', { period: PERIOD });
  const billingSeconds = (performance.now() - billingStarted) / 1000;
  clearInterval(sampler);
  if (session) {
    const { profile } = await session.post('Profiler.stop');
    await writeFile('billing.cpuprofile', JSON.stringify(profile));
    session.disconnect();
    process.stderr.write('CPU profile of the billing run written to billing.cpuprofile\n');
  }
  collectGarbage();
  const heapRetained = process.memoryUsage().heapUsed - heapBefore;
  const floorAfter = await replayFloor();

  const read = floorBefore.read;
  const floor = Math.max(floorBefore.read / floorBefore.seconds, floorAfter.read / floorAfter.seconds);
  const replayed = read / billingSeconds;
  const invoices = Number(summary.issued) + Number(summary.drafted);
  console.log(`accounts ${ACCOUNTS}, buckets ${ACCOUNTS * BUCKETS}, usage events ${events} (${os.cpus().length} CPUs)`);
  console.log(`billing run:                                  ${(invoices / billingSeconds).toFixed(1)} invoices/s, ${Math.round(replayed)} usage events replayed/s (${billingSeconds.toFixed(1)} s; issued ${summary.issued}, failed ${summary.failed})`);
  console.log(`replay floor (readStream of the same streams): ${Math.round(floor)} events/s (before ${floorBefore.seconds.toFixed(1)} s, after ${floorAfter.seconds.toFixed(1)} s)`);
  console.log(`billing run / replay floor:                   ${((replayed / floor) * 100).toFixed(0)}%`);
  console.log(`billing run heap growth at its peak:          ${((heapPeak - heapBefore) / 2 ** 20).toFixed(0)} MB (still held after it, collected: ${(heapRetained / 2 ** 20).toFixed(1)} MB)`);
  printResult({ name: 'billing.replay', value: Math.round(replayed), unit: 'events/s', baseline: Math.round(floor), ratio: Number((replayed / floor).toFixed(3)) });
  printResult({ name: 'billing.heap', value: Math.round((heapPeak - heapBefore) / 2 ** 20), unit: 'MB' });
  if (Number(summary.failed) > 0 || invoices !== ACCOUNTS) throw new Error(`billing run: ${invoices} invoices for ${ACCOUNTS} accounts, ${summary.failed} failed`);
  await app.close();
  await database.drop();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
