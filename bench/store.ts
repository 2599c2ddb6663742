/**
 * npm run bench:store: what the PostgreSQL event store costs over what PostgreSQL itself
 * does with the same rows. Every figure has its baseline measured in the same run, on the
 * same server, with the same payloads and the same number of concurrent connections.
 *
 * Env: DATABASE_URL (else a throwaway embedded PostgreSQL), BENCH_STREAMS (1000),
 * BENCH_BATCH (100), BENCH_SINGLES (5000), BENCH_CONCURRENCY (4).
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, chmod } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { PostgresEventStore } from '../src/adapters/event-store/postgres-event-store.ts';
import { createPool } from '../src/adapters/postgres/database.ts';
import { createDatabaseIfMissing, startEmbeddedPostgres } from '../src/adapters/postgres/embedded-postgres.ts';
import type { EventToAppend, Position } from '../src/ports/event-store.ts';

const STREAMS = Number(process.env.BENCH_STREAMS ?? 1000);
const BATCH = Number(process.env.BENCH_BATCH ?? 100);
const SINGLES = Number(process.env.BENCH_SINGLES ?? 5000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);

/** A storage sample as ingestion will record it: the common case, by size and shape. */
function usageEvent(i: number): EventToAppend {
  return {
    eventId: randomUUID(),
    type: 'StorageMeasured',
    data: { sampleKey: `minio:bucket-${i % 97}:${i}`, bucket: `bucket-${i % 97}`, bytes: String(1_000_000_000 + i * 4096), at: '2026-11-22T10:05:00.000Z' },
    metadata: { actor: 'system:metering', correlationId: randomUUID(), causationId: randomUUID(), occurredAt: '2026-11-22T10:05:00.000Z' },
  };
}

async function inParallel<T>(items: T[], workers: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

async function timed(label: string, count: number, run: () => Promise<void>) {
  const started = performance.now();
  await run();
  const seconds = (performance.now() - started) / 1000;
  return { label, count, seconds, perSecond: count / seconds };
}

const BARE_INSERT = `INSERT INTO bench_bare (event_id, stream_name, event_type, data, metadata)
  SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::jsonb[], $5::jsonb[])`;
const bareParams = (stream: string, events: EventToAppend[]) => [
  events.map((e) => e.eventId),
  events.map(() => stream),
  events.map((e) => e.type),
  events.map((e) => JSON.stringify(e.data)),
  events.map((e) => JSON.stringify(e.metadata)),
];

async function main() {
  let cleanup = async () => undefined as void;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'cloudpro-bench-'));
    await chmod(dataDir, 0o755);
    const port = 20000 + Math.floor(Math.random() * 20000);
    const embedded = await startEmbeddedPostgres({ dataDir, port, database: 'postgres', persistent: false });
    adminUrl = embedded.connectionString;
    cleanup = async () => {
      await embedded.stop();
      await rm(dataDir, { recursive: true, force: true });
    };
  }
  const database = `bench_${Date.now()}`;
  await createDatabaseIfMissing(adminUrl, database);
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  const pool = createPool(url.toString(), CONCURRENCY + 4);
  const store = new PostgresEventStore(pool);
  await store.migrate();
  await pool.query(`CREATE TABLE bench_bare (id bigserial PRIMARY KEY, event_id uuid NOT NULL, stream_name text NOT NULL,
    event_type text NOT NULL, data jsonb NOT NULL, metadata jsonb NOT NULL)`);
  const info = (await pool.query<{ version: string }>('SELECT version()')).rows[0]!.version;
  console.log(`PostgreSQL: ${info.split(' on ')[0]}; ${os.cpus().length} CPUs; concurrency ${CONCURRENCY}\n`);

  // 1. batched appends: one batch of BATCH events to each of STREAMS new streams
  const batches = Array.from({ length: STREAMS }, (_, s) => ({
    stream: `usage-bench${s}:2026-11`,
    events: Array.from({ length: BATCH }, (_, i) => usageEvent(s * BATCH + i)),
  }));
  const bareBatches = batches.map((b) => ({ ...b, events: b.events.map((e) => ({ ...e, eventId: randomUUID() })) }));
  const total = STREAMS * BATCH;
  const baselineBatched = await timed('bare INSERT, batches', total, () =>
    inParallel(bareBatches, CONCURRENCY, async (b) => {
      await pool.query(BARE_INSERT, bareParams(b.stream, b.events));
    }),
  );
  const storeBatched = await timed('store append, batches', total, () =>
    inParallel(batches, CONCURRENCY, async (b) => {
      await store.append(b.stream, b.events, { expectedRevision: 'no_stream' });
    }),
  );

  // 2. single-event appends, each to a stream that already exists (expected revision checked)
  const singles = Array.from({ length: SINGLES }, (_, i) => ({ stream: batches[i % STREAMS]!.stream, event: usageEvent(i) }));
  const baselineSingles = await timed('bare INSERT, one row', SINGLES, () =>
    inParallel(singles, CONCURRENCY, async (s) => {
      await pool.query(BARE_INSERT, bareParams(s.stream, [{ ...s.event, eventId: randomUUID() }]));
    }),
  );
  const storeSingles = await timed('store append, one event', SINGLES, () =>
    inParallel(singles, CONCURRENCY, async (s) => {
      await store.append(s.stream, [s.event], { expectedRevision: 'any' });
    }),
  );

  // 3. reading the whole log in pages of 1000
  const storeRead = await timed('store readAll, pages of 1000', total + SINGLES, async () => {
    let position: Position | null = null;
    for (;;) {
      const page = await store.readAll({ fromPosition: position, maxCount: 1000 });
      if (page.length === 0) break;
      position = page[page.length - 1]!.position;
    }
  });
  const baselineRead = await timed('bare SELECT, keyset pages of 1000', total + SINGLES, async () => {
    let last = '0';
    for (;;) {
      const { rows } = await pool.query<{ id: string }>(
        'SELECT id::text AS id, event_id, stream_name, event_type, data, metadata FROM bench_bare WHERE id > $1 ORDER BY id LIMIT 1000',
        [last],
      );
      if (rows.length === 0) break;
      last = rows[rows.length - 1]!.id;
    }
  });

  // 4. live delivery: append, then time until a subscriber has it
  const latencies = await subscriptionLatency(store, 200);

  console.log('                                      events    seconds      events/s   store/baseline');
  for (const [baseline, measured] of [
    [baselineBatched, storeBatched],
    [baselineSingles, storeSingles],
    [baselineRead, storeRead],
  ] as const) {
    for (const r of [baseline, measured]) {
      console.log(`${r.label.padEnd(36)} ${String(r.count).padStart(8)} ${r.seconds.toFixed(2).padStart(10)} ${Math.round(r.perSecond).toString().padStart(13)}`);
    }
    console.log(`${''.padEnd(36)} ${''.padStart(8)} ${''.padStart(10)} ${''.padStart(13)}   ${((measured.perSecond / baseline.perSecond) * 100).toFixed(0)}%\n`);
  }
  console.log(
    `live subscription, append to delivery (${latencies.length} appends): ` +
      `p50 ${latencies[Math.floor(latencies.length * 0.5)]!.toFixed(1)} ms, ` +
      `p99 ${latencies[Math.floor(latencies.length * 0.99)]!.toFixed(1)} ms, ` +
      `max ${latencies[latencies.length - 1]!.toFixed(1)} ms (LISTEN/NOTIFY, 200 ms poll as fallback)`,
  );

  await pool.end();
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE ${database} WITH (FORCE)`);
  await admin.end();
  await cleanup();
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
