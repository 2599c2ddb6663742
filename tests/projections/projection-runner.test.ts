import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresEventStore } from '../../src/adapters/event-store/postgres-event-store.ts';
import { createKysely, createPool } from '../../src/adapters/postgres/database.ts';
import { migrateReadModels } from '../../src/adapters/postgres/migrate.ts';
import type { EventToAppend } from '../../src/ports/event-store.ts';
import type { Projection } from '../../src/projections/projection.ts';
import { ProjectionRunner } from '../../src/projections/projection-runner.ts';
import type { ReadModelDatabase } from '../../src/projections/read-model-database.ts';
import { createTestDatabase } from '../support/database.ts';

let databaseUrl: string;
let pool: pg.Pool;
let db: Kysely<ReadModelDatabase>;
let store: PostgresEventStore;

beforeAll(async () => {
  databaseUrl = await createTestDatabase('proj');
  pool = createPool(databaseUrl);
  db = createKysely<ReadModelDatabase>(pool);
  store = new PostgresEventStore(pool);
  await store.migrate();
  await migrateReadModels(db);
  // A read model made for these tests: how many times each event was applied.
  await sql`CREATE TABLE tally (event_id uuid PRIMARY KEY, times integer NOT NULL)`.execute(db);
  await sql`CREATE TABLE tally_other (event_id uuid PRIMARY KEY, times integer NOT NULL)`.execute(db);
});
afterAll(async () => {
  await db.destroy();
});

const tick = (n: number): EventToAppend => ({
  eventId: randomUUID(),
  type: 'Ticked',
  data: { n },
  metadata: { actor: 'test', correlationId: randomUUID(), causationId: randomUUID(), occurredAt: '2026-11-22T10:00:00.000Z' },
});

function tallyProjection(name: string, table: string, hooks: { beforeApply?: (n: number, trx: Kysely<any>) => Promise<void> } = {}): Projection {
  return {
    name,
    eventTypes: new Set(['Ticked']),
    tables: [table],
    async apply(trx, event) {
      const n = (event.data as { n: number }).n;
      await hooks.beforeApply?.(n, trx);
      await sql`INSERT INTO ${sql.table(table)} (event_id, times) VALUES (${event.eventId}, 1)
                ON CONFLICT (event_id) DO UPDATE SET times = ${sql.table(table)}.times + 1`.execute(trx);
    },
  };
}

async function tallies(table: string) {
  const { rows } = await sql<{ event_id: string; times: number }>`SELECT event_id, times FROM ${sql.table(table)}`.execute(db);
  return rows;
}

describe('projection runner', () => {
  it('a projection killed in the middle of a batch retries and applies every event exactly once', async () => {
    const written = Array.from({ length: 250 }, (_, i) => tick(i));
    for (let i = 0; i < written.length; i += 50) await store.append(`ticks-${randomUUID()}`, written.slice(i, i + 50), { expectedRevision: 'no_stream' });

    // The connection is cut while applying event 130, inside the second batch of 100:
    // the first batch is committed, the second half-written and lost with its transaction,
    // then tried again (a lost connection is transient) on a new connection.
    let killed = false;
    let committedWhenKilled = -1;
    const crashing = tallyProjection('tally', 'tally', {
      async beforeApply(n, trx) {
        if (n === 130 && !killed) {
          killed = true;
          committedWhenKilled = (await tallies('tally')).length;
          await sql`SELECT pg_terminate_backend(pg_backend_pid())`.execute(trx);
        }
      },
    });
    const logged: string[] = [];
    const runner = new ProjectionRunner({ db, eventStore: store, projections: [crashing], batchSize: 100, logger: { info: () => undefined, error: (m) => logged.push(m) } });
    await runner.catchUp();
    expect(killed).toBe(true);
    expect(committedWhenKilled).toBe(100);
    expect(logged.some((m) => /projection "tally" will retry in \d+ ms/.test(m))).toBe(true);
    const rows = await tallies('tally');
    expect(rows.map((r) => r.event_id).sort()).toEqual(written.map((e) => e.eventId).sort());
    expect(rows.every((r) => r.times === 1)).toBe(true);
    const [status] = await runner.status();
    expect(status).toMatchObject({ projection: 'tally', lag: 0n, eventsApplied: 250n, status: 'running' });
  });

  it('a projection that throws stops with an error naming the event; the others go on', async () => {
    const bad = tick(-1);
    await store.append(`ticks-${randomUUID()}`, [tick(1), bad, tick(2)], { expectedRevision: 'no_stream' });
    const failing: Projection = {
      name: 'fragile',
      eventTypes: new Set(['Ticked']),
      tables: [],
      async apply(_trx, event) {
        if ((event.data as { n: number }).n === -1) throw new Error('negative ticks are not allowed');
      },
    };
    const healthy = tallyProjection('tally-other', 'tally_other');
    const runner = new ProjectionRunner({ db, eventStore: store, projections: [failing, healthy], batchSize: 100 });
    runner.start();
    const deadline = Date.now() + 10_000;
    let statuses = await runner.status();
    while (Date.now() < deadline && !(statuses[0]!.status === 'failed' && statuses[1]!.lag === 0n)) {
      await new Promise((r) => setTimeout(r, 50));
      statuses = await runner.status();
    }
    await runner.stop();
    const [fragile, other] = statuses;
    expect(fragile!.status).toBe('failed');
    const badEvent = (await store.readStream((await store.readAll({ maxCount: 10_000 })).find((e) => e.eventId === bad.eventId)!.streamName))[1]!;
    expect(fragile!.error).toContain(`position ${badEvent.position}`);
    expect(fragile!.error).toContain(`stream ${badEvent.streamName}`);
    expect(fragile!.error).toContain('type Ticked');
    expect(fragile!.error).toContain('negative ticks are not allowed');
    expect(fragile!.lag).toBeGreaterThan(0n);
    expect(other).toMatchObject({ status: 'running', lag: 0n });
  });

  it('a live runner picks up new events, and a rebuild next to it gives the same rows without double counting', async () => {
    const runner = new ProjectionRunner({ db, eventStore: store, projections: [tallyProjection('tally', 'tally')], batchSize: 40 });
    runner.start();
    const more = Array.from({ length: 60 }, (_, i) => tick(1000 + i));
    await store.append(`ticks-${randomUUID()}`, more, { expectedRevision: 'no_stream' });
    const waitForLag0 = async () => {
      for (let i = 0; i < 200; i++) {
        const [s] = await runner.status();
        if (s!.lag === 0n) return;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error('the live runner did not catch up');
    };
    await waitForLag0();
    const before = (await tallies('tally')).map((r) => `${r.event_id}:${r.times}`).sort();
    expect(before.every((r) => r.endsWith(':1'))).toBe(true);

    // ops rebuild runs in another runner while this one keeps going
    const ops = new ProjectionRunner({ db, eventStore: store, projections: [tallyProjection('tally', 'tally')], batchSize: 40 });
    const progress: number[] = [];
    await ops.rebuild('tally', (applied) => progress.push(applied));
    await waitForLag0();
    await runner.stop();
    const after = (await tallies('tally')).map((r) => `${r.event_id}:${r.times}`).sort();
    expect(after).toEqual(before);
    expect(progress.length).toBeGreaterThan(1);
  });

  it('a projection reads only its event types: its checkpoint, applied count and lag ignore the others', async () => {
    const noise = (n: number): EventToAppend => ({ ...tick(n), type: 'Noise' });
    const stream = `mixed-${randomUUID()}`;
    const wanted = [tick(1), tick(2), tick(3)];
    await store.append(stream, [noise(0), wanted[0]!, noise(0), noise(0), wanted[1]!, wanted[2]!, noise(0)], { expectedRevision: 'no_stream' });
    const seenTypes: string[] = [];
    const picky: Projection = {
      name: `picky-${randomUUID()}`,
      eventTypes: new Set(['Ticked']),
      tables: [],
      async apply(_trx, event) {
        if (event.streamName === stream) seenTypes.push(event.type);
      },
    };
    const runner = new ProjectionRunner({ db, eventStore: store, projections: [picky], batchSize: 2 });
    const ticksBefore = await store.countAfter(null, { only: ['Ticked'] });
    expect((await runner.status())[0]!.lag).toBe(ticksBefore);
    await runner.catchUp();
    expect(seenTypes).toEqual(['Ticked', 'Ticked', 'Ticked']);
    const [status] = await runner.status();
    expect(status!.lag).toBe(0n);
    expect(status!.eventsApplied).toBe(ticksBefore);
    // the checkpoint stops at the last event it handled, not at the noise after it
    expect(status!.position).toBe((await store.readStream(stream))[5]!.position);
  });
  it('a statement timeout on the first event is retried with backoff, never recorded as the projection failing', async () => {
    await sql`CREATE TABLE measured (event_id uuid PRIMARY KEY)`.execute(db);
    const measured = (n: number): EventToAppend => ({ ...tick(n), type: 'Measured' });
    const written = [measured(1), measured(2), measured(3)];
    await store.append(`measured-${randomUUID()}`, written, { expectedRevision: 'no_stream' });
    let attempts = 0;
    const patient: Projection = {
      name: 'patient',
      eventTypes: new Set(['Measured']),
      tables: ['measured'],
      async apply(trx, event) {
        if ((event.data as { n: number }).n === 1 && ++attempts === 1) {
          // the database gives up on this statement, as a busy server does: nothing is wrong with the event
          await sql`SET LOCAL statement_timeout = '1ms'`.execute(trx);
          await sql`SELECT pg_sleep(0.2)`.execute(trx);
        }
        await sql`INSERT INTO measured (event_id) VALUES (${event.eventId})`.execute(trx);
      },
    };
    const logged: string[] = [];
    const runner = new ProjectionRunner({ db, eventStore: store, projections: [patient], batchSize: 10, logger: { info: () => undefined, error: (m) => logged.push(m) } });
    runner.start();
    try {
      const deadline = Date.now() + 20_000;
      let [status] = await runner.status();
      while (Date.now() < deadline && !(status!.lag === 0n || status!.status === 'failed')) {
        await new Promise((r) => setTimeout(r, 50));
        [status] = await runner.status();
      }
      expect(status).toMatchObject({ projection: 'patient', status: 'running', error: null, lag: 0n, eventsApplied: 3n });
    } finally {
      await runner.stop();
    }
    expect(attempts).toBe(2);
    const { rows } = await sql<{ event_id: string }>`SELECT event_id FROM measured`.execute(db);
    expect(rows.map((r) => r.event_id).sort()).toEqual(written.map((e) => e.eventId).sort());
    expect(logged.some((m) => /projection "patient" will retry in \d+ ms: .*statement timeout/.test(m))).toBe(true);
  });

  it('catchUp (ops rebuild) retries a statement timeout on the first event with backoff too; an error of the projection still throws', async () => {
    await sql`CREATE TABLE audited (event_id uuid PRIMARY KEY)`.execute(db);
    const audited = (n: number): EventToAppend => ({ ...tick(n), type: 'Audited' });
    const written = [audited(1), audited(2), audited(3)];
    await store.append(`audited-${randomUUID()}`, written, { expectedRevision: 'no_stream' });
    let attempts = 0;
    const patient: Projection = {
      name: 'patient-rebuild',
      eventTypes: new Set(['Audited']),
      tables: ['audited'],
      async apply(trx, event) {
        if ((event.data as { n: number }).n === 1 && ++attempts === 1) {
          await sql`SET LOCAL statement_timeout = '1ms'`.execute(trx);
          await sql`SELECT pg_sleep(0.2)`.execute(trx);
        }
        await sql`INSERT INTO audited (event_id) VALUES (${event.eventId})`.execute(trx);
      },
    };
    const logged: string[] = [];
    const runner = new ProjectionRunner({ db, eventStore: store, projections: [patient], batchSize: 10, logger: { info: () => undefined, error: (m) => logged.push(m) } });
    await runner.catchUp(['patient-rebuild']);
    expect(attempts).toBe(2);
    const { rows } = await sql<{ event_id: string }>`SELECT event_id FROM audited`.execute(db);
    expect(rows.map((r) => r.event_id).sort()).toEqual(written.map((e) => e.eventId).sort());
    const [status] = await runner.status();
    expect(status).toMatchObject({ projection: 'patient-rebuild', status: 'running', error: null, lag: 0n, eventsApplied: 3n });
    expect(logged.some((m) => /projection "patient-rebuild" will retry in \d+ ms: .*statement timeout/.test(m))).toBe(true);

    const broken: Projection = {
      name: 'broken-rebuild',
      eventTypes: new Set(['Audited']),
      tables: [],
      apply: async () => {
        throw new Error('no such plan');
      },
    };
    const failing = new ProjectionRunner({ db, eventStore: store, projections: [broken], batchSize: 10, logger: { info: () => undefined, error: () => undefined } });
    await expect(failing.catchUp(['broken-rebuild'])).rejects.toThrow(/no such plan/);
  });

  it('lagOf counts events held back by an open transaction, as status does', async () => {
    await sql`CREATE TABLE held (event_id uuid PRIMARY KEY)`.execute(db);
    const held: Projection = {
      name: 'held',
      eventTypes: new Set(['HeldBack']),
      tables: ['held'],
      apply: async (trx, event) => void (await sql`INSERT INTO held (event_id) VALUES (${event.eventId})`.execute(trx)),
    };
    const runner = new ProjectionRunner({ db, eventStore: store, projections: [held], batchSize: 10 });
    const holder = new pg.Client({ connectionString: databaseUrl });
    await holder.connect();
    let open = true;
    try {
      // A transaction id of its own, taken before the append: readers see nothing newer until it ends.
      await holder.query('BEGIN');
      await holder.query('SELECT pg_current_xact_id()');
      await store.append(`held-${randomUUID()}`, [{ ...tick(1), type: 'HeldBack' }], { expectedRevision: 'no_stream' });
      await runner.catchUp();
      const [status] = await runner.status();
      expect(status).toMatchObject({ projection: 'held', lag: 1n, heldBack: 1n });
      expect(await runner.lagOf('held')).toBe(1n);
      await holder.query('ROLLBACK');
      open = false;
    } finally {
      if (open) await holder.query('ROLLBACK').catch(() => undefined);
      await holder.end();
    }
    // Other work in the cluster may hold it back a moment longer: wait for it, never time it.
    const deadline = Date.now() + 60_000;
    while ((await runner.lagOf('held')) > 0n && Date.now() < deadline) {
      await runner.catchUp();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await runner.lagOf('held')).toBe(0n);
    const { rows } = await sql<{ event_id: string }>`SELECT event_id FROM held`.execute(db);
    expect(rows).toHaveLength(1);
  });
});

describe('projection runner: catchUp and the horizon', () => {
  it('waits for an event committed behind an older transaction still running, instead of returning without it', async () => {
    await sql`CREATE TABLE tally_held (event_id uuid PRIMARY KEY, times integer NOT NULL)`.execute(db);
    const projection = tallyProjection('tally-held', 'tally_held');
    const runner = new ProjectionRunner({ db, eventStore: store, projections: [projection] });

    // An older transaction with an id of its own holds the horizon: the event committed after
    // it began is in the log, but invisible to every reader until the older one ends.
    const older = await pool.connect();
    try {
      await older.query('BEGIN');
      await older.query('SELECT pg_current_xact_id()');
      const held = tick(1);
      await store.append(`ticks-${randomUUID()}`, [held], { expectedRevision: 'no_stream' });
      expect((await store.backlogAfter(null, { only: ['Ticked'] })).heldBack).toBeGreaterThan(0n);

      let returned = false;
      const catchingUp = runner.catchUp().then(() => (returned = true));
      // a bound on how long the test lets catchUp run before the older transaction ends, not a timing
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(returned).toBe(false);
      await older.query('COMMIT');
      await catchingUp;
      expect((await tallies('tally_held')).map((row) => row.event_id)).toContain(held.eventId);
    } finally {
      older.release();
    }
  });
});
