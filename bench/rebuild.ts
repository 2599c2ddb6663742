/**
 * npm run bench -- rebuild (or `npx tsx bench/rebuild.ts [--quick]`): rebuilding the two
 * read models fed by the most events, as `ops rebuild` does (beside the live tables, replaying the log
 * through the projection, batches of PROJECTION_BATCH_SIZE, then swapped in).
 *
 * - usage-totals over BENCH_EVENTS usage samples (1,000,000; `--quick`: 100,000): hourly
 *   storage and traffic of 2,000 buckets of 1,000 accounts;
 * - audit-log over as many bucket events (quota changes of 10,000 buckets), which are not
 *   usage, so the audit log describes every one.
 *
 * Each rebuild's baseline is the replay floor of the same events in the same run: `readAll`
 * of the projection's event types, in pages of the same size, doing nothing with them.
 * projection.rebuild is the slower of the two rebuilds (the figure held to 20,000 events/s).
 *
 * `--profile` writes each rebuild's CPU profile to rebuild-<projection>.cpuprofile.
 *
 * Env: DATABASE_URL (else a throwaway embedded PostgreSQL), BENCH_EVENTS, PROJECTION_BATCH_SIZE.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../src/config.ts';
import { compose } from '../src/main.ts';
import type { EventStore, EventToAppend, EventTypeFilter, Position } from '../src/ports/event-store.ts';
import { benchDatabase, printResult, QUICK } from './support/bench-database.ts';

const EVENTS = Number(process.env.BENCH_EVENTS ?? (QUICK ? 100_000 : 1_000_000));
const ACCOUNTS = 1000;
const PER_APPEND = 1000;
const PROFILE = process.argv.includes('--profile');

const metadata = () => ({ actor: 'system:bench', correlationId: randomUUID(), causationId: randomUUID(), occurredAt: '2026-07-01T03:00:00.000Z', ip: '203.0.113.7' });

/** Usage samples in appends of 1,000 to one account's usage stream each, round robin over the accounts. */
function* usageAppends(total: number): Generator<{ stream: string; events: EventToAppend[] }> {
  const accounts = Array.from({ length: ACCOUNTS }, () => ({ accountId: randomUUID(), buckets: [randomUUID(), randomUUID()], hour: 0 }));
  const start = Date.parse('2026-06-01T03:00:00Z');
  for (let written = 0, a = 0; written < total; a = (a + 1) % ACCOUNTS) {
    const account = accounts[a]!;
    const events: EventToAppend[] = [];
    const meta = metadata();
    while (events.length < PER_APPEND && written + events.length < total) {
      const h = account.hour++;
      const at = new Date(start + h * 60_000).toISOString();
      const end = new Date(start + (h + 1) * 60_000).toISOString();
      for (const bucketId of account.buckets) {
        events.push({ eventId: randomUUID(), type: 'StorageMeasured', data: { accountId: account.accountId, bucketId, sampleKey: `${bucketId}:s:${h}`, bytes: String((1n << 30n) * BigInt(50 + (h % 50))), at, contentDigest: 'd'.repeat(64) }, metadata: meta });
        events.push({
          eventId: randomUUID(),
          type: 'TrafficMeasured',
          data: { accountId: account.accountId, bucketId, sampleKey: `${bucketId}:t:${h}`, windowStart: at, windowEnd: end, egressBytes: String(1_000_000 * (h % 7)), ingressBytes: '4096', requestsA: String(h % 13), requestsB: String(h % 101), contentDigest: 'd'.repeat(64) },
          metadata: meta,
        });
      }
    }
    written += events.length;
    yield { stream: `usage-${account.accountId}:2026-06`, events };
  }
}

/** Bucket quota changes, 100 per bucket stream, each one an audit-log row. */
function* bucketAppends(total: number): Generator<{ stream: string; events: EventToAppend[] }> {
  for (let written = 0; written < total; ) {
    const bucketId = randomUUID();
    const accountId = `acct-${written % ACCOUNTS}`;
    const events: EventToAppend[] = [];
    for (let i = 0; i < 100 && written < total; i++, written++) {
      events.push({ eventId: randomUUID(), type: 'BucketQuotaSet', data: { accountId, bucketId, name: `bench-${bucketId.slice(0, 8)}`, quotaBytes: String((i + 1) * 2 ** 30), changedAt: '2026-07-01T03:00:00.000Z' }, metadata: metadata() });
    }
    yield { stream: `bucket-${bucketId}`, events };
  }
}

async function load(eventStore: EventStore, appends: Iterable<{ stream: string; events: EventToAppend[] }>, label: string) {
  const iterator = appends[Symbol.iterator]();
  let count = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let next = iterator.next(); !next.done; next = iterator.next()) {
        await eventStore.append(next.value.stream, next.value.events, { expectedRevision: 'any' });
        count += next.value.events.length;
        if (count % 100_000 < next.value.events.length) process.stderr.write(`\r${label}: ${count} events appended`);
      }
    }),
  );
  process.stderr.write('\n');
}

/** Reading the same events, in the same pages, doing nothing with them. */
async function replayFloor(eventStore: EventStore, filter: EventTypeFilter, pageSize: number) {
  const started = performance.now();
  let position: Position | null = null;
  let read = 0;
  for (;;) {
    const page = await eventStore.readAll({ fromPosition: position, maxCount: pageSize, filter });
    if (page.length === 0) break;
    read += page.length;
    position = page[page.length - 1]!.position;
  }
  return { read, perSecond: read / ((performance.now() - started) / 1000) };
}

async function main() {
  const database = await benchDatabase('rebuild');
  const app = await compose(loadConfig({ DATABASE_URL: database.url, LOG_LEVEL: 'silent', PLATFORM_KEY: randomBytes(32).toString('base64'), ...(process.env.PROJECTION_BATCH_SIZE ? { PROJECTION_BATCH_SIZE: process.env.PROJECTION_BATCH_SIZE } : {}) }), { httpLogs: false });
  const { eventStore } = app.infrastructure;
  process.stderr.write(`rebuild bench: ${EVENTS} usage events and ${EVENTS} bucket events\n`);
  await load(eventStore, usageAppends(EVENTS), 'usage');
  await load(eventStore, bucketAppends(EVENTS), 'bucket');
  const pageSize = app.config.projectionBatchSize;

  const figures: { name: string; events: number; perSecond: number; floor: number }[] = [];
  for (const [name, filter] of [
    ['usage-totals', { only: ['StorageMeasured', 'TrafficMeasured'] }],
    ['audit-log', { except: ['StorageMeasured', 'TrafficMeasured', 'CounterRead'] }],
  ] as const) {
    const floor = await replayFloor(eventStore, filter, pageSize);
    let applied = 0;
    const session = PROFILE ? new Session() : null;
    if (session) {
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
    }
    const started = performance.now();
    await app.runner.rebuild(name, (done) => {
      applied = done;
      if (done % 100_000 < pageSize) process.stderr.write(`\r${name}: ${done} applied`);
    });
    const seconds = (performance.now() - started) / 1000;
    process.stderr.write('\n');
    if (session) {
      const { profile } = await session.post('Profiler.stop');
      await writeFile(`rebuild-${name}.cpuprofile`, JSON.stringify(profile));
      session.disconnect();
    }
    figures.push({ name, events: applied, perSecond: applied / seconds, floor: floor.perSecond });
  }

  console.log(`projection rebuild (batches of ${pageSize}), baseline: readAll of the same events in the same pages`);
  console.log('| projection | events | events/s | replay floor events/s | rebuild / floor |');
  console.log('|---|---|---|---|---|');
  for (const f of figures) console.log(`| ${f.name} | ${f.events} | ${Math.round(f.perSecond)} | ${Math.round(f.floor)} | ${((f.perSecond / f.floor) * 100).toFixed(0)}% |`);
  for (const f of figures) printResult({ name: `projection.rebuild.${f.name}`, value: Math.round(f.perSecond), unit: 'events/s', baseline: Math.round(f.floor), ratio: Number((f.perSecond / f.floor).toFixed(3)) });
  const slowest = figures.reduce((a, b) => (a.perSecond <= b.perSecond ? a : b));
  printResult({ name: 'projection.rebuild', value: Math.round(slowest.perSecond), unit: 'events/s', baseline: Math.round(slowest.floor), ratio: Number((slowest.perSecond / slowest.floor).toFixed(3)) });
  await app.close();
  await database.drop();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
