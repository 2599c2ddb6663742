import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // A voided invoice and the one issued in its place name each other (the projection's version 2 fills both for older history).
  await db.schema
    .alterTable('invoices')
    .addColumn('replaces_invoice_id', 'text')
    .addColumn('replaced_by_invoice_id', 'text')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('invoices').dropColumn('replaces_invoice_id').dropColumn('replaced_by_invoice_id').execute();
}
