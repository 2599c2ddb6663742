import { sql, type Kysely } from 'kysely';
import { INVOICE_SUMMARY_COLUMNS, type InvoiceSummaryRow } from './invoice-queries.ts';
import type { InvoicesTable, InvoiceStatus, InvoiceTables } from './invoice-tables.ts';

/** Where a draft (no due date yet) sorts: after every real due date. */
export const NO_DUE_DATE = '9999-12-31';

/** The sort key of the invoice finder: `[rank, due date or NO_DUE_DATE, invoice id]`, rank 0 for overdue, 1 for the rest. */
export type InvoiceFinderKey = readonly [rank: number, due: string, invoiceId: string];

export interface InvoiceFinder {
  /** one account's only (an account's token sees no other); absent: every account's */
  accountId?: string;
  number?: string;
  status?: InvoiceStatus;
  period?: string;
  /** due on or after this date (YYYY-MM-DD); drafts have no due date and are left out */
  dueFrom?: string;
  /** due before this date */
  dueTo?: string;
  after?: InvoiceFinderKey;
  limit: number;
}

export type InvoiceFinderRow = InvoiceSummaryRow & Pick<InvoicesTable, 'account_id' | 'amount_paid' | 'amount_credited'>;

const rank = sql<number>`(CASE WHEN status = 'overdue' THEN 0 ELSE 1 END)`;
const due = sql<string>`(coalesce(due_date, ${sql.lit(NO_DUE_DATE)}))`;

/**
 * A page of invoices, any account's, in one fixed order: overdue ones first, then the rest;
 * within each, by due date (oldest first; drafts, which have none yet, last), then by invoice
 * id, which is unique, so every invoice has one place and a page boundary never splits a tie.
 */
export function findInvoicesPage(db: Kysely<InvoiceTables>, finder: InvoiceFinder): Promise<InvoiceFinderRow[]> {
  let q = db.selectFrom('invoices').select([...INVOICE_SUMMARY_COLUMNS, 'account_id', 'amount_paid', 'amount_credited']);
  if (finder.accountId !== undefined) q = q.where('account_id', '=', finder.accountId);
  if (finder.number !== undefined) q = q.where('number', '=', finder.number);
  if (finder.status !== undefined) q = q.where('status', '=', finder.status);
  if (finder.period !== undefined) q = q.where('period', '=', finder.period);
  if (finder.dueFrom !== undefined) q = q.where('due_date', '>=', finder.dueFrom);
  if (finder.dueTo !== undefined) q = q.where('due_date', '<', finder.dueTo);
  const { after } = finder;
  if (after) q = q.where(sql<boolean>`(${rank}, ${due}, invoice_id) > (${after[0]}, ${after[1]}, ${after[2]})`);
  return q.orderBy(rank).orderBy(due).orderBy('invoice_id').limit(finder.limit).execute();
}

/** The finder's sort key of a row. */
export const invoiceFinderKey = (row: Pick<InvoicesTable, 'status' | 'due_date' | 'invoice_id'>): InvoiceFinderKey => [
  row.status === 'overdue' ? 0 : 1,
  row.due_date ?? NO_DUE_DATE,
  row.invoice_id,
];
