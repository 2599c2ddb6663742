import type { Kysely } from 'kysely';

/** Payments, credit notes and account balances (credit available). Amounts are numeric, never float. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('payments')
    .addColumn('payment_id', 'text', (c) => c.primaryKey())
    .addColumn('invoice_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('invoice_number', 'text', (c) => c.notNull())
    .addColumn('external_ref', 'text', (c) => c.notNull().unique())
    .addColumn('amount', 'numeric', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('applied_amount', 'numeric', (c) => c.notNull())
    .addColumn('excess_amount', 'numeric', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull())
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('payments_account_idx').on('payments').columns(['account_id', 'recorded_at', 'payment_id']).execute();
  await db.schema.createIndex('payments_invoice_idx').on('payments').column('invoice_id').execute();

  await db.schema
    .createTable('credit_notes')
    .addColumn('credit_note_id', 'text', (c) => c.primaryKey())
    .addColumn('invoice_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('invoice_number', 'text', (c) => c.notNull())
    .addColumn('amount', 'numeric', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('applied_amount', 'numeric', (c) => c.notNull())
    .addColumn('excess_amount', 'numeric', (c) => c.notNull())
    .addColumn('issued_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('credit_notes_account_idx').on('credit_notes').columns(['account_id', 'issued_at', 'credit_note_id']).execute();
  await db.schema.createIndex('credit_notes_invoice_idx').on('credit_notes').column('invoice_id').execute();

  await db.schema
    .createTable('account_balances')
    .addColumn('account_id', 'text', (c) => c.primaryKey())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('credited', 'numeric', (c) => c.notNull())
    .addColumn('applied', 'numeric', (c) => c.notNull())
    .addColumn('credit_available', 'numeric', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('account_balances').execute();
  await db.schema.dropTable('credit_notes').execute();
  await db.schema.dropTable('payments').execute();
}
