/**
 * npm run bench -- read-api (or `npx tsx bench/read-api.ts [--quick]`): the portal's reads
 * under load, over loopback, from another process.
 *
 * BENCH_ACCOUNTS accounts (1,000; `--quick`: 200), each with two buckets, three days of
 * hourly storage and traffic samples in 2026-06, an issued invoice for it, and a read-only
 * account token of its own; the database is then vacuumed and analyzed, as autovacuum would
 * have left it. The service runs in this process (compose() as `npm start` does, on an
 * ephemeral port); the load comes from bench/support/read-load.ts, a child process that loads
 * none of the service:
 * READ_RATE requests/s (500) for READ_SECONDS (30; `--quick`: 10), after each account's four
 * reads once and READ_WARMUP_SECONDS (5) of the same load, neither counted (a warm-up: a
 * running service has met its accounts; the warm-up's p99 is printed as api.read.p99.cold),
 * paced evenly and open-loop (bench/support/paced-load.ts: each request is sent when it is
 * due and timed from then), each request one of, in turn, GET an account's invoice list, one
 * invoice, its usage so far (`?period=2026-06`) and its bucket list, for a random account with
 * that account's own token.
 *
 * api.read.p99 is the 99th percentile latency in ms of that paced load (held to < 20 ms with 0
 * errors, a non-2xx answer counting as an error). Then the same rate through autocannon on 20
 * connections, whose rate limit sends each second's requests together at its start: printed
 * as api.read.p99.burst, for comparison (a burst of 500 is another load than 500 a second).
 * api.read.cpu is the service's CPU time per request while the loads ran (less disturbed by
 * other work on the machine than a latency is).
 *
 * `--profile` writes the service's CPU profile while the load runs to read-api.cpuprofile (open it
 * in Chrome's DevTools, or sum its self time per function).
 *
 * Env: DATABASE_URL (else a throwaway embedded PostgreSQL), BENCH_ACCOUNTS, READ_RATE, READ_SECONDS,
 * READ_WARMUP_SECONDS, READ_TRACE (1: what PostgreSQL waited on while the load ran; see support/pg-trace.ts),
 * DATABASE_POOL_SIZE (the service's, as `npm start` takes it).
 */
import { fork } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { fileURLToPath } from 'node:url';
import { issueApiToken } from '../src/commands/api-token-commands.ts';
import { loadConfig } from '../src/config.ts';
import { compose } from '../src/main.ts';
import type { EventToAppend } from '../src/ports/event-store.ts';
import { benchDatabase, printResult, QUICK, settleDatabase } from './support/bench-database.ts';
import { startPgTrace } from './support/pg-trace.ts';
import { PERIOD, ROUTES, type LoadOutcome, type LoadPlan, type Target } from './support/read-load.ts';

const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? (QUICK ? 200 : 1000));
const RATE = Number(process.env.READ_RATE ?? 500);
const SECONDS = Number(process.env.READ_SECONDS ?? (QUICK ? 10 : 30));
const HOURS = 3 * 24;
const PROFILE = process.argv.includes('--profile');
// Long enough for the pool to open its connections and the routes' code to be compiled: with
// 2 s the first measured second still held a stall of 0.3-1.6 s (printed as the cold p99).
const WARMUP_SECONDS = Number(process.env.READ_WARMUP_SECONDS ?? 5);

function usageEvents(accountId: string, bucketIds: string[]): EventToAppend[] {
  const start = Date.parse('2026-06-01T03:00:00Z');
  const metadata = { actor: 'system:metering', correlationId: randomUUID(), causationId: randomUUID(), occurredAt: '2026-06-04T03:00:00.000Z' };
  const events: EventToAppend[] = [];
  for (let h = 0; h < HOURS; h++) {
    const at = new Date(start + h * 3_600_000).toISOString();
    const end = new Date(start + (h + 1) * 3_600_000).toISOString();
    for (const bucketId of bucketIds) {
      events.push({ eventId: randomUUID(), type: 'StorageMeasured', data: { accountId, bucketId, sampleKey: `${bucketId}:s:${h}`, bytes: String((1n << 30n) * BigInt(50 + (h % 50))), at, contentDigest: 'd'.repeat(64) }, metadata });
      events.push({
        eventId: randomUUID(),
        type: 'TrafficMeasured',
        data: { accountId, bucketId, sampleKey: `${bucketId}:t:${h}`, windowStart: at, windowEnd: end, egressBytes: String(1_000_000 * (h % 7)), ingressBytes: '4096', requestsA: String(h % 13), requestsB: String(h % 101), contentDigest: 'd'.repeat(64) },
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

async function serve() {
  const database = await benchDatabase('readapi');
  const app = await compose(loadConfig({ DATABASE_URL: database.url, DATABASE_POOL_SIZE: process.env.DATABASE_POOL_SIZE, LOG_LEVEL: 'silent', PLATFORM_KEY: randomBytes(32).toString('base64') }), { httpLogs: false });
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
    meters: { storage_gib_month: { model: 'per_unit', unitPrice: '0.15' }, egress_gib: { model: 'per_unit', unitPrice: '0.40' }, requests_a: { model: 'per_unit', unitPrice: '0.01' } },
  });
  process.stderr.write(`read API bench: ${ACCOUNTS} accounts…\n`);
  const accounts: { accountId: string; token: string }[] = [];
  await inParallel(
    Array.from({ length: ACCOUNTS }, (_, a) => a),
    4,
    async (a) => {
      const { accountId } = await call('POST', '/accounts', { name: `Reader ${a}`, slug: `reader-${a}`, billingEmail: `r${a}@bench.co`, document: '529.982.247-25' });
      await call('PUT', `/accounts/${accountId}/subscription`, { planId: 'bench', effectiveAt: '2026-05-01T00:00:00-03:00' });
      const buckets = [(await call('POST', `/accounts/${accountId}/buckets`, { name: `reader-${a}-b0` })).bucketId!, (await call('POST', `/accounts/${accountId}/buckets`, { name: `reader-${a}-b1` })).bucketId!];
      await eventStore.append(`usage-${accountId}:${PERIOD}`, usageEvents(accountId!, buckets), { expectedRevision: 'any' });
      const { token } = await issueApiToken(eventStore, { name: 'portal', scope: { kind: 'account', accountId: accountId!, role: 'read-only' } }, ctx);
      accounts.push({ accountId: accountId!, token });
    },
  );
  await app.runner.catchUp();
  const run = await call('POST', '/operator/billing-runs', { period: PERIOD });
  await app.runner.catchUp();
  const invoices = await app.infrastructure.readModels.selectFrom('invoices').select(['account_id', 'invoice_id']).execute();
  const invoiceOf = new Map(invoices.map((row) => [row.account_id, row.invoice_id]));
  const targets: Target[] = accounts.map((a) => ({ ...a, invoiceId: invoiceOf.get(a.accountId)! })).filter((t) => t.invoiceId);
  if (targets.length !== ACCOUNTS) throw new Error(`${targets.length} of ${ACCOUNTS} accounts have an invoice (billing run: ${JSON.stringify(run).slice(0, 200)})`);
  process.stderr.write('VACUUM (ANALYZE) of the loaded database…\n');
  await settleDatabase(database.url);

  // Unloaded, one at a time: what each route costs by itself (in-process, no network), the
  // first time for each of 20 accounts, then again (what the service keeps between requests).
  const unloaded: string[] = [];
  for (const [route, path] of ROUTES) {
    const medians: string[] = [];
    for (let pass = 0; pass < 2; pass++) {
      const times: number[] = [];
      for (let i = 0; i < 20; i++) {
        const target = targets[i % targets.length]!;
        const started = performance.now();
        const response = await app.api.inject({ method: 'GET', url: path(target), headers: { authorization: `Bearer ${target.token}` } });
        times.push(performance.now() - started);
        if (response.statusCode !== 200) throw new Error(`GET ${path(target)}: ${response.statusCode} ${response.body.slice(0, 200)}`);
      }
      times.sort((a, b) => a - b);
      medians.push(`${times[10]!.toFixed(1)} ms`);
    }
    unloaded.push(`${route} ${medians.join(' / ')}`);
  }

  const address = await app.api.listen({ host: '127.0.0.1', port: 0 });
  process.stderr.write(`loading ${address} at ${RATE} requests/s for ${SECONDS} s from another process…\n`);
  const session = PROFILE ? new Session() : null;
  if (session) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  const trace = process.env.READ_TRACE ? await startPgTrace(database.url) : null;
  const cpuBefore = process.cpuUsage();
  const child = fork(fileURLToPath(new URL('./support/read-load.ts', import.meta.url)), ['--load'], { execArgv: process.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const outcome = await new Promise<LoadOutcome>((resolve, reject) => {
    child.once('message', (message) => resolve(message as LoadOutcome));
    child.once('error', reject);
    child.once('exit', (code) => code !== 0 && reject(new Error(`load generator exited with ${code}`)));
    child.send({ url: address, targets, rate: RATE, seconds: SECONDS, warmupSeconds: WARMUP_SECONDS } satisfies LoadPlan);
  });
  child.kill();
  await trace?.stop();
  const cpu = process.cpuUsage(cpuBefore);
  const cpuPerRequest = (cpu.user + cpu.system) / 1000 / (outcome.requests + outcome.warmupRequests);
  if (session) {
    const { profile } = await session.post('Profiler.stop');
    await writeFile('read-api.cpuprofile', JSON.stringify(profile));
    session.disconnect();
    process.stderr.write('CPU profile of the service under load written to read-api.cpuprofile\n');
  }

  console.log(`read API, ${ACCOUNTS} accounts, ${RATE} requests/s for ${SECONDS} s from another process (invoice list, invoice, usage so far, bucket list)`);
  console.log(`| load | p50 ms | p99 ms | max ms |`);
  console.log(`|---|---|---|---|`);
  console.log(`| paced, open loop (api.read.p99) | ${outcome.p50} | ${outcome.p99} | ${outcome.max} |`);
  if (outcome.burst) console.log(`| autocannon, each second's requests in a burst | ${outcome.burst.p50} | ${outcome.burst.p99} | ${outcome.burst.max} |`);
  if (outcome.coldP99 !== undefined) console.log(`paced warm-up (${WARMUP_SECONDS} s, not in api.read.p99): p99 ${outcome.coldP99} ms, the service meeting the load just after start-up`);
  if (outcome.worstBySecond) console.log(`paced load, slowest response of each second (ms): ${outcome.worstBySecond.join(', ')}`);
  if (outcome.lateBySecond) console.log(`paced load, the generator's own lateness in sending, each second (ms): ${outcome.lateBySecond.join(', ')}`);
  console.log(`requests ${outcome.requests + outcome.warmupRequests} (warm-ups included), errors ${outcome.errors}, non-2xx ${outcome.non2xx}`);
  console.log(`autocannon's responses as they came, without its coordinated-omission correction: p50 ${outcome.uncorrected.p50} ms, p99 ${outcome.uncorrected.p99} ms`);
  console.log(`median of 20 unloaded requests each, first / again: ${unloaded.join(', ')}`);
  const served = outcome.requests + outcome.warmupRequests;
  console.log(`the service's CPU per request under the load: ${cpuPerRequest.toFixed(3)} ms (user ${(cpu.user / 1000 / served).toFixed(3)}, system ${(cpu.system / 1000 / served).toFixed(3)})`);
  printResult({ name: 'api.read.p99', value: outcome.p99, unit: 'ms' });
  if (outcome.coldP99 !== undefined) printResult({ name: 'api.read.p99.cold', value: outcome.coldP99, unit: 'ms' });
  if (outcome.burst) printResult({ name: 'api.read.p99.burst', value: outcome.burst.p99, unit: 'ms' });
  printResult({ name: 'api.read.errors', value: outcome.errors + outcome.non2xx, unit: 'requests' });
  printResult({ name: 'api.read.cpu', value: Number(cpuPerRequest.toFixed(3)), unit: 'ms/request' });
  await app.close();
  await database.drop();
}

serve().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
