import type { Kysely } from 'kysely';
import type { Locale } from '../../domain/account/account-locale.ts';
import type { InvoicesTable, InvoiceStatus, InvoiceTables } from './invoice-tables.ts';
import type { AccountTables } from '../accounts/accounts-table.ts';

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
export function accountInvoicesPage(db: Kysely<InvoiceTables>, accountId: string, page: AccountInvoicesPage): Promise<InvoiceSummaryRow[]> {
  return accountInvoicesQuery(db, accountId, page).execute();
}

/** The query behind accountInvoicesPage, unexecuted: its plan is tested to read an index, not the table. */
export function accountInvoicesQuery(db: Kysely<InvoiceTables>, accountId: string, page: AccountInvoicesPage) {
  let q = db.selectFrom('invoices').select(INVOICE_SUMMARY_COLUMNS).where('account_id', '=', accountId);
  if (page.status) q = q.where('status', '=', page.status);
  if (page.beforePeriod) q = q.where('period', '<', page.beforePeriod);
  return q.orderBy('period', 'desc').limit(page.limit);
}

/** The invoice only if it is this account's: another account's is as absent as one that never existed. */
export function findAccountInvoice(db: Kysely<InvoiceTables>, accountId: string, invoiceId: string): Promise<InvoicesTable | undefined> {
  return db.selectFrom('invoices').selectAll().where('invoice_id', '=', invoiceId).where('account_id', '=', accountId).executeTakeFirst();
}

/** Where an invoice lives, whoever's it is: its account and period name its stream. */
export function locateInvoice(
  db: Kysely<InvoiceTables>,
  invoiceId: string,
): Promise<Pick<InvoicesTable, 'invoice_id' | 'account_id' | 'period' | 'status' | 'currency' | 'number'> | undefined> {
  return db.selectFrom('invoices').select(['invoice_id', 'account_id', 'period', 'status', 'currency', 'number']).where('invoice_id', '=', invoiceId).executeTakeFirst();
}

/** Where the invoice issued with this number lives (a voided one too: numbers are never reused). */
export function locateInvoiceByNumber(db: Kysely<InvoiceTables>, number: string): Promise<Pick<InvoicesTable, 'invoice_id' | 'account_id' | 'period'> | undefined> {
  return db.selectFrom('invoices').select(['account_id', 'period', 'invoice_id']).where('number', '=', number).executeTakeFirst();
}

/** How a void invoice was voided, as the read model has it. */
export function voidedInvoice(db: Kysely<InvoiceTables>, invoiceId: string): Promise<Pick<InvoicesTable, 'number' | 'void_reason' | 'voided_at' | 'credit_applied'> | undefined> {
  return db.selectFrom('invoices').select(['number', 'void_reason', 'voided_at', 'credit_applied']).where('invoice_id', '=', invoiceId).executeTakeFirst();
}

export type OpenInvoiceRow = Pick<InvoicesTable, 'invoice_id' | 'account_id' | 'period' | 'number' | 'due_date' | 'total' | 'amount_paid' | 'amount_credited' | 'overdue_at' | 'last_reminder_day'>;

/** Every issued invoice not yet paid or void (issued or overdue), of every account: what dunning looks at. */
export function openInvoices(db: Kysely<InvoiceTables>): Promise<OpenInvoiceRow[]> {
  return db
    .selectFrom('invoices')
    .select(['invoice_id', 'account_id', 'period', 'number', 'due_date', 'total', 'amount_paid', 'amount_credited', 'overdue_at', 'last_reminder_day'])
    .where('status', 'in', ['issued', 'overdue'])
    .execute();
}

/** A voided invoice and the invoice issued in its place, as each names the other. */
export interface InvoiceLinks {
  replaces: { invoice_id: string; number: string | null; void_reason: string | null; voided_at: Date | string | null } | null;
  replacedBy: { invoice_id: string; number: string | null } | null;
}

/** The account's invoice (as `findAccountInvoice`), with the invoices it replaces and is replaced by. */
export async function findAccountInvoiceWithLinks(db: Kysely<InvoiceTables>, accountId: string, invoiceId: string): Promise<(InvoicesTable & InvoiceLinks) | undefined> {
  const row = await findAccountInvoice(db, accountId, invoiceId);
  if (!row) return undefined;
  const linked = [row.replaces_invoice_id, row.replaced_by_invoice_id].filter((id): id is string => typeof id === 'string');
  const others =
    linked.length === 0
      ? []
      : await db.selectFrom('invoices').select(['invoice_id', 'number', 'void_reason', 'voided_at']).where('invoice_id', 'in', linked).where('account_id', '=', accountId).execute();
  const other = (id: string | null | undefined) => others.find((o) => o.invoice_id === id) ?? null;
  const replaced = other(row.replaces_invoice_id);
  const replacing = other(row.replaced_by_invoice_id);
  return { ...row, replaces: replaced, replacedBy: replacing && { invoice_id: replacing.invoice_id, number: replacing.number } };
}

/** Any account's invoice by id, with its links and its account's language and zone: what exporting it needs. */
export async function findInvoiceForExport(
  db: Kysely<InvoiceTables & AccountTables>,
  invoiceId: string,
): Promise<{ invoice: InvoicesTable & InvoiceLinks; locale: Locale; timeZone: string } | undefined> {
  const owner = await db.selectFrom('invoices').innerJoin('accounts', 'accounts.account_id', 'invoices.account_id').select(['accounts.account_id', 'accounts.locale', 'accounts.time_zone']).where('invoices.invoice_id', '=', invoiceId).executeTakeFirst();
  if (!owner) return undefined;
  const invoice = await findAccountInvoiceWithLinks(db, owner.account_id, invoiceId);
  return invoice && { invoice, locale: owner.locale, timeZone: owner.time_zone };
}
