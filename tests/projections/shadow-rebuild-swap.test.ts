import { randomBytes } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountsProjection } from '../../src/projections/accounts/accounts-projection.ts';
import type { Projection } from '../../src/projections/projection.ts';
import { ProjectionRunner } from '../../src/projections/projection-runner.ts';
import { bearer, openTestAccount } from '../support/api-requests.ts';
import { startTestApp } from '../support/app.ts';
import { until } from '../support/until.ts';

/**
 * The swap of a rebuild: it gives way to readers holding the live tables rather than queue
 * every later reader behind it, keeps the tables' grants, and a live loop stopped by a
 * projection failure runs again once a rebuild has swapped a read model past it.
 */
type App = Awaited<ReturnType<typeof startTestApp>>;
let app: App;
let operator: string;

async function openAccount(slug: string): Promise<string> {
  return (await openTestAccount(app, operator, slug)).accountId;
}

function runnerWith(projections: readonly Projection[], lines: string[]) {
  const { eventStore, readModels } = app.infrastructure;
  const logger = { info: (line: string) => lines.push(line), error: (line: string) => lines.push(line) };
  return new ProjectionRunner({ db: readModels, eventStore, projections, logger, batchSize: 5 });
}

beforeAll(async () => {
  app = await startTestApp();
  operator = await app.tokenFor({ kind: 'operator' });
  for (let a = 0; a < 4; a++) await openAccount(`swap-${a}`);
  await app.runner.catchUp();
});
afterAll(async () => app?.close());

describe('the swap of a rebuild', () => {
  it('gives way to a reader holding the live table, and swaps once it is gone', async () => {
    const lines: string[] = [];
    const runner = runnerWith([accountsProjection], lines);
    // A reader in a long transaction holds the accounts table (ACCESS SHARE) until it ends.
    let endReader!: () => void;
    const readerEnded = new Promise<void>((resolve) => (endReader = resolve));
    let readerHolds = false;
    const reader = app.infrastructure.readModels.transaction().execute(async (trx) => {
      await sql`SELECT count(*) FROM accounts`.execute(trx);
      readerHolds = true;
      await readerEnded;
    });
    await until(() => readerHolds, 'the reader to hold the table', 60_000);
    const rebuilt = runner.rebuild('accounts');
    await until(() => lines.some((line) => line.includes('the swap gave way to readers')), 'the swap to give way', 60_000);
    // meanwhile the live table still answers new readers
    expect((await app.infrastructure.readModels.selectFrom('accounts').select('account_id').execute()).length).toBe(4);
    endReader();
    await reader;
    await rebuilt;
    expect((await app.infrastructure.readModels.selectFrom('accounts').select('account_id').execute()).length).toBe(4);
  });

  it('keeps the grants of the live tables', async () => {
    const role = `swap_reader_${randomBytes(4).toString('hex')}`;
    const db = app.infrastructure.readModels;
    await sql`CREATE ROLE ${sql.id(role)} NOLOGIN`.execute(db);
    try {
      await sql`GRANT SELECT, UPDATE ON accounts TO ${sql.id(role)}`.execute(db);
      await runnerWith([accountsProjection], []).rebuild('accounts');
      const { rows } = await sql<{ select: boolean; update: boolean; insert: boolean }>`
        SELECT has_table_privilege(${role}, 'accounts', 'SELECT') AS select, has_table_privilege(${role}, 'accounts', 'UPDATE') AS update,
               has_table_privilege(${role}, 'accounts', 'INSERT') AS insert`.execute(db);
      expect(rows[0]).toEqual({ select: true, update: true, insert: false });
    } finally {
      await sql`REVOKE ALL ON accounts FROM ${sql.id(role)}`.execute(db);
      await sql`DROP ROLE ${sql.id(role)}`.execute(db);
    }
  });

  it('a live loop stopped by a projection failure runs again after a rebuild swaps past it', async () => {
    const db = app.infrastructure.readModels as unknown as Kysely<{ fragile_accounts: { account_id: string } }>;
    await sql`CREATE TABLE fragile_accounts (account_id uuid PRIMARY KEY)`.execute(db);
    let broken = true;
    const fragile: Projection = {
      name: 'fragile-accounts',
      eventTypes: new Set(['AccountOpened']),
      tables: ['fragile_accounts'],
      async apply(trx, event) {
        if (broken) throw new Error('this code cannot apply AccountOpened');
        const { accountId } = event.data as { accountId: string };
        await (trx as unknown as Transaction<{ fragile_accounts: { account_id: string } }>).insertInto('fragile_accounts').values({ account_id: accountId }).execute();
      },
    };
    const lines: string[] = [];
    const runner = runnerWith([fragile], lines);
    runner.start();
    try {
      await until(async () => (await runner.status())[0]!.status === 'failed', 'the projection to fail', 60_000);
      // the code is fixed, and the read model rebuilt beside the live one
      broken = false;
      await runner.rebuild('fragile-accounts');
      expect((await db.selectFrom('fragile_accounts').select('account_id').execute()).length).toBe(4);
      // the live loop goes on: an account opened now reaches the read model with no restart
      const later = await openAccount('swap-later');
      await until(async () => (await db.selectFrom('fragile_accounts').select('account_id').where('account_id', '=', later).execute()).length === 1, 'the live loop to apply a later event', 60_000);
      expect(lines).toContainEqual(expect.stringContaining('projection "fragile-accounts" runs again'));
    } finally {
      await runner.stop();
    }
  });
});
