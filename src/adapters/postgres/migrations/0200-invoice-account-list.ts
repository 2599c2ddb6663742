import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // An account's invoice list reads every status, void included; the only index led by account_id
  // is partial (status <> 'void'), so the list scanned the whole table: 0.7 ms of PostgreSQL per
  // request at 1,000 invoices, growing with every month billed. The partial unique index stays:
  // it is the one-invoice-a-period rule, not a path for reads.
  await sql`create index invoices_account_list_idx on invoices (account_id, period)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('invoices_account_list_idx').execute();
}
