import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountsProjection } from '../../src/projections/accounts/accounts-projection.ts';
import { ProjectionRunner } from '../../src/projections/projection-runner.ts';
import { shadowSchemaOf } from '../../src/projections/shadow-rebuild.ts';
import type { EventStore } from '../../src/ports/event-store.ts';
import { openTestAccount } from '../support/api-requests.ts';
import { startTestApp } from '../support/app.ts';

/**
 * A rebuild that PostgreSQL fails in passing is started again and completes; one that keeps
 * failing gives up with the live read model as it was. The faults are real: the rebuild's own
 * backend is terminated (pg_terminate_backend) half-way, between two of its batches, and a
 * serialization failure comes from the event store's read.
 */
type App = Awaited<ReturnType<typeof startTestApp>>;
let app: App;
const ACCOUNTS = 12;

beforeAll(async () => {
  app = await startTestApp();
  const operator = await app.tokenFor({ kind: 'operator' });
  for (let a = 0; a < ACCOUNTS; a++) await openTestAccount(app, operator, `retry-${a}`);
  await app.runner.catchUp();
});
afterAll(async () => app?.close());

function runner(eventStore: EventStore = app.infrastructure.eventStore, attempts = 3) {
  const lines: string[] = [];
  const logger = { info: () => undefined, error: (line: string) => lines.push(line) };
  return { lines, runner: new ProjectionRunner({ db: app.infrastructure.readModels, eventStore, projections: [accountsProjection], logger, batchSize: 3, rebuildRetry: { attempts, baseDelayMs: 10 } }) };
}

const accountRows = async () => (await app.infrastructure.readModels.selectFrom('accounts').select(['account_id', 'slug', 'status']).orderBy('account_id').execute());
const checkpoint = async () =>
  app.infrastructure.readModels.selectFrom('projection_checkpoints').select(['position', 'events_applied', 'status']).where('projection', '=', 'accounts').executeTakeFirstOrThrow();

/** Ends the session that holds the accounts rebuild's lock, as a failover or an operator would. */
async function terminateRebuildBackend(): Promise<number> {
  const { rows } = await sql<{ terminated: boolean }>`
    SELECT pg_terminate_backend(l.pid) AS terminated FROM pg_locks l
     WHERE l.locktype = 'advisory' AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
       AND l.objid = (hashtext('rebuild:accounts')::bigint & 4294967295)::oid`.execute(app.infrastructure.readModels);
  return rows.filter((r) => r.terminated).length;
}

const shadowLeft = async () =>
  (await sql<{ n: number }>`SELECT count(*)::int AS n FROM information_schema.schemata WHERE schema_name = ${shadowSchemaOf('accounts')}`.execute(app.infrastructure.readModels)).rows[0]!.n;

describe('a rebuild that PostgreSQL fails in passing', () => {
  it('whose backend is terminated half-way is started again, says so, and completes', async () => {
    const before = await accountRows();
    expect(before).toHaveLength(ACCOUNTS);
    const { runner: rebuilding, lines } = runner();
    const retries: string[] = [];
    let terminated = 0;
    const progress: number[] = [];
    await rebuilding.rebuild(
      'accounts',
      async (applied) => {
        progress.push(applied);
        if (terminated === 0 && applied >= 6) terminated = await terminateRebuildBackend();
      },
      (line) => retries.push(line),
    );
    expect(terminated, 'the rebuild held its lock on the backend ended').toBe(1);
    expect(retries).toEqual([expect.stringMatching(/^rebuild of accounts failed in passing \(.+\); the live read model is untouched; starting it again in 10 ms \(try 2 of 3\)$/)]);
    expect(lines).toEqual(retries);
    // the second try read the whole log again from the start
    expect(progress.indexOf(3, 1)).toBeGreaterThan(0);
    expect(await accountRows()).toEqual(before);
    expect(await checkpoint()).toMatchObject({ status: 'running', events_applied: String(ACCOUNTS) });
    expect(await shadowLeft()).toBe(0);
  });

  it('a serialization failure reading the log is retried the same way', async () => {
    const before = await accountRows();
    let failures = 0;
    const failingOnce = new Proxy(app.infrastructure.eventStore, {
      get(target, property, receiver) {
        const value: unknown = Reflect.get(target, property, receiver);
        if (property !== 'readAll') return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        return async (...args: Parameters<EventStore['readAll']>) => {
          const page = await target.readAll(...args);
          if (args[0]?.fromPosition && failures === 0) {
            failures++;
            throw Object.assign(new Error('could not serialize access due to concurrent update'), { code: '40001' });
          }
          return page;
        };
      },
    });
    const { runner: rebuilding } = runner(failingOnce);
    const retries: string[] = [];
    await rebuilding.rebuild('accounts', undefined, (line) => retries.push(line));
    expect(failures).toBe(1);
    expect(retries).toHaveLength(1);
    expect(await accountRows()).toEqual(before);
    expect(await shadowLeft()).toBe(0);
  });

  it('that fails on every try gives up, with the live read model and its checkpoint as they were', async () => {
    const before = await accountRows();
    const checkpointBefore = await checkpoint();
    const { runner: rebuilding } = runner(app.infrastructure.eventStore, 2);
    const retries: string[] = [];
    let terminations = 0;
    const outcome = await rebuilding
      .rebuild(
        'accounts',
        async (applied) => {
          if (applied === 6) terminations += await terminateRebuildBackend();
        },
        (line) => retries.push(line),
      )
      .then(
        () => null,
        (error: unknown) => error,
      );
    expect(terminations).toBe(2);
    expect(outcome).toBeInstanceOf(Error);
    expect(retries).toHaveLength(1);
    expect(await accountRows()).toEqual(before);
    expect(await checkpoint()).toEqual(checkpointBefore);
    // and the next rebuild, with nothing in its way, starts clean and completes
    await runner().runner.rebuild('accounts');
    expect(await accountRows()).toEqual(before);
    expect(await shadowLeft()).toBe(0);
  });
});
