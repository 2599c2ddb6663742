import { assertNever } from '../decider.ts';
import { sumBilledLines, type BilledLine, type PeriodAdjustment } from '../rating/adjustments.ts';
import { exact } from '../rating/exact-decimal.ts';
import { rateInvoice, type RatedInvoice, type RatingInput } from '../rating/rate-invoice.ts';
import type { InvoiceDrafted, InvoiceIssued, InvoiceReference, InvoiceStreamEvent, InvoiceVoided } from './invoice-events.ts';

/**
 * What the issued invoices of an account billed for one period: the period's own invoice
 * (the one in force: a replacement when the first was voided) plus every adjustment of the
 * period on the account's other issued invoices. Voided invoices bill nothing. Pure: the
 * caller reads the invoice streams and hands over the issued invoices as they stand.
 */

/** An issued invoice in force (not voided), with the draft it was issued from. */
export interface IssuedInvoice {
  reference: InvoiceReference;
  drafted: InvoiceDrafted['data'];
}

/** The lines of one invoice that bill `period`: its own lines if it is that period's invoice, and its adjustments of the period. */
export function linesBilledFor(period: string, drafted: InvoiceDrafted['data']): BilledLine[] {
  const billed: BilledLine[] = [];
  for (const line of drafted.rated.lines) {
    if (line.kind === 'adjustment') {
      if (line.adjusts?.period === period) billed.push({ kind: line.adjusts.kind, segment: line.adjusts.segment, quantity: line.quantity, amount: line.amount });
    } else if (drafted.period === period) {
      billed.push({ kind: line.kind, segment: line.segment, quantity: line.quantity, amount: line.amount });
    }
  }
  return billed;
}

export interface PeriodBilled {
  period: string;
  /** the period's own issued invoice */
  own: IssuedInvoice;
  /** Σ per line (kind and segment) over `billedOn` */
  lines: BilledLine[];
  /** the period's own invoice, then (by period) every other issued invoice that adjusted it */
  billedOn: InvoiceReference[];
  /** the newest revision of the period's usage stream any of them was rated from (null: none, the stream was empty) */
  coveredRevision: bigint | null;
}

const newer = (a: bigint | null, b: string | null): bigint | null => (b === null ? a : a === null || BigInt(b) > a ? BigInt(b) : a);
const byPeriod = (a: IssuedInvoice, b: IssuedInvoice) => (a.reference.period < b.reference.period ? -1 : a.reference.period > b.reference.period ? 1 : 0);

/** What the issued invoices billed for `period` so far; null when the period has no issued invoice in force (nothing to adjust: its own invoice will bill it whole). */
export function billedForPeriod(period: string, issued: readonly IssuedInvoice[]): PeriodBilled | null {
  const own = issued.find((invoice) => invoice.reference.period === period);
  if (!own) return null;
  const lines: BilledLine[] = [];
  const billedOn: InvoiceReference[] = [];
  let coveredRevision = newer(null, own.drafted.inputs.usageStreamRevision);
  for (const invoice of [own, ...issued.filter((i) => i !== own).sort(byPeriod)]) {
    const billed = linesBilledFor(period, invoice.drafted);
    const adjusted = (invoice.drafted.inputs.adjustedPeriods ?? []).filter((a) => a.period === period);
    for (const a of adjusted) coveredRevision = newer(coveredRevision, a.usageStreamRevision);
    if (invoice === own || billed.length > 0 || adjusted.length > 0) billedOn.push(invoice.reference);
    lines.push(...billed);
  }
  return { period, own, lines: sumBilledLines(lines), billedOn, coveredRevision };
}

/**
 * For a period whose invoice is being drafted (again, after a void): what the other issued
 * invoices already billed for it as adjustments. Its new invoice bills the whole period, so
 * it takes that off; otherwise the late usage those adjustments billed would be billed twice.
 */
export function billedElsewhere(period: string, issued: readonly IssuedInvoice[]): { lines: BilledLine[]; billedOn: InvoiceReference[] } {
  const lines: BilledLine[] = [];
  const billedOn: InvoiceReference[] = [];
  for (const invoice of [...issued].sort(byPeriod)) {
    if (invoice.reference.period === period) continue;
    const billed = linesBilledFor(period, invoice.drafted);
    if (billed.length === 0) continue;
    billedOn.push(invoice.reference);
    lines.push(...billed);
  }
  return { lines: sumBilledLines(lines), billedOn };
}

/**
 * Rates an invoice with earlier periods' late usage. A re-rating can come to less than was
 * billed (a late storage sample lower than the one before it, a volume tier), so adjustments
 * can be negative; an invoice never comes to less than zero. While it would, the newest
 * earlier period whose adjustments add up to less than zero waits: it is left off this
 * invoice, and since nothing is then recorded as billed for it, the next invoice computes its
 * adjustment again (with whatever else arrived meanwhile).
 */
export function rateWithLateUsage<Recorded>(
  input: Omit<RatingInput, 'adjustments'>,
  adjustments: readonly { rating: PeriodAdjustment; recorded: Recorded }[],
): { rated: RatedInvoice; included: { rating: PeriodAdjustment; recorded: Recorded }[]; waiting: string[] } {
  const included = [...adjustments];
  const waiting: string[] = [];
  const rate = () => rateInvoice(included.length > 0 ? { ...input, adjustments: included.map((a) => a.rating) } : input);
  let rated = rate();
  while (exact(rated.subtotal).plus(rated.tax).isNegative()) {
    const net = (period: string) => rated.lines.filter((l) => l.kind === 'adjustment' && l.adjusts?.period === period).reduce((sum, l) => sum.plus(l.amount), exact(0));
    let newestNegative = -1;
    included.forEach((a, i) => {
      if (net(a.rating.period).isNegative()) newestNegative = i;
    });
    if (newestNegative < 0) break;
    waiting.unshift(included[newestNegative]!.rating.period);
    included.splice(newestNegative, 1);
    rated = rate();
  }
  return { rated, included, waiting };
}

/** One invoice of a period's stream, found by its id in the stream's history: the draft it was issued from, its issue and its void. */
export interface InvoiceHistory {
  drafted: InvoiceDrafted['data'];
  issued: InvoiceIssued['data'] | null;
  voided: InvoiceVoided['data'] | null;
}

/**
 * The stream holds every invoice of the period: a voided one and its replacement, and drafts
 * replaced before issue (those keep the invoice id). An invoice is what its last draft said
 * when it was issued (or the last draft, if it is not issued).
 */
export function invoiceInHistory(events: readonly InvoiceStreamEvent[], invoiceId: string): InvoiceHistory | null {
  let found = null as InvoiceHistory | null;
  for (const event of events) {
    switch (event.type) {
      case 'InvoiceDrafted':
        if (event.data.invoiceId === invoiceId && !found?.issued) found = { drafted: event.data, issued: null, voided: null };
        break;
      case 'InvoiceIssued':
        if (event.data.invoiceId === invoiceId && found && !found.issued) found = { ...found, issued: event.data };
        break;
      case 'InvoiceVoided':
        if (event.data.invoiceId === invoiceId && found) found = { ...found, voided: event.data };
        break;
      case 'PaymentRecorded':
      case 'InvoicePaid':
      case 'CreditNoteIssued':
      case 'InvoiceOverdue':
      case 'PaymentReminderDue':
      case 'PaymentReversed':
        break;
      default:
        assertNever(event);
    }
  }
  return found;
}
