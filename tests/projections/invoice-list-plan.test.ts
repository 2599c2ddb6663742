import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKysely, createPool } from '../../src/adapters/postgres/database.ts';
import { migrateReadModels } from '../../src/adapters/postgres/migrate.ts';
import { accountInvoicesQuery, type AccountInvoicesPage } from '../../src/projections/invoices/invoice-queries.ts';
import type { ReadModelDatabase } from '../../src/projections/read-model-database.ts';
import { createTestDatabase } from '../support/database.ts';

/**
 * The portal's invoice list reads the account's rows through an index, whatever statuses it
 * asks for. Planned with sequential scans disabled, a query no index serves still scans (or
 * walks an index not led by account_id, filtering every row): the plan must instead hold an
 * index condition on account_id. Without such an index the list cost grows with every invoice
 * of every account (a whole-table scan per request).
 */
let db: Kysely<ReadModelDatabase>;

beforeAll(async () => {
  db = createKysely<ReadModelDatabase>(createPool(await createTestDatabase('invoicelist')));
  await migrateReadModels(db);
});
afterAll(async () => {
  await db.destroy();
});

async function planOf(page: AccountInvoicesPage): Promise<string> {
  return db.connection().execute(async (connection) => {
    await sql`set enable_seqscan = off`.execute(connection);
    try {
      const rows = await accountInvoicesQuery(connection, '7d1f0c8e-1b7a-4a7e-9a57-0f3e6f1d2c11', page).explain();
      return rows.map((row) => String(Object.values(row)[0])).join('\n');
    } finally {
      await sql`reset enable_seqscan`.execute(connection);
    }
  });
}

describe('the account invoice list query', () => {
  it.each<[string, AccountInvoicesPage]>([
    ['every status', { limit: 50 }],
    ['void invoices only', { status: 'void', limit: 50 }],
    ['issued invoices before a period', { status: 'issued', beforePeriod: '2026-06', limit: 10 }],
    ['every status before a period', { beforePeriod: '2026-06', limit: 10 }],
  ])('reads an index on account_id for %s', async (_name, page) => {
    const plan = await planOf(page);
    expect(plan).toMatch(/Index Cond: \(.*account_id = /);
    expect(plan).not.toMatch(/Seq Scan/);
  });
});
