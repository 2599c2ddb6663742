import type { Locale } from '../domain/account/account-locale.ts';
import type { InvoiceDrafted } from '../domain/invoice/invoice-events.ts';
import { BYTES_PER_GIB, exact } from '../domain/rating/exact-decimal.ts';
import { formatInstant } from '../domain/rating/instant.ts';
import { meterSegments, parseUsage } from '../domain/rating/usage-meters.ts';
import type { EventStore } from '../ports/event-store.ts';
import { localizedExplanation, type BucketHolding } from '../presentation/invoice-explanation/localized-explanation.ts';
import { findInvoice, type InvoiceByNumber } from './invoice-audit.ts';
import { readPeriodUsage, toPeriodUsage } from './invoice-inputs.ts';

/**
 * How an invoice was computed, in words: what `ops explain-invoice` prints and what
 * `GET …/invoices/:invoiceId/explanation` answers, from one function so the two never differ.
 * `text` is the printed form, a paragraph a string; `lines` holds each line's explanation alone.
 */
export interface InvoiceExplanation {
  invoiceId: string;
  number: string | null;
  period: string;
  voided: boolean;
  currency: string;
  /** what the invoice was computed from: period, engine, usage stream, plans, adjustments */
  header: string[];
  lines: { kind: string; amount: string; explanation: string }[];
  totals: string;
  text: string[];
  /** the language `header`, `lines`, `totals` and `text` are in; absent: the engine's own English working */
  locale?: Locale;
  /** with a locale: the engine's own working, every digit, as the audit replays it */
  exact?: { header: string[]; lines: { kind: string; amount: string; explanation: string }[]; totals: string };
}

/** Whom an explanation is written for: the account's language and zone, and its buckets' names. */
export interface ExplanationReader {
  locale: Locale;
  timeZone: string;
  /** bucket id → name, for the account's buckets (an unknown id is shown as it is) */
  bucketNames: () => Promise<ReadonlyMap<string, string>>;
}

export async function explainInvoice(
  eventStore: EventStore,
  invoice: { accountId: string; period: string; invoiceId: string },
  reader?: ExplanationReader,
): Promise<InvoiceExplanation> {
  const found = await findInvoiceInStream(eventStore, invoice);
  const technical = engineWorking(invoice, found);
  if (!reader) return technical;
  const storage = await storageHoldings(eventStore, invoice.accountId, found.drafted, await reader.bucketNames());
  const localized = localizedExplanation({ ...found, locale: reader.locale, timeZone: reader.timeZone, storage });
  return {
    ...technical,
    ...localized,
    locale: reader.locale,
    exact: { header: technical.header, lines: technical.lines, totals: technical.totals },
  };
}

/**
 * What each storage line held, bucket by bucket: the period's usage replayed from the invoice's
 * own inputs (its stream up to the recorded revision, carried-in storage, deletions), metered
 * into the same segments rating used.
 */
async function storageHoldings(eventStore: EventStore, accountId: string, drafted: InvoiceDrafted['data'], names: ReadonlyMap<string, string>): Promise<Map<number, BucketHolding[]>> {
  const { rated, inputs } = drafted;
  const holdings = new Map<number, BucketHolding[]>();
  if (!rated.lines.some((line) => line.kind === 'storage_gib_month' && line.segment !== null)) return holdings;
  const usage = await readPeriodUsage(eventStore, accountId, rated.period, inputs.usageStreamRevision === null ? null : BigInt(inputs.usageStreamRevision));
  const startMs = Date.parse(rated.periodStart);
  const endMs = Date.parse(rated.periodEnd);
  const parsed = parseUsage(toPeriodUsage(usage.events, inputs.deletions ?? []), inputs.carriedInStorage, startMs, endMs, []);
  const segmentStarts = inputs.segments.map((s) => Date.parse(s.from));
  const unplanned = segmentStarts.length > 0 && segmentStarts[0]! > startMs;
  const metered = meterSegments(parsed, [...(unplanned ? [startMs] : []), ...segmentStarts, endMs]).slice(unplanned ? 1 : 0);
  const periodMs = endMs - startMs;
  rated.lines.forEach((line, index) => {
    if (line.kind !== 'storage_gib_month' || line.segment === null) return;
    const byBucket = new Map<string, BucketHolding>();
    // Σ bytes × ms per bucket, exact; divided (and rounded for display) once at the end
    const byteMillis = new Map<string, bigint>();
    for (const interval of metered[line.segment]?.storageIntervals ?? []) {
      const holding = byBucket.get(interval.bucket) ?? { name: names.get(interval.bucket) ?? interval.bucket, gibMonths: '0', intervals: [] };
      const held = (byteMillis.get(interval.bucket) ?? 0n) + interval.bytes * BigInt(interval.toMs - interval.fromMs);
      byteMillis.set(interval.bucket, held);
      holding.gibMonths = exact(held.toString()).div(exact(BYTES_PER_GIB.toString()).times(periodMs)).toDecimalPlaces(3).toFixed();
      holding.intervals.push({ gib: exact(interval.bytes.toString()).div(BYTES_PER_GIB.toString()).toDecimalPlaces(3).toFixed(), from: formatInstant(interval.fromMs), to: formatInstant(interval.toMs) });
      byBucket.set(interval.bucket, holding);
    }
    holdings.set(index, [...byBucket.values()]);
  });
  return holdings;
}

/** The engine's own working, in English with every digit: what `explainInvoice` gave before explanations were localized. */
function engineWorking(invoice: { accountId: string; invoiceId: string }, found: Awaited<ReturnType<typeof findInvoiceInStream>>): InvoiceExplanation {
  const { drafted, number, voided, tzDataVersion } = found;
  const { rated, inputs } = drafted;
  const header = [
    `Invoice ${number ?? '(draft)'}${voided ? ' (voided)' : ''}, account ${invoice.accountId}, period ${rated.period} (${rated.periodStart} to ${rated.periodEnd}, ${rated.timeZone}).`,
    `Computed by ${inputs.engineVersion} from ${inputs.usageStream} up to revision ${inputs.usageStreamRevision ?? '(empty)'}, plans ${inputs.planVersions.map((p) => `${p.planId} v${p.version}`).join(', ')}.`,
    tzDataVersion !== null
      ? `Dates computed with time-zone database ${tzDataVersion}.`
      : number === null
        ? 'Time-zone database: recorded when the invoice is issued.'
        : 'Time-zone database: not recorded (issued before it was).',
  ];
  for (const adjusted of inputs.adjustedPeriods ?? []) {
    header.push(
      `Late usage of ${adjusted.period}: rated again from ${adjusted.usageStream} up to revision ${adjusted.usageStreamRevision ?? '(empty)'}, plans ${adjusted.planVersions.map((p) => `${p.planId} v${p.version}`).join(', ')}, against what ${adjusted.billedOn.map((r) => r.number).join(', ')} billed for it.`,
    );
  }
  if (inputs.billedElsewhere) header.push(`Replaces a voided invoice: takes off what ${inputs.billedElsewhere.billedOn.map((r) => r.number).join(', ')} already billed for ${rated.period} as adjustments.`);
  const lines = rated.lines.map((line) => ({ kind: line.kind, amount: line.amount, explanation: line.explanation }));
  const totals = `Subtotal ${rated.subtotal}; tax ${rated.tax}; credit applied ${rated.creditApplied}; total ${rated.total} ${rated.currency}.`;
  return {
    invoiceId: invoice.invoiceId,
    number,
    period: rated.period,
    voided,
    currency: rated.currency,
    header,
    lines,
    totals,
    text: [...header, ...lines.map((line, i) => `\n${i + 1}. ${line.kind}: ${line.amount} ${rated.currency}\n   ${line.explanation}`), `\n${totals}`],
  };
}

const findInvoiceInStream = (eventStore: EventStore, invoice: { accountId: string; period: string; invoiceId: string }) =>
  findInvoice(eventStore, invoice.accountId, invoice.period, invoice.invoiceId);

export interface AccountExplanationDeps {
  eventStore: EventStore;
  /** the account's language and zone as the read model has them; undefined: no such account */
  accountOf(accountId: string): Promise<{ locale: Locale; time_zone: string } | undefined>;
  bucketNames(accountId: string): Promise<ReadonlyMap<string, string>>;
}

/** The explanation in the account's own language and zone, its buckets by name (the engine's working kept as `exact`). */
export async function explainInvoiceToAccount(deps: AccountExplanationDeps, invoice: { accountId: string; period: string; invoiceId: string }): Promise<InvoiceExplanation> {
  const account = await deps.accountOf(invoice.accountId);
  if (!account) return explainInvoice(deps.eventStore, invoice);
  return explainInvoice(deps.eventStore, invoice, { locale: account.locale, timeZone: account.time_zone, bucketNames: () => deps.bucketNames(invoice.accountId) });
}

/** The explanation of the invoice issued with this number (`ops explain-invoice`); null when none was. */
export async function explainInvoiceByNumber(deps: AccountExplanationDeps & { locateInvoiceByNumber: InvoiceByNumber }, number: string): Promise<InvoiceExplanation | null> {
  const located = await deps.locateInvoiceByNumber(number);
  return located ? explainInvoiceToAccount(deps, { accountId: located.account_id, period: located.period, invoiceId: located.invoice_id }) : null;
}
