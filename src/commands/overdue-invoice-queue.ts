import { daysOverdue, DUNNING_SUSPENSION_PREFIX, localDate } from '../domain/invoice/dunning-rules.ts';
import { exact } from '../domain/rating/exact-decimal.ts';
import { formatMoney, isCurrency } from '../domain/rating/money.ts';
import type { OverdueInvoiceRow, OverdueInvoicesPage } from '../projections/invoices/overdue-invoice-queries.ts';

export interface OverdueInvoiceQueueDeps {
  accountTimeZones(): Promise<string[]>;
  overdueInvoicesPage(page: OverdueInvoicesPage): Promise<OverdueInvoiceRow[]>;
}

/**
 * How far dunning has got with an invoice: `not_marked` (past due, but no dunning run has
 * recorded it overdue yet), `marked_overdue`, `reminded` (with the latest reminder day), or
 * `account_suspended` (dunning suspended the account; its last step).
 */
export type DunningStep = 'not_marked' | 'marked_overdue' | 'reminded' | 'account_suspended';

export interface OverdueInvoice {
  row: OverdueInvoiceRow;
  /** calendar days after the due date, in the account's zone, at `now`: 1 on the day after */
  daysOverdue: number;
  amountDue: string;
  dunningStep: DunningStep;
}

export function dunningStepOf(row: Pick<OverdueInvoiceRow, 'overdue_at' | 'last_reminder_day' | 'account_status' | 'account_status_reason'>): DunningStep {
  if (row.account_status === 'suspended' && (row.account_status_reason ?? '').startsWith(DUNNING_SUSPENSION_PREFIX)) return 'account_suspended';
  if (row.last_reminder_day !== null) return 'reminded';
  if (row.overdue_at !== null) return 'marked_overdue';
  return 'not_marked';
}

/**
 * The operator's overdue queue at `now` (the service's clock): every issued invoice with
 * something due whose due date has passed in its account's zone, as dunning counts days.
 */
export async function overdueInvoiceQueue(
  deps: OverdueInvoiceQueueDeps,
  now: Date,
  page: { after?: readonly [string, string]; limit: number },
): Promise<OverdueInvoice[]> {
  const zones = await deps.accountTimeZones();
  const todayByZone = new Map(zones.map((zone) => [zone, localDate(now, zone)]));
  const rows = await deps.overdueInvoicesPage({ todayByZone, ...(page.after ? { after: page.after } : {}), limit: page.limit });
  return rows.map((row) => {
    const due = exact(row.total).minus(row.amount_paid ?? '0').minus(row.amount_credited ?? '0');
    return {
      row,
      daysOverdue: daysOverdue(row.due_date, now, row.time_zone),
      amountDue: isCurrency(row.currency) ? formatMoney(due, row.currency) : due.toFixed(),
      dunningStep: dunningStepOf(row),
    };
  });
}
