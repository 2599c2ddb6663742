/**
 * npm run bench:store [-- --quick]: what the PostgreSQL event store costs over what
 * PostgreSQL itself does with the same rows. Every figure has its baseline measured in the
 * same run, on the same server, with the same rows, the two taking turns so that neither
 * gets the warmer cache or the quieter machine.
 *
 * - store.append.batch: appendMany of BENCH_BATCH events spread over BENCH_BATCH / 4
 *   streams (four events each, as an ingestion batch), each stream at its exact revision,
 *   against one bare INSERT of the same rows into a table with only a primary key.
 * - store.append.one: append of one event against a one-row INSERT.
 * - store.readAll: the whole log through readAll in pages of 1,000 (rows mapped to
 *   RecordedEvent), against a bare keyset SELECT of the same rows, pages of 1,000; the two
 *   take turns every ten pages.
 * - store.subscribe.p99: append to delivery through a live subscription.
 *
 * Env: DATABASE_URL (else a throwaway embedded PostgreSQL), BENCH_EVENTS (1,000,000;
 * --quick 100,000), BENCH_BATCH (1,000), BENCH_STREAMS (10,000), BENCH_SINGLES (5,000;
 * --quick 1,000), BENCH_CONCURRENCY (4).
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { PostgresEventStore } from '../src/adapters/event-store/postgres-event-store.ts';
import { createPool } from '../src/adapters/postgres/database.ts';
import type { EventToAppend, ExpectedRevision, Position, StreamAppend } from '../src/ports/event-store.ts';
import { benchDatabase, printResult, QUICK } from './support/bench-database.ts';

const EVENTS = Number(process.env.BENCH_EVENTS ?? (QUICK ? 100_000 : 1_000_000));
const BATCH = Number(process.env.BENCH_BATCH ?? 1000);
const STREAMS = Number(process.env.BENCH_STREAMS ?? 10_000);
const SINGLES = Number(process.env.BENCH_SINGLES ?? (QUICK ? 1000 : 5000));
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const PER_STREAM = 4;
/** appends and their baseline take turns in rounds of this many batches per worker */
const ROUND_BATCHES = 10;
const READ_PASSES = QUICK ? 2 : 3;

/** A storage sample as ingestion records it: the common case, by size and shape. */
function usageEvent(i: number): EventToAppend {
  return {
    eventId: randomUUID(),
    type: 'StorageMeasured',
    data: { sampleKey: `minio:bucket-${i % 97}:${i}`, bucket: `bucket-${i % 97}`, bytes: String(1_000_000_000 + i * 4096), at: '2026-11-22T10:05:00.000Z' },
    metadata: { actor: 'system:metering', correlationId: randomUUID(), causationId: randomUUID(), occurredAt: '2026-11-22T10:05:00.000Z' },
  };
}

interface Timing {
  events: number;
  seconds: number;
}
const rate = (t: Timing) => t.events / t.seconds;

async function inParallel<T>(items: readonly T[], workers: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

async function timed(run: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await run();
  return (performance.now() - started) / 1000;
}

const BARE_INSERT = `INSERT INTO bench_bare (event_id, stream_name, event_type, data, metadata)
  SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::jsonb[], $5::jsonb[])`;
function bareParams(appends: readonly StreamAppend[]) {
  const rows = appends.flatMap((a) => a.events.map((e) => ({ stream: a.streamName, e })));
  return [
    rows.map((r) => r.e.eventId),
    rows.map((r) => r.stream),
    rows.map((r) => r.e.type),
    rows.map((r) => JSON.stringify(r.e.data)),
    rows.map((r) => JSON.stringify(r.e.metadata)),
  ];
}

async function main() {
  const database = await benchDatabase('store');
  const pool = createPool(database.url, CONCURRENCY + 4);
  const store = new PostgresEventStore(pool);
  await store.migrate();
  await pool.query(`CREATE TABLE bench_bare (id bigserial PRIMARY KEY, event_id uuid NOT NULL, stream_name text NOT NULL,
    event_type text NOT NULL, data jsonb NOT NULL, metadata jsonb NOT NULL)`);
  const version = (await pool.query<{ version: string }>('SELECT version()')).rows[0]!.version.split(' on ')[0];
  console.log(`${version}; ${os.cpus().length} CPUs; concurrency ${CONCURRENCY}; ${EVENTS} events in batches of ${BATCH}${QUICK ? ' (quick)' : ''}\n`);

  // 1. batched appends. Worker w owns the streams s ≡ w (mod CONCURRENCY), so its exact
  // revisions are never raced; every batch takes BATCH / PER_STREAM of its streams in turn.
  const revisions = new Map<string, bigint>();
  const streamsPerBatch = Math.max(1, Math.floor(BATCH / PER_STREAM));
  const cursors = Array.from({ length: CONCURRENCY }, () => 0);
  let sequence = 0;
  const nextBatch = (worker: number): StreamAppend[] => {
    const owned = Math.max(1, Math.floor(STREAMS / CONCURRENCY));
    return Array.from({ length: streamsPerBatch }, () => {
      const turn = cursors[worker]!;
      cursors[worker] = turn + 1;
      const streamName = `usage-bench${(turn % owned) * CONCURRENCY + worker}:2026-11`;
      const revision = revisions.get(streamName);
      const expectedRevision: ExpectedRevision = revision === undefined ? 'no_stream' : revision;
      return { streamName, expectedRevision, events: Array.from({ length: PER_STREAM }, () => usageEvent(sequence++)) };
    });
  };
  const batched = { store: { events: 0, seconds: 0 }, bare: { events: 0, seconds: 0 } };
  const totalBatches = Math.ceil(EVENTS / (streamsPerBatch * PER_STREAM));
  for (let done = 0; done < totalBatches; ) {
    const round = Array.from({ length: Math.min(ROUND_BATCHES * CONCURRENCY, totalBatches - done) }, (_, i) => ({ worker: i % CONCURRENCY, appends: nextBatch(i % CONCURRENCY) }));
    const events = round.reduce((n, b) => n + b.appends.length * PER_STREAM, 0);
    batched.bare.seconds += await timed(() =>
      inParallel(round, CONCURRENCY, async (b) => {
        await pool.query(BARE_INSERT, bareParams(b.appends));
      }),
    );
    batched.store.seconds += await timed(() =>
      inParallel(round, CONCURRENCY, async (b) => {
        const results = await store.appendMany(b.appends);
        b.appends.forEach((a, i) => revisions.set(a.streamName, results[i]!.nextRevision));
      }),
    );
    batched.bare.events += events;
    batched.store.events += events;
    done += round.length;
  }

  // 2. one event per append, to streams that exist (expectation 'any'), against a one-row INSERT
  const singles = Array.from({ length: SINGLES }, (_, i) => ({ streamName: `usage-bench${i % STREAMS}:2026-11`, events: [usageEvent(sequence++)], expectedRevision: 'any' as const }));
  const single = { store: { events: 0, seconds: 0 }, bare: { events: 0, seconds: 0 } };
  for (let i = 0; i < singles.length; i += 500) {
    const round = singles.slice(i, i + 500);
    single.bare.seconds += await timed(() => inParallel(round, CONCURRENCY, async (s) => void (await pool.query(BARE_INSERT, bareParams([s])))));
    single.store.seconds += await timed(() => inParallel(round, CONCURRENCY, async (s) => void (await store.append(s.streamName, s.events, { expectedRevision: 'any' }))));
    single.bare.events += round.length;
    single.store.events += round.length;
  }

  // 3. the whole log, read in pages of 1,000; both tables now hold the same rows
  const count = async (table: string) => (await pool.query<{ count: string }>(`SELECT count(*)::text AS count FROM ${table}`)).rows[0]!.count;
  const storeRows = await count('es_events');
  const bareRows = await count('bench_bare');
  if (storeRows !== bareRows) throw new Error(`the store holds ${storeRows} rows and the baseline ${bareRows}: not the same rows`);
  await pool.query('VACUUM ANALYZE es_events');
  await pool.query('VACUUM ANALYZE bench_bare');
  // The two readers advance in turns, ten pages each, so that both see the same load on a
  // shared machine; each pass reads the whole log.
  const reads = { store: { events: 0, seconds: 0 }, bare: { events: 0, seconds: 0 } };
  for (let pass = 0; pass < READ_PASSES; pass++) {
    let position: Position | null = null;
    let last = '0';
    let storeDone = false;
    let bareDone = false;
    while (!storeDone || !bareDone) {
      if (!bareDone) {
        reads.bare.seconds += await timed(async () => {
          for (let page = 0; page < 10; page++) {
            const { rows } = await pool.query<{ id: string }>(
              'SELECT id, event_id, stream_name, event_type, data, metadata FROM bench_bare WHERE id > $1 ORDER BY id LIMIT 1000',
              [last],
            );
            if (rows.length === 0) {
              bareDone = true;
              return;
            }
            reads.bare.events += rows.length;
            last = rows[rows.length - 1]!.id;
          }
        });
      }
      if (!storeDone) {
        reads.store.seconds += await timed(async () => {
          for (let page = 0; page < 10; page++) {
            const events = await store.readAll({ fromPosition: position, maxCount: 1000 });
            if (events.length === 0) {
              storeDone = true;
              return;
            }
            reads.store.events += events.length;
            position = events[events.length - 1]!.position;
          }
        });
      }
    }
  }
  if (reads.store.events !== reads.bare.events) throw new Error(`read ${reads.store.events} events from the store and ${reads.bare.events} rows from the baseline`);

  // 4. live delivery: append, then time until a subscriber has it
  const latencies = await subscriptionLatency(store, QUICK ? 100 : 200);

  console.log('                                       events    seconds     events/s   store/baseline');
  const table: [string, string, { store: Timing; bare: Timing }][] = [
    [`store appendMany, ${streamsPerBatch} streams × ${PER_STREAM}`, `bare INSERT, ${BATCH} rows`, batched],
    ['store append, one event', 'bare INSERT, one row', single],
    ['store readAll, pages of 1,000', 'bare keyset SELECT, pages of 1,000', reads],
  ];
  for (const [storeLabel, bareLabel, figures] of table) {
    for (const [label, t] of [
      [bareLabel, figures.bare],
      [storeLabel, figures.store],
    ] as const) {
      console.log(`${label.padEnd(36)} ${String(t.events).padStart(9)} ${t.seconds.toFixed(2).padStart(10)} ${Math.round(rate(t)).toString().padStart(12)}`);
    }
    console.log(`${''.padEnd(70)}${((rate(figures.store) / rate(figures.bare)) * 100).toFixed(0).padStart(8)}%\n`);
  }
  const percentile = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]!;
  console.log(
    `live subscription, append to delivery (${latencies.length} appends): p50 ${percentile(0.5).toFixed(1)} ms, ` +
      `p99 ${percentile(0.99).toFixed(1)} ms, max ${latencies[latencies.length - 1]!.toFixed(1)} ms (LISTEN/NOTIFY, 200 ms poll as fallback)\n`,
  );

  const figure = (name: string, f: { store: Timing; bare: Timing }) =>
    printResult({ name, value: Math.round(rate(f.store)), unit: 'events/s', baseline: Math.round(rate(f.bare)), ratio: Number((rate(f.store) / rate(f.bare)).toFixed(3)) });
  figure('store.append.batch', batched);
  figure('store.append.one', single);
  figure('store.readAll', reads);
  printResult({ name: 'store.subscribe.p99', value: Number(percentile(0.99).toFixed(1)), unit: 'ms' });

  await pool.end();
  await database.drop();
}

async function subscriptionLatency(store: PostgresEventStore, samples: number): Promise<number[]> {
  let position: Position | null = null;
  for (;;) {
    const page = await store.readAll({ fromPosition: position, maxCount: 5000 });
    if (page.length === 0) break;
    position = page[page.length - 1]!.position;
  }
  const controller = new AbortController();
  const waiting = new Map<string, (at: number) => void>();
  const subscriber = (async () => {
    for await (const batch of store.subscribeToAll({ fromPosition: position, signal: controller.signal })) {
      const at = performance.now();
      for (const event of batch) waiting.get(event.eventId)?.(at);
    }
  })();
  const latencies: number[] = [];
  for (let i = 0; i < samples; i++) {
    const event = usageEvent(i);
    const delivered = new Promise<number>((resolve) => waiting.set(event.eventId, resolve));
    const sent = performance.now();
    await store.append(`latency-${i % 10}`, [event], { expectedRevision: 'any' });
    latencies.push((await delivered) - sent);
    waiting.delete(event.eventId);
  }
  controller.abort();
  await subscriber;
  return latencies.sort((a, b) => a - b);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
