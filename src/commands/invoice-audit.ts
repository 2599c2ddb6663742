import { invoiceDecider } from '../domain/invoice/invoice-decider.ts';
import { invoiceStream } from '../domain/invoice/invoice-events.ts';
import { NotFoundError } from '../domain/errors.ts';
import { pricebookStream, type PlanVersionPublished } from '../domain/pricebook/pricebook-events.ts';
import { rateInvoice, type PlanSegment, type RatedInvoice, type RatedLine } from '../domain/rating/index.ts';
import type { EventStore } from '../ports/event-store.ts';
import { loadAggregate } from './command-handler.ts';
import { digestOf, readPeriodUsage, toPeriodUsage } from './invoice-inputs.ts';

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
  accountId: string;
  period: string;
  identical: boolean;
  issuedDigest: string;
  replayedDigest: string;
  differences: LineDifference[];
  replayed: RatedInvoice;
}

const LINE_FIELDS = ['kind', 'from', 'to', 'quantity', 'unit', 'amount', 'unroundedAmount'] as const satisfies readonly (keyof RatedLine)[];
const TOTAL_FIELDS = ['subtotal', 'minimumTrueUp', 'tax', 'creditApplied', 'total'] as const satisfies readonly (keyof RatedInvoice)[];

/**
 * Replays what the invoice says it was computed from (the usage stream up to its recorded
 * revision, the carried-in storage, the exact plan versions, the engine) and compares the
 * result with what was issued, line by line.
 */
export async function auditInvoice(eventStore: EventStore, accountId: string, period: string): Promise<InvoiceAudit> {
  const { state } = await loadAggregate(eventStore, invoiceDecider, invoiceStream(accountId, period));
  if (state.status === 'none') throw new NotFoundError('invoice_not_found', `no invoice for account ${accountId}, period ${period}`);
  const { draft } = state;
  const { inputs } = draft;

  const usage = await readPeriodUsage(eventStore, accountId, period, inputs.usageStreamRevision === null ? null : BigInt(inputs.usageStreamRevision));
  const segments: PlanSegment[] = [];
  for (const segment of inputs.segments) {
    segments.push({ from: segment.from, to: segment.to, plan: await loadPlanVersion(eventStore, segment.planId, segment.version) });
  }
  const replayed = rateInvoice({
    period,
    timeZone: draft.rated.timeZone,
    currency: draft.rated.currency,
    segments,
    usage: toPeriodUsage(usage.events),
    carriedInStorage: inputs.carriedInStorage,
    creditAvailable: inputs.creditAvailable,
  });

  const differences: LineDifference[] = [];
  const issuedLines = draft.rated.lines;
  const count = Math.max(issuedLines.length, replayed.lines.length);
  for (let i = 0; i < count; i++) {
    const issued = issuedLines[i];
    const again = replayed.lines[i];
    for (const field of LINE_FIELDS) {
      const a = issued ? String(issued[field]) : '(no line)';
      const b = again ? String(again[field]) : '(no line)';
      if (a !== b) differences.push({ line: i + 1, kind: issued?.kind ?? again?.kind ?? '', field, issued: a, replayed: b });
    }
  }
  for (const field of TOTAL_FIELDS) {
    if (draft.rated[field] !== replayed[field]) differences.push({ line: null, kind: 'invoice', field, issued: draft.rated[field], replayed: replayed[field] });
  }
  const replayedDigest = digestOf(replayed);
  if (inputs.engineVersion !== replayed.engineVersion) {
    differences.push({ line: null, kind: 'invoice', field: 'engineVersion', issued: inputs.engineVersion, replayed: replayed.engineVersion });
  }
  return {
    invoiceId: draft.invoiceId,
    number: state.status === 'issued' ? state.issued.number : null,
    accountId,
    period,
    identical: differences.length === 0 && replayedDigest === draft.digest,
    issuedDigest: draft.digest,
    replayedDigest,
    differences,
    replayed,
  };
}

async function loadPlanVersion(eventStore: EventStore, planId: string, version: number) {
  const events = await eventStore.readStream(pricebookStream(planId));
  const published = events.find((e) => e.type === 'PlanVersionPublished' && (e.data as PlanVersionPublished['data']).version === version);
  if (!published) throw new NotFoundError('plan_version_not_found', `plan ${planId} has no version ${version}`);
  return (published.data as PlanVersionPublished['data']).plan;
}
