import { sql, type Kysely } from 'kysely';
import type { CreditMovementsTable, PaymentsTable, PaymentTables } from './payment-tables.ts';
import type { AccountTables } from '../accounts/accounts-table.ts';

/** Where a payment was recorded: its invoice, account and period. */
export function locatePayment(readModels: Kysely<PaymentTables>, paymentId: string): Promise<Pick<PaymentsTable, 'payment_id' | 'invoice_id' | 'account_id' | 'period'> | undefined> {
  return readModels.selectFrom('payments').select(['payment_id', 'invoice_id', 'account_id', 'period']).where('payment_id', '=', paymentId).executeTakeFirst();
}

/** The account's currency; undefined when there is no such account. */
export async function accountCurrency(readModels: Kysely<PaymentTables & AccountTables>, accountId: string): Promise<string | undefined> {
  return (await readModels.selectFrom('accounts').select('currency').where('account_id', '=', accountId).executeTakeFirst())?.currency;
}

export interface CreditMovementsPage {
  /** after this credit-stream revision, oldest first */
  afterSequence?: string | undefined;
  limit: number;
}

/** A page of the account's credit movements, in the order they happened (the credit stream's). */
export function accountCreditMovementsPage(readModels: Kysely<PaymentTables>, accountId: string, page: CreditMovementsPage): Promise<CreditMovementsTable[]> {
  let q = readModels.selectFrom('credit_movements').selectAll().where('account_id', '=', accountId);
  if (page.afterSequence !== undefined) q = q.where('sequence', '>', page.afterSequence);
  return q.orderBy('sequence', 'asc').limit(page.limit).execute();
}

/** The account's credit movements that happened in `[from, to)`, oldest first, and the balance before the first. */
export async function creditMovementsBetween(readModels: Kysely<PaymentTables>, accountId: string, from: string, to: string) {
  // A sum, not the last row's balance: it holds even if two movements' instants ran out of order.
  const before = await readModels
    .selectFrom('credit_movements')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<string>('amount'), sql<string>`0`).as('total'))
    .where('account_id', '=', accountId)
    .where('occurred_at', '<', from)
    .executeTakeFirstOrThrow();
  const rows = await readModels
    .selectFrom('credit_movements')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('occurred_at', '>=', from)
    .where('occurred_at', '<', to)
    .orderBy('sequence', 'asc')
    .execute();
  return { openingBalance: String(before.total), rows };
}
