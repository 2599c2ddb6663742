import type { Kysely } from 'kysely';
import type { ReadModelDatabase } from '../read-model-database.ts';
import type { InvoicesTable, InvoiceStatus } from './invoice-tables.ts';

/** The columns a summary shows: a list has no use for each invoice's lines. */
export const INVOICE_SUMMARY_COLUMNS = [
  'invoice_id',
  'period',
  'status',
  'number',
  'currency',
  'subtotal',
  'tax',
  'credit_applied',
  'total',
  'issue_date',
  'due_date',
  'drafted_at',
  'issued_at',
] as const satisfies readonly (keyof InvoicesTable)[];

export type InvoiceSummaryRow = Pick<InvoicesTable, (typeof INVOICE_SUMMARY_COLUMNS)[number]>;

export interface AccountInvoicesPage {
  status?: InvoiceStatus;
  /** before this period, newest period first */
  beforePeriod?: string;
  limit: number;
}

/** A page of the account's invoices (summaries, without lines), newest period first. */
export function accountInvoicesPage(db: Kysely<ReadModelDatabase>, accountId: string, page: AccountInvoicesPage): Promise<InvoiceSummaryRow[]> {
  let q = db.selectFrom('invoices').select(INVOICE_SUMMARY_COLUMNS).where('account_id', '=', accountId);
  if (page.status) q = q.where('status', '=', page.status);
  if (page.beforePeriod) q = q.where('period', '<', page.beforePeriod);
  return q.orderBy('period', 'desc').limit(page.limit).execute();
}

/** The invoice only if it is this account's: another account's is as absent as one that never existed. */
export function findAccountInvoice(db: Kysely<ReadModelDatabase>, accountId: string, invoiceId: string): Promise<InvoicesTable | undefined> {
  return db.selectFrom('invoices').selectAll().where('invoice_id', '=', invoiceId).where('account_id', '=', accountId).executeTakeFirst();
}

/** Where an invoice lives, whoever's it is: its account and period name its stream. */
export function locateInvoice(
  db: Kysely<ReadModelDatabase>,
  invoiceId: string,
): Promise<Pick<InvoicesTable, 'invoice_id' | 'account_id' | 'period' | 'status' | 'currency' | 'number'> | undefined> {
  return db.selectFrom('invoices').select(['invoice_id', 'account_id', 'period', 'status', 'currency', 'number']).where('invoice_id', '=', invoiceId).executeTakeFirst();
}

/** How a void invoice was voided, as the read model has it. */
export function voidedInvoice(db: Kysely<ReadModelDatabase>, invoiceId: string): Promise<Pick<InvoicesTable, 'number' | 'void_reason' | 'voided_at' | 'credit_applied'> | undefined> {
  return db.selectFrom('invoices').select(['number', 'void_reason', 'voided_at', 'credit_applied']).where('invoice_id', '=', invoiceId).executeTakeFirst();
}

export type OpenInvoiceRow = Pick<InvoicesTable, 'invoice_id' | 'account_id' | 'period' | 'number' | 'due_date' | 'total' | 'amount_paid' | 'amount_credited' | 'overdue_at' | 'last_reminder_day'>;

/** Every issued invoice not yet paid or void (issued or overdue), of every account: what dunning looks at. */
export function openInvoices(db: Kysely<ReadModelDatabase>): Promise<OpenInvoiceRow[]> {
  return db
    .selectFrom('invoices')
    .select(['invoice_id', 'account_id', 'period', 'number', 'due_date', 'total', 'amount_paid', 'amount_credited', 'overdue_at', 'last_reminder_day'])
    .where('status', 'in', ['issued', 'overdue'])
    .execute();
}
