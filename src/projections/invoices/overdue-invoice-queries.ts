import { sql, type Kysely } from 'kysely';
import type { AccountRow } from '../accounts/accounts-table.ts';
import type { InvoicesTable, InvoiceTables } from './invoice-tables.ts';
import type { AccountTables } from '../accounts/accounts-table.ts';

export type OverdueInvoiceRow = Pick<
  InvoicesTable,
  'invoice_id' | 'account_id' | 'period' | 'status' | 'number' | 'currency' | 'total' | 'amount_paid' | 'amount_credited' | 'overdue_at' | 'last_reminder_day'
> & {
  due_date: string;
  account_slug: AccountRow['slug'];
  account_name: AccountRow['name'];
  account_status: AccountRow['status'];
  account_status_reason: AccountRow['status_reason'];
  time_zone: AccountRow['time_zone'];
};

/** The time zones accounts bill in: whose today an overdue list needs. */
export async function accountTimeZones(db: Kysely<InvoiceTables & AccountTables>): Promise<string[]> {
  const rows = await db.selectFrom('accounts').select('time_zone').distinct().execute();
  return rows.map((row) => row.time_zone);
}

export interface OverdueInvoicesPage {
  /** today's date (YYYY-MM-DD) in each zone accounts are in: an invoice is overdue from the day after its due date there */
  todayByZone: ReadonlyMap<string, string>;
  /** after this `[due date, invoice id]` */
  after?: readonly [string, string];
  limit: number;
}

/**
 * Issued invoices with something still due whose due date has passed in their account's zone
 * (whether or not dunning has marked them yet), oldest due date first, then by invoice id.
 * Today is the caller's, per zone: the service's clock, never the database's.
 */
export function overdueInvoicesPage(db: Kysely<InvoiceTables & AccountTables>, page: OverdueInvoicesPage): Promise<OverdueInvoiceRow[]> {
  const zones = [...page.todayByZone.keys()];
  const todays = zones.map((zone) => page.todayByZone.get(zone)!);
  let q = db
    .selectFrom('invoices as i')
    .innerJoin('accounts as a', 'a.account_id', 'i.account_id')
    .select([
      'i.invoice_id',
      'i.account_id',
      'i.period',
      'i.status',
      'i.number',
      'i.currency',
      'i.total',
      'i.amount_paid',
      'i.amount_credited',
      'i.overdue_at',
      'i.last_reminder_day',
      sql<string>`i.due_date`.as('due_date'),
      'a.slug as account_slug',
      'a.name as account_name',
      'a.status as account_status',
      'a.status_reason as account_status_reason',
      'a.time_zone',
    ])
    .where('i.status', 'in', ['issued', 'overdue'])
    .where('i.due_date', 'is not', null)
    .where(sql<boolean>`i.total - i.amount_paid - i.amount_credited > 0`)
    .where(
      sql<boolean>`i.due_date < (SELECT z.today FROM unnest(${zones}::text[], ${todays}::text[]) AS z(zone, today) WHERE z.zone = a.time_zone)`,
    );
  const { after } = page;
  if (after) q = q.where(sql<boolean>`(i.due_date, i.invoice_id) > (${after[0]}, ${after[1]})`);
  return q.orderBy('i.due_date').orderBy('i.invoice_id').limit(page.limit).execute() as Promise<OverdueInvoiceRow[]>;
}
