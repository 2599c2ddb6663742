/**
 * npm run bench:billing: the month-end path at scale. BENCH_ACCOUNTS accounts (1,000), two
 * buckets each, one month of hourly storage and traffic samples per bucket (about 2.9 million
 * usage events at full scale), loaded through the real ingestion path (POST /usage, batches
 * of 1,000); then a billing run. In the same run it measures the replay floor: reading the
 * same usage streams from the store without rating them.
 *
 * Env: DATABASE_URL (else a throwaway embedded PostgreSQL), BENCH_ACCOUNTS, BILLING_CONCURRENCY.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createDatabaseIfMissing, startEmbeddedPostgres } from '../src/adapters/postgres/embedded-postgres.ts';
import { issueApiToken } from '../src/commands/api-token-commands.ts';
import { loadConfig } from '../src/config.ts';
import { compose } from '../src/main.ts';

const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 1000);
const BUCKETS = 2;
const PERIOD = '2026-06';
const HOURS = 30 * 24;

async function main() {
  let cleanup = async () => undefined as void;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'cloudpro-bench-billing-'));
    await chmod(dataDir, 0o755);
    const embedded = await startEmbeddedPostgres({ dataDir, port: 20000 + Math.floor(Math.random() * 20000), database: 'postgres', persistent: false });
    adminUrl = embedded.connectionString;
    cleanup = async () => {
      await embedded.stop();
      await rm(dataDir, { recursive: true, force: true });
    };
  }
  const database = `bench_billing_${Date.now()}`;
  await createDatabaseIfMissing(adminUrl, database);
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  const app = await compose(
    loadConfig({ DATABASE_URL: url.toString(), LOG_LEVEL: 'silent', PLATFORM_KEY: randomBytes(32).toString('base64'), BILLING_CONCURRENCY: process.env.BILLING_CONCURRENCY ?? '4' }),
    { httpLogs: false },
  );
  const ctx = { actor: 'bench', correlationId: 'bench', causationId: 'bench', occurredAt: new Date().toISOString() };
  const operator = (await issueApiToken(app.infrastructure.eventStore, { name: 'bench', scope: { kind: 'operator' } }, ctx)).token;
  const metering = (await issueApiToken(app.infrastructure.eventStore, { name: 'bench', scope: { kind: 'metering' } }, ctx)).token;
  const call = async (method: 'POST' | 'PUT', url: string, token: string, payload: object) => {
    const response = await app.api.inject({ method, url, headers: { authorization: `Bearer ${token}` }, payload });
    if (response.statusCode >= 300) throw new Error(`${method} ${url}: ${response.statusCode} ${response.body.slice(0, 300)}`);
    return response.json<Record<string, string>>();
  };

  await call('POST', '/operator/plans', operator, {
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
  process.stderr.write(`setting up ${ACCOUNTS} accounts with ${BUCKETS} buckets…\n`);
  const bucketNames: string[] = [];
  for (let a = 0; a < ACCOUNTS; a++) {
    const { accountId } = await call('POST', '/accounts', operator, { name: `Bench ${a}`, slug: `bench-${a}`, billingEmail: `b${a}@bench.co`, document: '529.982.247-25' });
    await call('PUT', `/accounts/${accountId}/subscription`, operator, { planId: 'bench', effectiveAt: '2026-05-01T00:00:00-03:00' });
    for (let b = 0; b < BUCKETS; b++) {
      const name = `bench-${a}-b${b}`;
      await call('POST', `/accounts/${accountId}/buckets`, operator, { name });
      bucketNames.push(name);
    }
  }

  // One month of hourly samples per bucket: a storage reading and a traffic window each hour.
  const start = Date.parse('2026-06-01T03:00:00Z');
  let batch: object[] = [];
  let events = 0;
  const ingestStarted = performance.now();
  const flush = async () => {
    if (batch.length === 0) return;
    await call('POST', '/usage', metering, { samples: batch });
    events += batch.length;
    batch = [];
    if (events % 100_000 < 1000) process.stderr.write(`\ringested ${events} usage events`);
  };
  for (let h = 0; h < HOURS; h++) {
    const at = new Date(start + h * 3_600_000).toISOString();
    const end = new Date(start + (h + 1) * 3_600_000).toISOString();
    for (const name of bucketNames) {
      batch.push({ kind: 'storage', sampleKey: `${name}:s:${h}`, bucket: name, bytes: String((1n << 30n) * BigInt(50 + (h % 50))), at });
      batch.push({ kind: 'traffic', sampleKey: `${name}:t:${h}`, bucket: name, windowStart: at, windowEnd: end, egressBytes: String(1_000_000 * (h % 7)), ingressBytes: '4096', requestsA: String(h % 13), requestsB: String(h % 101) });
      if (batch.length >= 1000) await flush();
    }
  }
  await flush();
  const ingestSeconds = (performance.now() - ingestStarted) / 1000;
  process.stderr.write('\n');
  await app.runner.catchUp();

  const billingStarted = performance.now();
  const summary = await call('POST', '/operator/billing-runs', operator, { period: PERIOD });
  const billingSeconds = (performance.now() - billingStarted) / 1000;

  // The replay floor: the same usage streams, read and nothing else.
  const accounts = await app.infrastructure.readModels.selectFrom('accounts').select('account_id').execute();
  const floorStarted = performance.now();
  let read = 0;
  for (const { account_id } of accounts) read += (await app.infrastructure.eventStore.readStream(`usage-${account_id}:${PERIOD}`)).length;
  const floorSeconds = (performance.now() - floorStarted) / 1000;

  const invoices = Number(summary.issued) + Number(summary.drafted);
  console.log(`accounts ${ACCOUNTS}, buckets ${ACCOUNTS * BUCKETS}, usage events ${events} (${os.cpus().length} CPUs)`);
  console.log(`ingestion (POST /usage, batches of 1,000):   ${Math.round(events / ingestSeconds)} events/s (${ingestSeconds.toFixed(1)} s)`);
  console.log(`billing run:                                  ${(invoices / billingSeconds).toFixed(1)} invoices/s, ${Math.round(read / billingSeconds)} usage events replayed/s (${billingSeconds.toFixed(1)} s; issued ${summary.issued}, failed ${summary.failed})`);
  console.log(`replay floor (readStream of the same streams): ${Math.round(read / floorSeconds)} events/s (${floorSeconds.toFixed(1)} s)`);
  console.log(`billing run / replay floor:                   ${((read / billingSeconds / (read / floorSeconds)) * 100).toFixed(0)}%`);
  await app.close();
  await cleanup();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
