import { invoiceDecider } from '../domain/invoice/invoice-decider.ts';
import { invoiceStream, type InvoiceReference, type InvoiceStreamEvent } from '../domain/invoice/invoice-events.ts';
import { invoiceInHistory, linesBilledFor } from '../domain/invoice/late-usage.ts';
import { NotFoundError } from '../domain/errors.ts';
import { rateInvoice, sumBilledLines, type BilledLine, type PeriodAdjustment, type RatedInvoice, type RatedLine } from '../domain/rating/index.ts';
import type { EventStore } from '../ports/event-store.ts';
import { loadAggregate } from './command-handler.ts';
import { canonicalJson, digestOf, loadRecordedSegments, readPeriodUsage, toPeriodUsage } from './invoice-inputs.ts';

export interface LineDifference {
  /** 1-based line number on the invoice, or null for an invoice-wide figure */
  line: number | null;
  kind: string;
  field: string;
  issued: string;
  replayed: string;
}

export interface InvoiceAudit {
  invoiceId: string;
  number: string | null;
  /** the invoice was voided (and its period replaced): audited as it was issued */
  voided: boolean;
  accountId: string;
  period: string;
  /**
   * the IANA time-zone database its dates were computed with when issued: a replay on another
   * one that differs points at a rule change, not a data change; null for a draft and for an
   * invoice issued before it was recorded
   */
  tzDataVersion: string | null;
  identical: boolean;
  issuedDigest: string;
  replayedDigest: string;
  differences: LineDifference[];
  replayed: RatedInvoice;
}

const LINE_FIELDS = ['kind', 'from', 'to', 'quantity', 'unit', 'amount', 'unroundedAmount'] as const satisfies readonly (keyof RatedLine)[];
/** What the audit compares of each line, and how it shows it. */
const COMPARED_FIELDS: readonly [string, (line: RatedLine) => string][] = [
  ...LINE_FIELDS.map((field): [string, (line: RatedLine) => string] => [field, (line) => String(line[field])]),
  ['adjusts', (line) => (line.adjusts ? canonicalJson(line.adjusts) : '(none)')],
];
const TOTAL_FIELDS = ['subtotal', 'minimumTrueUp', 'tax', 'creditApplied', 'total'] as const satisfies readonly (keyof RatedInvoice)[];

/** An invoice of a period's stream: by id from the stream's history (a voided one too), or the period's invoice in force. */
export async function findInvoice(eventStore: EventStore, accountId: string, period: string, invoiceId?: string) {
  const stream = invoiceStream(accountId, period);
  if (invoiceId !== undefined) {
    const events = (await eventStore.readStream(stream)) as unknown as InvoiceStreamEvent[];
    const found = invoiceInHistory(events, invoiceId);
    if (!found) throw new NotFoundError('invoice_not_found', `no invoice ${invoiceId} for account ${accountId}, period ${period}`);
    return { drafted: found.drafted, number: found.issued?.number ?? null, tzDataVersion: found.issued?.tzDataVersion ?? null, voided: found.voided !== null, taxName: found.issued?.lineTaxes?.[0]?.taxName ?? null };
  }
  const { state } = await loadAggregate(eventStore, invoiceDecider, stream);
  if (state.status === 'none') throw new NotFoundError('invoice_not_found', `no invoice for account ${accountId}, period ${period}`);
  const issued = state.status === 'draft' ? null : state.issued;
  return { drafted: state.draft, number: issued?.number ?? null, tzDataVersion: issued?.tzDataVersion ?? null, voided: state.status === 'void', taxName: issued?.lineTaxes?.[0]?.taxName ?? null };
}

/**
 * Replays what the invoice says it was computed from (the usage stream up to its recorded
 * revision, the carried-in storage, the exact plan versions, the engine; for each earlier
 * period it adjusts, that period's usage stream up to its recorded revision and what was
 * billed for it before) and compares the result with what was issued, line by line. What
 * was billed before is checked too, against the issued invoices the invoice names.
 *
 * `invoiceId` picks the invoice from the period stream's history, so a voided invoice is
 * audited against its own draft and inputs, not its replacement's; without it, the period's
 * invoice in force.
 */
export async function auditInvoice(eventStore: EventStore, accountId: string, period: string, invoiceId?: string): Promise<InvoiceAudit> {
  const { drafted: draft, number, voided, tzDataVersion } = await findInvoice(eventStore, accountId, period, invoiceId);
  const { inputs } = draft;

  const usage = await readPeriodUsage(eventStore, accountId, period, inputs.usageStreamRevision === null ? null : BigInt(inputs.usageStreamRevision));
  const adjustments: PeriodAdjustment[] = [];
  for (const adjusted of inputs.adjustedPeriods ?? []) {
    const adjustedUsage = await readPeriodUsage(eventStore, accountId, adjusted.period, adjusted.usageStreamRevision === null ? null : BigInt(adjusted.usageStreamRevision));
    adjustments.push({
      period: adjusted.period,
      segments: await loadRecordedSegments(eventStore, adjusted.segments),
      usage: toPeriodUsage(adjustedUsage.events, adjusted.deletions ?? []),
      carriedInStorage: adjusted.carriedInStorage,
      billedBefore: adjusted.billedBefore,
    });
  }
  const replayed = rateInvoice({
    period,
    timeZone: draft.rated.timeZone,
    currency: draft.rated.currency,
    segments: await loadRecordedSegments(eventStore, inputs.segments),
    usage: toPeriodUsage(usage.events, inputs.deletions ?? []),
    carriedInStorage: inputs.carriedInStorage,
    creditAvailable: inputs.creditAvailable,
    ...(adjustments.length > 0 ? { adjustments } : {}),
    ...(inputs.billedElsewhere ? { billedElsewhere: inputs.billedElsewhere.lines } : {}),
  });

  const differences: LineDifference[] = [];
  const issuedLines = draft.rated.lines;
  const count = Math.max(issuedLines.length, replayed.lines.length);
  for (let i = 0; i < count; i++) {
    const issued = issuedLines[i];
    const again = replayed.lines[i];
    for (const [field, read] of COMPARED_FIELDS) {
      const a = issued ? read(issued) : '(no line)';
      const b = again ? read(again) : '(no line)';
      if (a !== b) differences.push({ line: i + 1, kind: issued?.kind ?? again?.kind ?? '', field, issued: a, replayed: b });
    }
  }
  for (const field of TOTAL_FIELDS) {
    if (draft.rated[field] !== replayed[field]) differences.push({ line: null, kind: 'invoice', field, issued: draft.rated[field], replayed: replayed[field] });
  }
  // What the invoice says was billed before for the periods it adjusts, against the invoices it names.
  const streams = new Map<string, Promise<InvoiceStreamEvent[]>>();
  const billedOn = async (refs: InvoiceReference[], adjustedPeriod: string): Promise<BilledLine[]> => {
    const lines: BilledLine[] = [];
    for (const ref of refs) {
      let events = streams.get(ref.period);
      if (!events) streams.set(ref.period, (events = eventStore.readStream(invoiceStream(accountId, ref.period)) as unknown as Promise<InvoiceStreamEvent[]>));
      const found = invoiceInHistory(await events, ref.invoiceId);
      if (found) lines.push(...linesBilledFor(adjustedPeriod, found.drafted));
      else differences.push({ line: null, kind: 'adjustment', field: `billedOn ${adjustedPeriod}`, issued: `${ref.number} (${ref.invoiceId})`, replayed: '(no such invoice)' });
    }
    return sumBilledLines(lines);
  };
  const compareBilled = (adjustedPeriod: string, recorded: BilledLine[], found: BilledLine[]) => {
    const show = (lines: BilledLine[]) => lines.map((l) => `${l.kind}${l.segment === null ? '' : `[${l.segment}]`} ${l.quantity} ${l.amount}`).join('; ') || '(nothing)';
    if (canonicalJson(recorded) !== canonicalJson(found)) differences.push({ line: null, kind: 'adjustment', field: `billedBefore ${adjustedPeriod}`, issued: show(recorded), replayed: show(found) });
  };
  for (const adjusted of inputs.adjustedPeriods ?? []) compareBilled(adjusted.period, adjusted.billedBefore, await billedOn(adjusted.billedOn, adjusted.period));
  if (inputs.billedElsewhere) compareBilled(period, inputs.billedElsewhere.lines, await billedOn(inputs.billedElsewhere.billedOn, period));

  const replayedDigest = digestOf(replayed);
  if (inputs.engineVersion !== replayed.engineVersion) {
    differences.push({ line: null, kind: 'invoice', field: 'engineVersion', issued: inputs.engineVersion, replayed: replayed.engineVersion });
  }
  return {
    invoiceId: draft.invoiceId,
    number,
    voided,
    accountId,
    period,
    tzDataVersion,
    identical: differences.length === 0 && replayedDigest === draft.digest,
    issuedDigest: draft.digest,
    replayedDigest,
    differences,
    replayed,
  };
}


/**
 * The audit of an invoice named by its id alone (`GET /invoices/:id/audit`): the read model
 * says which account and period hold it; null when it has no such invoice.
 */
export async function auditInvoiceById(
  deps: { eventStore: EventStore; locateInvoice(invoiceId: string): Promise<{ account_id: string; period: string } | undefined> },
  invoiceId: string,
): Promise<InvoiceAudit | null> {
  const located = await deps.locateInvoice(invoiceId);
  return located ? auditInvoice(deps.eventStore, located.account_id, located.period, invoiceId) : null;
}

/** Where an invoice lives, found by its issued number; undefined: no invoice was issued with it. */
export type InvoiceByNumber = (number: string) => Promise<{ account_id: string; period: string; invoice_id: string } | undefined>;

/**
 * The audit of an invoice named by its number (`ops audit-invoice`), by its id: a voided
 * number is audited against its own draft and inputs, not its replacement's; null when no
 * invoice was issued with the number.
 */
export async function auditInvoiceByNumber(deps: { eventStore: EventStore; locateInvoiceByNumber: InvoiceByNumber }, number: string): Promise<InvoiceAudit | null> {
  const located = await deps.locateInvoiceByNumber(number);
  return located ? auditInvoice(deps.eventStore, located.account_id, located.period, located.invoice_id) : null;
}
