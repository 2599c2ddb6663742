import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // The billing profile's address; null until one is given (and for accounts opened before addresses existed).
  await db.schema.alterTable('accounts').addColumn('address', 'jsonb').execute();
  // Who an issued invoice names (customer, issuer), each line's tax and the service period, as
  // recorded at issue; null for drafts and for invoices issued before they were recorded.
  await db.schema.alterTable('invoices').addColumn('legal', 'jsonb').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('invoices').dropColumn('legal').execute();
  await db.schema.alterTable('accounts').dropColumn('address').execute();
}
