import type { Kysely } from 'kysely';
import { NotFoundError } from '../../domain/errors.ts';
import { ZERO, exact } from '../../domain/rating/exact-decimal.ts';
import { formatMoney, isCurrency, type Currency } from '../../domain/rating/money.ts';
import type { CreditNotesTable, PaymentsTable, PaymentTables } from './payment-tables.ts';
import type { AccountTables } from '../accounts/accounts-table.ts';
import type { InvoiceTables } from '../invoices/invoice-tables.ts';

export interface AccountBalance {
  accountId: string;
  currency: string;
  /** issued invoices with something still due, oldest period first */
  openInvoices: {
    invoiceId: string;
    number: string;
    period: string;
    status: 'issued' | 'overdue';
    dueDate: string;
    total: string;
    amountPaid: string;
    amountCredited: string;
    amountDue: string;
  }[];
  /** Σ the open invoices' amounts due */
  amountDue: string;
  /** account credit (overpayments, credit notes on paid invoices) waiting for the next invoice */
  creditAvailable: string;
}

/** What the account owes now and what credit it has, from the invoices and account-balances read models. */
export async function accountBalance(readModels: Kysely<PaymentTables & AccountTables & InvoiceTables>, accountId: string): Promise<AccountBalance> {
  const db = readModels;
  const account = await db.selectFrom('accounts').select(['currency']).where('account_id', '=', accountId).executeTakeFirst();
  if (!account) throw new NotFoundError('account_not_found', `account ${accountId} does not exist`);
  const currency = (isCurrency(account.currency) ? account.currency : 'BRL') as Currency;
  const rows = await db
    .selectFrom('invoices')
    .select(['invoice_id', 'number', 'period', 'status', 'due_date', 'total', 'amount_paid', 'amount_credited'])
    .where('account_id', '=', accountId)
    .where('status', 'in', ['issued', 'overdue'])
    .orderBy('period')
    .execute();
  const balance = await db.selectFrom('account_balances').select(['credit_available']).where('account_id', '=', accountId).executeTakeFirst();

  const money = (value: string | null | undefined) => formatMoney(exact(value ?? '0'), currency);
  const openInvoices = rows
    .map((row) => {
      const due = exact(row.total).minus(row.amount_paid ?? '0').minus(row.amount_credited ?? '0');
      return {
        invoiceId: row.invoice_id,
        number: row.number ?? '',
        period: row.period,
        status: row.status as 'issued' | 'overdue',
        dueDate: row.due_date ?? '',
        total: money(row.total),
        amountPaid: money(row.amount_paid),
        amountCredited: money(row.amount_credited),
        amountDue: formatMoney(due, currency),
      };
    })
    .filter((invoice) => exact(invoice.amountDue).gt(0));
  return {
    accountId,
    currency,
    openInvoices,
    amountDue: formatMoney(openInvoices.reduce((sum, i) => sum.plus(i.amountDue), ZERO), currency),
    creditAvailable: money(balance?.credit_available),
  };
}

export interface PaymentsPage {
  invoiceId?: string | undefined;
  method?: string | undefined;
  externalRef?: string | undefined;
  /** received at or after (inclusive) */
  receivedFrom?: string | undefined;
  /** received before (exclusive) */
  receivedTo?: string | undefined;
  /** after this (recorded_at, payment_id), newest recorded first */
  after?: readonly [Date, string] | undefined;
  limit: number;
}

/** A page of an account's payments, newest recorded first: keyset on (recorded_at, payment_id), the payments_account_idx order. */
export function accountPaymentsPage(readModels: Kysely<PaymentTables>, accountId: string, page: PaymentsPage): Promise<PaymentsTable[]> {
  const db = readModels;
  const { after } = page;
  let q = db.selectFrom('payments').selectAll().where('account_id', '=', accountId);
  if (page.invoiceId) q = q.where('invoice_id', '=', page.invoiceId);
  if (page.method) q = q.where('method', '=', page.method);
  if (page.externalRef) q = q.where('external_ref', '=', page.externalRef);
  if (page.receivedFrom) q = q.where('received_at', '>=', page.receivedFrom);
  if (page.receivedTo) q = q.where('received_at', '<', page.receivedTo);
  if (after) q = q.where((eb) => eb(eb.refTuple('recorded_at', 'payment_id'), '<', eb.tuple(after[0], after[1])));
  return q.orderBy('recorded_at', 'desc').orderBy('payment_id', 'desc').limit(page.limit).execute();
}

export interface CreditNotesPage {
  invoiceId?: string | undefined;
  /** issued at or after (inclusive) */
  issuedFrom?: string | undefined;
  /** issued before (exclusive) */
  issuedTo?: string | undefined;
  /** after this (issued_at, credit_note_id), newest first */
  after?: readonly [Date, string] | undefined;
  limit: number;
}

/** A page of an account's credit notes, newest first: keyset on (issued_at, credit_note_id), the credit_notes_account_idx order. */
export function accountCreditNotesPage(readModels: Kysely<PaymentTables>, accountId: string, page: CreditNotesPage): Promise<CreditNotesTable[]> {
  const db = readModels;
  const { after } = page;
  let q = db.selectFrom('credit_notes').selectAll().where('account_id', '=', accountId);
  if (page.invoiceId) q = q.where('invoice_id', '=', page.invoiceId);
  if (page.issuedFrom) q = q.where('issued_at', '>=', page.issuedFrom);
  if (page.issuedTo) q = q.where('issued_at', '<', page.issuedTo);
  if (after) q = q.where((eb) => eb(eb.refTuple('issued_at', 'credit_note_id'), '<', eb.tuple(after[0], after[1])));
  return q.orderBy('issued_at', 'desc').orderBy('credit_note_id', 'desc').limit(page.limit).execute();
}
