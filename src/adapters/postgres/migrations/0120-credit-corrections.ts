import { sql, type Kysely } from 'kysely';

/**
 * Corrections by new events (issue 14): payments can be reversed, credit refunded, and every
 * change of an account's credit is listed with its cause and running balance.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('payments').addColumn('reversed_at', 'timestamptz').addColumn('reversal_reason', 'text').execute();
  await db.schema.alterTable('account_balances').addColumn('paid_out', 'numeric', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema
    .createTable('credit_movements')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('sequence', 'bigint', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('amount', 'numeric', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('balance_after', 'numeric', (c) => c.notNull())
    .addColumn('cause', 'jsonb', (c) => c.notNull())
    .addColumn('occurred_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('credit_movements_pk', ['account_id', 'sequence'])
    .execute();
  await sql`create index credit_movements_account_time_idx on credit_movements (account_id, occurred_at, sequence)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('credit_movements').execute();
  await db.schema.alterTable('account_balances').dropColumn('paid_out').execute();
  await db.schema.alterTable('payments').dropColumn('reversed_at').dropColumn('reversal_reason').execute();
}
