import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '../../src/adapters/postgres/database.ts';
import { PostgresEventStore } from '../../src/adapters/event-store/postgres-event-store.ts';
import type { EventToAppend, Position, RecordedEvent } from '../../src/ports/event-store.ts';
import { createTestDatabase } from '../support/database.ts';
import { eventStoreContract } from './contract.ts';

let url: string;
let pool: pg.Pool;
let store: PostgresEventStore;

beforeAll(async () => {
  url = await createTestDatabase('es');
  pool = createPool(url, 40);
  store = new PostgresEventStore(pool);
  await store.migrate();
});
afterAll(async () => {
  await pool.end();
});

eventStoreContract('PostgreSQL', () => store);

const event = (data: unknown): EventToAppend => ({
  eventId: randomUUID(),
  type: 'Written',
  data,
  metadata: { actor: 'test', correlationId: randomUUID(), causationId: randomUUID(), occurredAt: '2026-11-22T10:00:00.000Z' },
});

/** A writer holding its own connection, so the test decides when its transaction commits. */
async function openWriter() {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    async begin() {
      await client.query('BEGIN');
    },
    async append(stream: string, events: EventToAppend[]) {
      await client.query('SELECT * FROM es_append($1, $2, $3::uuid[], $4::text[], $5::jsonb[], $6::jsonb[])', [
        stream,
        'any',
        events.map((e) => e.eventId),
        events.map((e) => e.type),
        events.map((e) => JSON.stringify(e.data)),
        events.map((e) => JSON.stringify(e.metadata)),
      ]);
    },
    async commit() {
      await client.query('COMMIT');
    },
    async rollback() {
      await client.query('ROLLBACK');
    },
    async close() {
      await client.end();
    },
  };
}

async function readAllAfter(from: Position | null, prefix: string): Promise<{ events: RecordedEvent[]; last: Position | null }> {
  const events: RecordedEvent[] = [];
  let last = from;
  for (;;) {
    const page = await store.readAll({ fromPosition: last, maxCount: 500 });
    if (page.length === 0) return { events, last };
    last = page[page.length - 1]!.position;
    events.push(...page.filter((e) => e.streamName.startsWith(prefix)));
  }
}

describe('PostgreSQL event store: commits out of order', () => {
  it('a transaction that started first and commits last is not skipped', async () => {
    const prefix = `ooo${randomUUID().replaceAll('-', '')}`;
    const early = await openWriter();
    const late = await openWriter();
    try {
      const { last: start } = await readAllAfter(null, prefix);
      const earlyEvent = event({ who: 'early' });
      const lateEvent = event({ who: 'late' });

      await early.begin();
      await early.append(`${prefix}-a`, [earlyEvent]); // takes the lower global position
      await late.begin();
      await late.append(`${prefix}-b`, [lateEvent]); // takes the higher one...
      await late.commit(); // ...and commits first

      // What a bare sequence cursor would do: it sees the late event and moves past the early one.
      const { rows: naive } = await pool.query<{ global_position: string; event_id: string }>(
        'SELECT global_position::text, event_id FROM es_events WHERE stream_name LIKE $1 ORDER BY global_position',
        [`${prefix}%`],
      );
      expect(naive.map((r) => r.event_id)).toEqual([lateEvent.eventId]);
      const naiveCursor = BigInt(naive[0]!.global_position);

      // Ours holds the late event back while an older transaction may still write.
      const whileOpen = await readAllAfter(start, prefix);
      expect(whileOpen.events).toEqual([]);

      await early.commit();
      const { rows: naiveAfter } = await pool.query<{ event_id: string }>(
        'SELECT event_id FROM es_events WHERE stream_name LIKE $1 AND global_position > $2',
        [`${prefix}%`, naiveCursor.toString()],
      );
      expect(naiveAfter).toEqual([]); // the bare cursor has lost the early event for good

      const afterCommit = await readAllAfter(whileOpen.last, prefix);
      expect(afterCommit.events.map((e) => e.eventId)).toEqual([earlyEvent.eventId, lateEvent.eventId]);
    } finally {
      await early.close();
      await late.close();
    }
  });

  it('property: concurrent writers committing in random order reach a live subscriber exactly once, in readAll order', async () => {
    const writerCount = 4;
    const writers = await Promise.all(Array.from({ length: writerCount }, openWriter));
    try {
      await fc.assert(
        fc.asyncProperty(
          // each step: which writer acts, and how many events it writes (0 = commit now)
          fc.array(fc.record({ writer: fc.nat(writerCount - 1), size: fc.integer({ min: 0, max: 3 }), rollback: fc.integer({ min: 0, max: 5 }).map((n) => n === 0) }), {
            minLength: 1,
            maxLength: 25,
          }),
          fc.array(fc.nat(writerCount - 1), { minLength: writerCount, maxLength: writerCount }),
          async (steps, commitOrderSeed) => {
            const prefix = `prop${randomUUID().replaceAll('-', '')}`;
            const { last: start } = await readAllAfter(null, prefix);
            const controller = new AbortController();
            const received: RecordedEvent[] = [];
            const subscriber = (async () => {
              for await (const batch of store.subscribeToAll({ fromPosition: start, signal: controller.signal, maxBatch: 5 })) {
                received.push(...batch.filter((e) => e.streamName.startsWith(prefix)));
              }
            })();

            try {
            const open = new Set<number>();
            const pending = new Map<number, string[]>();
            const committed: string[] = [];
            const finish = async (w: number, rollback: boolean) => {
              if (rollback) await writers[w]!.rollback();
              else {
                await writers[w]!.commit();
                committed.push(...(pending.get(w) ?? []));
              }
              open.delete(w);
              pending.delete(w);
            };
            for (const step of steps) {
              if (step.size === 0) {
                if (open.has(step.writer)) await finish(step.writer, step.rollback);
                continue;
              }
              if (!open.has(step.writer)) {
                await writers[step.writer]!.begin();
                open.add(step.writer);
              }
              const batch = Array.from({ length: step.size }, (_, i) => event({ i }));
              // one stream per writer: two open transactions on one stream would wait on each other's row lock
              await writers[step.writer]!.append(`${prefix}-${step.writer}`, batch);
              pending.set(step.writer, [...(pending.get(step.writer) ?? []), ...batch.map((e) => e.eventId)]);
            }
            // commit whatever is still open, in an order the generator chose
            const order = [...open].sort((a, b) => (commitOrderSeed[a] ?? 0) - (commitOrderSeed[b] ?? 0));
            for (const w of order) await finish(w, false);

            const expected = (await readAllAfter(start, prefix)).events.map((e) => e.eventId);
            expect([...expected].sort()).toEqual([...committed].sort());
            // a bound on waiting, not a timing: on a loaded machine the live poll can be seconds late
            const deadline = Date.now() + 30_000;
            while (received.length < expected.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
            controller.abort();
            await subscriber;
            expect(received.map((e) => e.eventId)).toEqual(expected);
            } finally {
              controller.abort();
            }
          },
        ),
        { numRuns: 100 },
      );
    } finally {
      await Promise.all(writers.map((w) => w.close()));
    }
  }, 180_000);
});

describe('PostgreSQL event store: positions', () => {
  it('are fixed-width text, so text order is log order', async () => {
    const prefix = `pos${randomUUID().replaceAll('-', '')}`;
    await store.append(`${prefix}-x`, [event(1), event(2)], { expectedRevision: 'no_stream' });
    const { events } = await readAllAfter(null, prefix);
    for (const e of events) expect(e.position).toMatch(/^\d{20}\/\d{19}$/);
    expect(events[0]!.position < events[1]!.position).toBe(true);
  });
});

describe('PostgreSQL event store: live subscriptions share one LISTEN connection', () => {
  it('twelve subscribers on a pool of four all get a new event fast, and the pool still answers queries', async () => {
    const small = createPool(url, 4);
    const shared = new PostgresEventStore(small);
    const controller = new AbortController();
    try {
      const from = (await shared.readAll({ fromPosition: null, maxCount: 1_000_000 })).at(-1)?.position ?? null;
      const stream = `listen-${randomUUID()}`;
      const received = Array.from({ length: 12 }, async () => {
        for await (const batch of shared.subscribeToAll({ fromPosition: from, signal: controller.signal, filter: { only: ['Written'] } })) {
          if (batch.some((e) => e.streamName === stream)) return true;
        }
        return false;
      });
      // every subscriber is live (caught up and listening) before the append
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(small.totalCount).toBeLessThanOrEqual(4);
      const ping = await small.query<{ one: number }>('SELECT 1 AS one');
      expect(ping.rows[0]!.one).toBe(1);
      await shared.append(stream, [event({ n: 1 })], { expectedRevision: 'no_stream' });
      expect(await Promise.all(received)).toEqual(Array.from({ length: 12 }, () => true));
    } finally {
      controller.abort();
      await new Promise((resolve) => setTimeout(resolve, 50));
      await small.end();
    }
  });
});

describe('PostgreSQL event store: subscribers coming and going around the shared LISTEN connection', () => {
  it('subscriptions opened and closed at random moments leave no connection taken and none released twice', async () => {
    const small = createPool(url, 3);
    const shared = new PostgresEventStore(small);
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.record({ lifeMs: fc.integer({ min: 0, max: 30 }), startMs: fc.integer({ min: 0, max: 30 }) }), { minLength: 1, maxLength: 12 }), async (subscribers) => {
          await Promise.all(
            subscribers.map(async ({ lifeMs, startMs }) => {
              await new Promise((resolve) => setTimeout(resolve, startMs));
              const controller = new AbortController();
              setTimeout(() => controller.abort(), lifeMs);
              for await (const _batch of shared.subscribeToAll({ fromPosition: null, signal: controller.signal, maxBatch: 1, filter: { only: ['NoSuchType'] } })) {
                // nothing of that type is ever written
              }
            }),
          );
          // everyone has left: every connection is back in the pool, and each answers
          const answers = await Promise.all([1, 2, 3].map(() => small.query<{ one: number }>('SELECT 1 AS one')));
          expect(answers.map((a) => a.rows[0]!.one)).toEqual([1, 1, 1]);
          expect(small.waitingCount).toBe(0);
        }),
        { numRuns: 30 },
      );
      // and a new subscriber still hears appends
      const controller = new AbortController();
      const stream = `after-churn-${randomUUID()}`;
      const from = (await shared.readAll({ fromPosition: null, maxCount: 1_000_000 })).at(-1)?.position ?? null;
      const heard = (async () => {
        for await (const batch of shared.subscribeToAll({ fromPosition: from, signal: controller.signal })) if (batch.some((e) => e.streamName === stream)) return true;
        return false;
      })();
      await new Promise((resolve) => setTimeout(resolve, 100));
      await shared.append(stream, [event({ n: 2 })], { expectedRevision: 'no_stream' });
      expect(await heard).toBe(true);
      controller.abort();
    } finally {
      await new Promise((resolve) => setTimeout(resolve, 50));
      await small.end();
    }
  });
});

/** Waits until `count` backends wait on a lock (the appends queued behind a held stream row). */
async function untilWaitingOnLocks(count: number) {
  for (;;) {
    const { rows } = await pool.query<{ waiting: number }>(
      `SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    if (rows[0]!.waiting >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('PostgreSQL event store: a retry racing its own first attempt', () => {
  it('two appends of the same events with the same exact revision, queued on the stream: both succeed, one writes', async () => {
    const stream = `retry-race-${randomUUID()}`;
    await store.append(stream, [event({ n: 0 })], { expectedRevision: 'no_stream' });
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      // Both attempts must reach the stream's lock before either can take it, as a client's
      // retry does when its first attempt is slow to answer.
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM es_streams WHERE stream_name = $1 FOR UPDATE', [stream]);
      const batch = [event({ n: 1 }), event({ n: 2 })];
      const first = store.append(stream, batch, { expectedRevision: 0n });
      const retry = store.append(stream, batch, { expectedRevision: 0n });
      await untilWaitingOnLocks(2);
      await holder.query('COMMIT');
      const outcomes = await Promise.all([first, retry]);
      expect(outcomes.map((o) => o.appended).sort()).toEqual([0, 2]);
      expect(outcomes.map((o) => o.nextRevision)).toEqual([2n, 2n]);
      expect(await store.readStream(stream)).toHaveLength(3);
    } finally {
      await holder.end();
    }
  });

  it('the same for appendMany across two streams', async () => {
    const prefix = `retry-race-many-${randomUUID()}`;
    await store.append(`${prefix}-a`, [event({ n: 0 })], { expectedRevision: 'no_stream' });
    await store.append(`${prefix}-b`, [event({ n: 0 })], { expectedRevision: 'no_stream' });
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM es_streams WHERE stream_name = $1 FOR UPDATE', [`${prefix}-a`]);
      const call = [
        { streamName: `${prefix}-a`, events: [event({ n: 1 })], expectedRevision: 0n },
        { streamName: `${prefix}-b`, events: [event({ n: 1 }), event({ n: 2 })], expectedRevision: 0n },
      ];
      const first = store.appendMany(call);
      const retry = store.appendMany(call);
      await untilWaitingOnLocks(2);
      await holder.query('COMMIT');
      const outcomes = await Promise.all([first, retry]);
      expect(outcomes.map((o) => o.map((r) => r.appended)).sort()).toEqual([
        [0, 0],
        [1, 2],
      ]);
      expect(await store.readStream(`${prefix}-b`)).toHaveLength(3);
    } finally {
      await holder.end();
    }
  });
});

describe('PostgreSQL event store: appendMany onto streams that exist (ids not looked up first)', () => {
  /** Two streams holding one event each, so every later call finds both. */
  async function twoStreams() {
    const prefix = `guess-${randomUUID()}`;
    const first = { a: event({ n: 'a0' }), b: event({ n: 'b0' }) };
    await store.appendMany([
      { streamName: `${prefix}-a`, events: [first.a], expectedRevision: 'no_stream' },
      { streamName: `${prefix}-b`, events: [first.b], expectedRevision: 'no_stream' },
    ]);
    return { prefix, first };
  }
  const contents = async (stream: string) => (await store.readStream(stream)).map((e) => [e.streamRevision, (e.data as { n: string }).n]);
  /** a1 and a2 after a0, b1 after b0: what both calls below must leave, whatever else they carried */
  const expectContinued = async (prefix: string, results: readonly { nextRevision: bigint; appended: number }[]) => {
    expect(results.map((r) => [r.nextRevision, r.appended])).toEqual([
      [2n, 2],
      [1n, 1],
    ]);
    expect(await contents(`${prefix}-a`)).toEqual([[0n, 'a0'], [1n, 'a1'], [2n, 'a2']]);
    expect(await contents(`${prefix}-b`)).toEqual([[0n, 'b0'], [1n, 'b1']]);
  };

  it('all new: each stream continues from its revision, in call order', async () => {
    const { prefix } = await twoStreams();
    const results = await store.appendMany([
      { streamName: `${prefix}-a`, events: [event({ n: 'a1' }), event({ n: 'a2' })], expectedRevision: 0n },
      { streamName: `${prefix}-b`, events: [event({ n: 'b1' })], expectedRevision: 0n },
    ]);
    await expectContinued(prefix, results);
  });

  it('a stored id among new ones: the stored one dropped, the new ones numbered without a gap', async () => {
    const { prefix, first } = await twoStreams();
    const results = await store.appendMany([
      { streamName: `${prefix}-a`, events: [event({ n: 'a1' }), first.a, event({ n: 'a2' })], expectedRevision: 'any' },
      // an id stored in the other stream is stored already in this log
      { streamName: `${prefix}-b`, events: [first.a, event({ n: 'b1' })], expectedRevision: 'any' },
    ]);
    await expectContinued(prefix, results);
  });

  it('an id twice in one call: stored once, where it first appears', async () => {
    const { prefix } = await twoStreams();
    const twice = event({ n: 'twice' });
    const results = await store.appendMany([
      { streamName: `${prefix}-a`, events: [twice, event({ n: 'a1' }), twice], expectedRevision: 0n },
      { streamName: `${prefix}-b`, events: [twice], expectedRevision: 0n },
    ]);
    expect(results.map((r) => [r.nextRevision, r.appended])).toEqual([
      [2n, 2],
      [0n, 0],
    ]);
    expect(await contents(`${prefix}-a`)).toEqual([[0n, 'a0'], [1n, 'twice'], [2n, 'a1']]);
  });

  it('a retry of a call that landed, its expectations now stale: nothing written, no conflict', async () => {
    const { prefix } = await twoStreams();
    const call = [
      { streamName: `${prefix}-a`, events: [event({ n: 'a1' })], expectedRevision: 0n },
      { streamName: `${prefix}-b`, events: [event({ n: 'b1' }), event({ n: 'b2' })], expectedRevision: 0n },
    ];
    await store.appendMany(call);
    const again = await store.appendMany(call);
    expect(again.map((r) => [r.nextRevision, r.appended, r.position])).toEqual([
      [1n, 0, null],
      [2n, 0, null],
    ]);
    expect(await contents(`${prefix}-b`)).toEqual([[0n, 'b0'], [1n, 'b1'], [2n, 'b2']]);
  });

  it('a stale expectation with new events is a conflict naming the stream and its revision, and writes nothing', async () => {
    const { prefix } = await twoStreams();
    await store.append(`${prefix}-b`, [event({ n: 'b1' })], { expectedRevision: 0n });
    await expect(
      store.appendMany([
        { streamName: `${prefix}-a`, events: [event({ n: 'a1' })], expectedRevision: 0n },
        { streamName: `${prefix}-b`, events: [event({ n: 'late' })], expectedRevision: 0n },
      ]),
    ).rejects.toMatchObject({ name: 'ConcurrencyError', streamName: `${prefix}-b`, actualRevision: 1n });
    expect(await contents(`${prefix}-a`)).toEqual([[0n, 'a0']]);
    expect(await contents(`${prefix}-b`)).toEqual([[0n, 'b0'], [1n, 'b1']]);
  });

  it('the same mix of stored, repeated and new ids lands the same whether the streams existed or not', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(5), fc.boolean()), { minLength: 1, maxLength: 12 }), async (picks) => {
        // ids 0-5 (fresh ones for each run); a pick marked true was stored before the call (in a stream of its own)
        const run = async (existing: boolean) => {
          const ids = Array.from({ length: 6 }, () => randomUUID());
          const prefix = `guess-prop-${randomUUID()}`;
          const before = new Set(picks.filter(([, stored]) => stored).map(([i]) => i));
          for (const i of before) await store.append(`${prefix}-stored-${i}`, [{ ...event({ n: `id${i}` }), eventId: ids[i]! }], { expectedRevision: 'no_stream' });
          if (existing) await store.append(`${prefix}-x`, [event({ n: 'x0' })], { expectedRevision: 'no_stream' });
          const [result] = await store.appendMany([
            { streamName: `${prefix}-x`, events: picks.map(([i]) => ({ ...event({ n: `id${i}` }), eventId: ids[i]! })), expectedRevision: 'any' },
          ]);
          const stored = (await store.readStream(`${prefix}-x`)).filter((e) => (e.data as { n: string }).n !== 'x0');
          return { appended: result!.appended, names: stored.map((e) => (e.data as { n: string }).n), offsets: stored.map((e, k) => e.streamRevision - BigInt(k)) };
        };
        const fresh = await run(false);
        const onto = await run(true);
        // exactly the first appearance of each id not stored before, in call order
        const storedBefore = new Set(picks.filter(([, s]) => s).map(([i]) => i));
        const expected = [...new Set(picks.map(([i]) => i))].filter((i) => !storedBefore.has(i)).map((i) => `id${i}`);
        expect(fresh.names).toEqual(expected);
        expect(onto.names).toEqual(expected);
        expect(onto.appended).toBe(expected.length);
        // contiguous revisions: after x0 at 0, the k-th new event is at k + 1
        expect(onto.offsets.every((o) => o === 1n)).toBe(true);
      }),
      { numRuns: 25 },
    );
  });
});

describe('PostgreSQL event store: appendMany', () => {
  it("answers each stream's position: its last event's, as readAll gives it", async () => {
    const prefix = `many-pos-${randomUUID()}`;
    const results = await store.appendMany([
      { streamName: `${prefix}-a`, events: [event({ n: 1 }), event({ n: 2 })], expectedRevision: 'no_stream' },
      { streamName: `${prefix}-b`, events: [event({ n: 3 })], expectedRevision: 'no_stream' },
    ]);
    const { events } = await readAllAfter(null, prefix);
    expect(results.map((r) => r.position)).toEqual([events[1]!.position, events[2]!.position]);
  });

  it('an id is stored once per call: the first stream naming it keeps it, a stream left with nothing is not created', async () => {
    const prefix = `many-dup-${randomUUID()}`;
    const shared = event({ shared: true });
    const results = await store.appendMany([
      { streamName: `${prefix}-a`, events: [shared, event({ n: 1 })], expectedRevision: 'no_stream' },
      { streamName: `${prefix}-b`, events: [shared], expectedRevision: 'no_stream' },
    ]);
    expect(results.map((r) => [r.nextRevision, r.appended])).toEqual([
      [1n, 2],
      [-1n, 0],
    ]);
    const { rows } = await pool.query('SELECT 1 FROM es_streams WHERE stream_name = $1', [`${prefix}-b`]);
    expect(rows).toEqual([]);
    // and the stream that got nothing can still be created later
    await store.append(`${prefix}-b`, [event({ n: 2 })], { expectedRevision: 'no_stream' });
  });

  it('all or nothing: a failure on the last stream leaves the first untouched', async () => {
    const prefix = `many-atomic-${randomUUID()}`;
    const before = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM es_events');
    await expect(
      store.appendMany([
        { streamName: `${prefix}-a`, events: [event({ n: 1 })], expectedRevision: 'no_stream' },
        { streamName: `${prefix}-z`, events: [event({ n: 1 })], expectedRevision: 5n },
      ]),
    ).rejects.toMatchObject({ name: 'ConcurrencyError', streamName: `${prefix}-z`, actualRevision: null });
    const after = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM es_events');
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
    const { rows } = await pool.query('SELECT 1 FROM es_streams WHERE stream_name LIKE $1', [`${prefix}%`]);
    expect(rows).toEqual([]);
  });
});

describe('PostgreSQL event store: a lost LISTEN connection', () => {
  it('is replaced: events appended after its backend is terminated are delivered without the poll, and the dead client leaves the pool', async () => {
    const applicationName = `relisten_${randomUUID().slice(0, 8)}`;
    const withName = new URL(url);
    withName.searchParams.set('application_name', applicationName);
    const small = createPool(withName.toString(), 2);
    // The poll would take ten minutes: only a notification, or the re-read a new LISTEN
    // connection triggers, can deliver within the test's time.
    const slow = new PostgresEventStore(small, { livePollMs: 600_000 });
    const controller = new AbortController();
    const stream = `relisten-${randomUUID()}`;
    const seen = new Set<string>();
    const waiters = new Map<string, () => void>();
    const delivered = (eventId: string) => new Promise<void>((resolve) => (seen.has(eventId) ? resolve() : waiters.set(eventId, resolve)));
    const listenBackend = async () => {
      for (;;) {
        const { rows } = await pool.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND query = 'LISTEN es_events' AND state = 'idle'`,
          [applicationName],
        );
        if (rows.length === 1) return rows[0]!.pid;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    try {
      const from = (await slow.readAll({ fromPosition: null, maxCount: 1_000_000 })).at(-1)?.position ?? null;
      const subscriber = (async () => {
        for await (const batch of slow.subscribeToAll({ fromPosition: from, signal: controller.signal, filter: { only: ['Written'] } })) {
          for (const e of batch) {
            if (e.streamName !== stream) continue;
            seen.add(e.eventId);
            waiters.get(e.eventId)?.();
          }
        }
      })();
      const first = await listenBackend();
      const before = event({ n: 1 });
      await slow.append(stream, [before], { expectedRevision: 'any' });
      await delivered(before.eventId);

      await pool.query('SELECT pg_terminate_backend($1)', [first]);
      const right = event({ n: 2 });
      await slow.append(stream, [right], { expectedRevision: 'any' });
      await delivered(right.eventId);

      const second = await listenBackend();
      expect(second).not.toBe(first);
      const later = event({ n: 3 });
      await slow.append(stream, [later], { expectedRevision: 'any' });
      await delivered(later.eventId);

      // The dead client was given back (a pool of two holds the new LISTEN connection and still answers).
      expect(small.totalCount).toBeLessThanOrEqual(2);
      const ping = await small.query<{ one: number }>('SELECT 1 AS one');
      expect(ping.rows[0]!.one).toBe(1);
      expect(small.waitingCount).toBe(0);
      controller.abort();
      await subscriber;
    } finally {
      controller.abort();
      await small.end();
    }
  }, 30_000);
});
