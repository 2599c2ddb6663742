import { sql, type Kysely } from 'kysely';

/**
 * Invoices learn settlement: amounts paid and credited (due = total − paid − credited), and
 * the statuses paid, overdue and void. A voided invoice stays beside its replacement, so
 * "one invoice per account and period" now holds for invoices that are not void.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('invoices')
    .addColumn('amount_paid', 'numeric', (c) => c.notNull().defaultTo(0))
    .addColumn('amount_credited', 'numeric', (c) => c.notNull().defaultTo(0))
    .addColumn('paid_at', 'timestamptz')
    .addColumn('overdue_at', 'timestamptz')
    .addColumn('last_reminder_day', 'integer')
    .addColumn('voided_at', 'timestamptz')
    .addColumn('void_reason', 'text')
    .execute();
  await db.schema.dropIndex('invoices_account_period_idx').execute();
  await sql`create unique index invoices_account_period_idx on invoices (account_id, period) where status <> 'void'`.execute(db);
  await db.schema.createIndex('invoices_open_idx').on('invoices').columns(['status', 'due_date']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('invoices_open_idx').execute();
  await db.schema.dropIndex('invoices_account_period_idx').execute();
  await db.schema.createIndex('invoices_account_period_idx').on('invoices').columns(['account_id', 'period']).unique().execute();
  await db.schema
    .alterTable('invoices')
    .dropColumn('amount_paid')
    .dropColumn('amount_credited')
    .dropColumn('paid_at')
    .dropColumn('overdue_at')
    .dropColumn('last_reminder_day')
    .dropColumn('voided_at')
    .dropColumn('void_reason')
    .execute();
}
