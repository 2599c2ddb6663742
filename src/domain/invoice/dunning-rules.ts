import { IllegalStateError } from '../errors.ts';
import { exact } from '../rating/exact-decimal.ts';
import type { InvoiceSettlementEvent } from './invoice-events.ts';
import type { IssuedView } from './payment-settlement.ts';
import { dateTimeFormatPerZone } from '../shared/intl-formats.ts';

/**
 * Dunning, day by day. Days are calendar days in the account's time zone: an invoice due
 * on 2026-07-10 is overdue from the end of that day (local midnight starting 2026-07-11),
 * which is day 1 after the due date. Pure: `now` and the configuration are given.
 *
 * - day ≥ 1, something still due: the invoice becomes overdue (`InvoiceOverdue`, once);
 * - reminders on the configured days (1, 7, 14): each recorded once (`PaymentReminderDue`).
 *   A run that missed a reminder day records only the latest one reached, never an older
 *   one after a newer one: the customer gets one reminder, not a burst;
 * - day ≥ `suspendAfterDays` (30) on any of its invoices: the account is suspended;
 * - an account dunning suspended is reactivated once none of its invoices is overdue with
 *   something still due (paid, settled by credit notes, or voided). An account an operator
 *   suspended for another reason is left alone.
 */
export interface DunningConfig {
  reminderDays: readonly number[];
  suspendAfterDays: number;
}

export const DEFAULT_DUNNING_CONFIG: DunningConfig = Object.freeze({ reminderDays: Object.freeze([1, 7, 14]), suspendAfterDays: 30 });

/** The reason dunning gives when it suspends an account; how it knows a suspension is its own. */
export const DUNNING_SUSPENSION_PREFIX = 'dunning:';
/** Why dunning lifts its own suspension, as the account is told. */
export const DUNNING_REACTIVATION_REASON = 'dunning: nothing is overdue any more';

export interface DunningInvoice {
  invoiceId: string;
  accountId: string;
  period: string;
  number: string;
  /** YYYY-MM-DD in the account's zone */
  dueDate: string;
  timeZone: string;
  amountDue: string;
  /** `InvoiceOverdue` already recorded */
  overdue: boolean;
  /** reminder days already recorded */
  reminderDays: readonly number[];
}

export interface DunningAccount {
  accountId: string;
  status: 'active' | 'suspended' | 'closed';
  /** suspended, by dunning (its reason starts with `dunning:`) */
  suspendedByDunning: boolean;
}

export type DunningAction =
  | { type: 'mark_overdue'; accountId: string; period: string; invoiceId: string; number: string; daysOverdue: number; asOfDate: string }
  | { type: 'remind'; accountId: string; period: string; invoiceId: string; number: string; day: number; asOfDate: string }
  | { type: 'suspend'; accountId: string; daysOverdue: number; invoiceNumbers: string[] }
  | { type: 'reactivate'; accountId: string };

/** en-CA writes a date as YYYY-MM-DD. */
const dayFormat = dateTimeFormatPerZone('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit' });

/** `YYYY-MM-DD` of an instant in an IANA time zone. */
export function localDate(instant: Date, timeZone: string): string {
  const formatter = dayFormat(timeZone);
  const parts = formatter.formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** Whole calendar days from `from` to `to` (both YYYY-MM-DD): 2026-07-10 → 2026-07-11 is 1. */
export function daysBetween(from: string, to: string): number {
  const utc = (date: string) => {
    const [y, m, d] = date.split('-').map(Number) as [number, number, number];
    return Date.UTC(y, m - 1, d);
  };
  return Math.round((utc(to) - utc(from)) / 86_400_000);
}

/** Days after the due date, in the account's zone, at `now`: 0 on the due date itself, negative before. */
export function daysOverdue(dueDate: string, now: Date, timeZone: string): number {
  return daysBetween(dueDate, localDate(now, timeZone));
}

/**
 * What dunning should do at `now`, given the issued invoices with something still due
 * (paid and voided ones need not be listed) and the accounts concerned. Everything it
 * returns is idempotent where it is carried out, so a second run on the same day records
 * nothing more.
 */
export function dunningActions(invoices: readonly DunningInvoice[], now: Date, config: DunningConfig = DEFAULT_DUNNING_CONFIG, accounts: readonly DunningAccount[] = []): DunningAction[] {
  const actions: DunningAction[] = [];
  const byAccount = new Map(accounts.map((a) => [a.accountId, a]));
  const overdueByAccount = new Map<string, { days: number; numbers: string[] }>();
  const reminderDays = [...config.reminderDays].sort((a, b) => a - b);

  const sorted = [...invoices].sort((a, b) => (a.accountId === b.accountId ? (a.period < b.period ? -1 : a.period > b.period ? 1 : 0) : a.accountId < b.accountId ? -1 : 1));
  for (const invoice of sorted) {
    if (exact(invoice.amountDue).lte(0)) continue;
    const asOfDate = localDate(now, invoice.timeZone);
    const days = daysBetween(invoice.dueDate, asOfDate);
    if (days < 1) continue;
    const base = { accountId: invoice.accountId, period: invoice.period, invoiceId: invoice.invoiceId, number: invoice.number, asOfDate };
    if (!invoice.overdue) actions.push({ type: 'mark_overdue', ...base, daysOverdue: days });
    const reached = reminderDays.filter((d) => d <= days).pop();
    const latestRecorded = Math.max(0, ...invoice.reminderDays);
    if (reached !== undefined && reached > latestRecorded) actions.push({ type: 'remind', ...base, day: reached });
    const seen = overdueByAccount.get(invoice.accountId) ?? { days: 0, numbers: [] };
    seen.days = Math.max(seen.days, days);
    if (days >= config.suspendAfterDays) seen.numbers.push(invoice.number);
    overdueByAccount.set(invoice.accountId, seen);
  }

  for (const [accountId, overdue] of [...overdueByAccount.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const account = byAccount.get(accountId);
    if (overdue.numbers.length === 0 || account?.status === 'closed' || account?.status === 'suspended') continue;
    actions.push({ type: 'suspend', accountId, daysOverdue: overdue.days, invoiceNumbers: overdue.numbers });
  }
  for (const account of [...accounts].sort((a, b) => (a.accountId < b.accountId ? -1 : 1))) {
    if (account.status === 'suspended' && account.suspendedByDunning && !overdueByAccount.has(account.accountId)) {
      actions.push({ type: 'reactivate', accountId: account.accountId });
    }
  }
  return actions;
}

export const dunningSuspensionReason = (invoiceNumbers: readonly string[], days: number) =>
  `${DUNNING_SUSPENSION_PREFIX} ${invoiceNumbers.join(', ')} overdue ${days} days`;

export type MarkInvoiceOverdue = {
  type: 'MarkInvoiceOverdue';
  data: { accountId: string; period: string; invoiceId: string; /** today in the account's zone */ asOfDate: string; overdueAt: string };
};
export type RecordPaymentReminder = {
  type: 'RecordPaymentReminder';
  data: { accountId: string; period: string; invoiceId: string; day: number; asOfDate: string; remindedAt: string };
};

/** Once; nothing when the invoice was paid (or settled) in the meantime. */
export function decideMarkOverdue(command: MarkInvoiceOverdue, invoice: IssuedView): InvoiceSettlementEvent[] {
  const { issued, settlement } = invoice;
  if (settlement.overdueAt !== null || exact(settlement.amountDue).lte(0)) return [];
  if (daysBetween(issued.dueDate, command.data.asOfDate) < 1) {
    throw new IllegalStateError('invoice_not_overdue', `invoice ${issued.number} is due ${issued.dueDate}; it is not overdue on ${command.data.asOfDate}`);
  }
  return [
    {
      type: 'InvoiceOverdue',
      data: {
        accountId: issued.accountId,
        period: issued.period,
        invoiceId: issued.invoiceId,
        number: issued.number,
        dueDate: issued.dueDate,
        amountDue: settlement.amountDue,
        currency: issued.currency,
        overdueAt: command.data.overdueAt,
      },
    },
  ];
}

/** Each reminder day once, in order; nothing once paid. */
export function decideReminder(command: RecordPaymentReminder, invoice: IssuedView): InvoiceSettlementEvent[] {
  const { issued, settlement } = invoice;
  const { day } = command.data;
  if (exact(settlement.amountDue).lte(0) || settlement.reminderDays.some((d) => d >= day)) return [];
  if (!Number.isInteger(day) || day < 1 || daysBetween(issued.dueDate, command.data.asOfDate) < day) {
    throw new IllegalStateError('reminder_not_due', `invoice ${issued.number} (due ${issued.dueDate}) has no day-${day} reminder due on ${command.data.asOfDate}`);
  }
  return [
    {
      type: 'PaymentReminderDue',
      data: {
        accountId: issued.accountId,
        period: issued.period,
        invoiceId: issued.invoiceId,
        number: issued.number,
        dueDate: issued.dueDate,
        day,
        amountDue: settlement.amountDue,
        currency: issued.currency,
        remindedAt: command.data.remindedAt,
      },
    },
  ];
}
