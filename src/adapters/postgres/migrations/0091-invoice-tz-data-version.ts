import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // The time-zone database an invoice was issued with; null for invoices issued before it was
  // recorded (their InvoiceIssued events carry none, so a rebuild leaves them null too).
  await db.schema.alterTable('invoices').addColumn('tz_data_version', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('invoices').dropColumn('tz_data_version').execute();
}
