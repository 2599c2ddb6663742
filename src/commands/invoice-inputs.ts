import { createHash } from 'node:crypto';
import { bucketStream } from '../domain/bucket/bucket-streams.ts';
import type { BucketDeleted as BucketDeletedEvent } from '../domain/bucket/bucket-events.ts';
import { availableCredit, creditDecider, type CreditState } from '../domain/credit/credit-decider.ts';
import { creditStream, type CreditEvent } from '../domain/credit/credit-events.ts';
import { NotFoundError } from '../domain/errors.ts';
import { invoiceDecider, type InvoiceState } from '../domain/invoice/invoice-decider.ts';
import { invoiceStream, type AdjustedPeriodInputs, type InvoiceInputs, type InvoiceReference, type InvoiceStreamEvent } from '../domain/invoice/invoice-events.ts';
import { billedElsewhere, billedForPeriod, type IssuedInvoice } from '../domain/invoice/late-usage.ts';
import { pricebookStream, type PlanVersionPublished } from '../domain/pricebook/pricebook-events.ts';
import { ZERO, maxOf } from '../domain/rating/exact-decimal.ts';
import {
  formatMoney,
  nextPeriod,
  periodBounds,
  periodOf,
  previousPeriod,
  type BilledLine,
  type BucketDeleted,
  type Currency,
  type PeriodAdjustment,
  type PeriodUsage,
  type PlanSegment,
  type PlanVersion,
} from '../domain/rating/index.ts';
import { usageStream, type UsageEvent } from '../domain/usage/usage-events.ts';
import { withdrawnKeysOf } from '../domain/usage/sample-withdrawal.ts';
import type { EventStore, RecordedEvent } from '../ports/event-store.ts';
import { loadAggregate } from './command-handler.ts';

/** How far back the bytes in force at a period's start are looked for. */
const CARRY_IN_LOOKBACK_PERIODS = 24;

/**
 * How many of those earlier usage streams one read asks for: a few round trips instead of one
 * a period, while an account with years of hourly samples holds only this many periods at once.
 */
const CARRY_IN_PERIODS_PER_READ = 6;

/** How many periods back an invoice looks for late usage to bill as adjustments. */
const LATE_USAGE_LOOKBACK_PERIODS = 12;

export interface RatingPlan {
  segments: PlanSegment[];
  planVersions: { planId: string; version: number }[];
}

/** The plan segments of an account's period (subscription and price book), or null when it has no plan. */
export type RatingPlanLoader = (accountId: string, period: string, timeZone: string) => Promise<RatingPlan | null>;

/**
 * Usage events as the rating engine reads them: buckets by id, counts as integer strings.
 * The deletions come from the buckets' own streams (`periodStorage`), or from what an invoice recorded.
 */
export function toPeriodUsage(events: readonly { type: string; data: unknown }[], deletions: readonly BucketDeleted[] = []): PeriodUsage {
  const usage: PeriodUsage = { storage: [], traffic: [], deletions: [...deletions] };
  // A sample withdrawn by a correction among these events is left out (one later is not seen: an audit replays up to its revision).
  const withdrawn = withdrawnKeysOf(events);
  for (const { type, data } of events) {
    const event = { type, data } as UsageEvent;
    if ((event.type === 'StorageMeasured' || event.type === 'TrafficMeasured') && withdrawn.has(event.data.sampleKey)) continue;
    if (event.type === 'StorageMeasured') {
      usage.storage.push({ bucket: event.data.bucketId, bytes: event.data.bytes, at: event.data.at });
    } else if (event.type === 'TrafficMeasured') {
      const d = event.data;
      usage.traffic.push({
        bucket: d.bucketId,
        windowStart: d.windowStart,
        windowEnd: d.windowEnd,
        egressBytes: d.egressBytes,
        ingressBytes: d.ingressBytes,
        requestsA: d.requestsA,
        requestsB: d.requestsB,
      });
    }
  }
  return usage;
}

/** The period's usage stream, up to a revision when auditing (inclusive). */
export async function readPeriodUsage(eventStore: EventStore, accountId: string, period: string, upToRevision?: bigint | null) {
  const stream = usageStream(accountId, period);
  if (upToRevision === null) return { stream, revision: null, events: [] };
  const events = await eventStore.readStream(stream, upToRevision === undefined ? {} : { maxCount: Number(upToRevision + 1n) });
  const last = events[events.length - 1];
  return { stream, revision: last ? last.streamRevision : null, events };
}

/** When each of these buckets was deleted (its `BucketDeleted`), for those that were. */
async function deletionInstants(eventStore: EventStore, bucketIds: Iterable<string>): Promise<Map<string, string>> {
  const deleted = new Map<string, string>();
  const buckets = [...new Set(bucketIds)];
  const streams = await eventStore.readStreams(buckets.map(bucketStream));
  for (const bucketId of buckets) {
    const deletion = streams.get(bucketStream(bucketId))!.find((e) => e.type === 'BucketDeleted');
    if (deletion) deleted.set(bucketId, (deletion.data as BucketDeletedEvent['data']).deletedAt);
  }
  return deleted;
}

/** What a period's storage is rated from besides its own samples; the invoice records both. */
export interface PeriodStorage {
  /** bytes in force per bucket when the period opens */
  carriedIn: Record<string, string>;
  /** buckets deleted inside the period: each holds 0 from its deletion */
  deletions: BucketDeleted[];
}

/**
 * Bytes in force per bucket when the period opens (each bucket's last storage sample in the
 * periods before, as known now, unless the bucket was deleted after that sample and before the
 * period: a deleted bucket holds 0 from its deletion), and the deletions inside the period of
 * the buckets it carries in or samples. Deletions are read from the buckets' own streams.
 */
export async function periodStorage(eventStore: EventStore, accountId: string, period: string, timeZone: string, usage: Pick<PeriodUsage, 'storage'>): Promise<PeriodStorage> {
  const candidates = await lastSamplesBefore(eventStore, accountId, period);
  const bounds = periodBounds(period, timeZone);
  const startMs = Date.parse(bounds.start);
  const endMs = Date.parse(bounds.end);
  const deleted = await deletionInstants(eventStore, [...Object.keys(candidates), ...usage.storage.map((s) => s.bucket)]);
  const carriedIn: Record<string, string> = {};
  for (const [bucket, { at, bytes }] of Object.entries(candidates)) {
    const deletedAt = deleted.get(bucket);
    const deletedMs = deletedAt === undefined ? null : Date.parse(deletedAt);
    // at one instant a deletion wins over a sample, as in the rating engine
    if (deletedMs !== null && deletedMs >= at && deletedMs < startMs) continue;
    carriedIn[bucket] = bytes;
  }
  const deletions: BucketDeleted[] = [];
  for (const [bucket, at] of deleted) {
    const ms = Date.parse(at);
    if (ms >= startMs && ms < endMs) deletions.push({ bucket, at });
  }
  deletions.sort((a, b) => (a.bucket < b.bucket ? -1 : a.bucket > b.bucket ? 1 : 0));
  return { carriedIn, deletions };
}

/** Each bucket's last storage sample in the CARRY_IN_LOOKBACK_PERIODS periods before, as known now, by bucket in code-unit order. */
async function lastSamplesBefore(eventStore: EventStore, accountId: string, period: string): Promise<Record<string, { at: number; bytes: string }>> {
  const found: Record<string, { at: number; bytes: string }> = {};
  let read = new Map<string, RecordedEvent[]>();
  const streams: string[] = [];
  for (let i = 0, earlier = period; i < CARRY_IN_LOOKBACK_PERIODS; i++) streams.push(usageStream(accountId, (earlier = previousPeriod(earlier))));
  // Newest period first: a bucket found there is settled; older periods only add buckets.
  for (let i = 0; i < streams.length; i++) {
    if (i % CARRY_IN_PERIODS_PER_READ === 0) read = await eventStore.readStreams(streams.slice(i, i + CARRY_IN_PERIODS_PER_READ));
    const latestHere: Record<string, { at: number; bytes: string }> = {};
    for (const sample of toPeriodUsage(read.get(streams[i]!)!).storage) {
      if (found[sample.bucket]) continue;
      const at = Date.parse(sample.at);
      const current = latestHere[sample.bucket];
      // at one instant the larger sample holds, as in the rating engine
      if (!current || at > current.at || (at === current.at && BigInt(sample.bytes) > BigInt(current.bytes))) {
        latestHere[sample.bucket] = { at, bytes: sample.bytes };
      }
    }
    Object.assign(found, latestHere);
  }
  return Object.fromEntries(Object.entries(found).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Account credit available to the period's invoice: Σ credited − Σ applied to other periods'
 * invoices (what this period's own draft already took, if anything, is available to it again).
 */
export async function creditAvailableFor(eventStore: EventStore, accountId: string, period: string, currency: Currency): Promise<string> {
  const { state } = await loadAggregate(eventStore, creditDecider, creditStream(accountId));
  return creditAvailableIn(state, period, currency);
}

/** Canonical JSON (keys sorted) so the digest depends on content only. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export const digestOf = (value: unknown) => createHash('sha256').update(canonicalJson(value)).digest('hex');

/** One published plan version, exactly as an invoice names it. */
async function loadPlanVersion(eventStore: EventStore, planId: string, version: number): Promise<PlanVersion> {
  const events = await eventStore.readStream(pricebookStream(planId));
  const published = events.find((e) => e.type === 'PlanVersionPublished' && (e.data as PlanVersionPublished['data']).version === version);
  if (!published) throw new NotFoundError('plan_version_not_found', `plan ${planId} has no version ${version}`);
  return (published.data as PlanVersionPublished['data']).plan;
}

/** The plan segments an invoice recorded, with their plan versions loaded from the price book. */
export async function loadRecordedSegments(eventStore: EventStore, segments: InvoiceInputs['segments']): Promise<PlanSegment[]> {
  const loaded: PlanSegment[] = [];
  for (const segment of segments) loaded.push({ from: segment.from, to: segment.to, plan: await loadPlanVersion(eventStore, segment.planId, segment.version) });
  return loaded;
}

/**
 * The account's issued invoices in force (not voided) for the periods `from` through `to`
 * but `except` (the period being drafted, read already by its caller), each read from its
 * own stream: the billing record late-usage adjustments are decided on.
 */
async function issuedInvoices(eventStore: EventStore, accountId: string, from: string, to: string, except: string): Promise<IssuedInvoice[]> {
  const periods = invoicePeriods(from, to, except);
  return issuedAmong(accountId, periods, await eventStore.readStreams(periods.map((period) => invoiceStream(accountId, period))));
}

function invoicePeriods(from: string, to: string, except: string): string[] {
  const periods: string[] = [];
  for (let period = from; period <= to; period = nextPeriod(period)) if (period !== except) periods.push(period);
  return periods;
}

/** The invoice as its stream has it: state, and the revision to append after. */
function foldInvoice(events: readonly RecordedEvent[]): { state: InvoiceState; revision: bigint | null } {
  let state = invoiceDecider.initialState();
  for (const { type, data } of events) state = invoiceDecider.evolve(state, { type, data } as InvoiceStreamEvent);
  return { state, revision: events.length > 0 ? events[events.length - 1]!.streamRevision : null };
}

function issuedAmong(accountId: string, periods: readonly string[], streams: ReadonlyMap<string, RecordedEvent[]>): IssuedInvoice[] {
  return periods.flatMap((period) => {
    const { state } = foldInvoice(streams.get(invoiceStream(accountId, period))!);
    return state.status === 'issued' ? [{ reference: { period, invoiceId: state.issued.invoiceId, number: state.issued.number }, drafted: state.draft }] : [];
  });
}

/** The earliest period whose late usage the invoice of `period` bills, and the latest whose invoices it reads (see `lateUsageFor`). */
function lateUsageWindow(period: string, timeZone: string, now: Date): { first: string; last: string } {
  let first = period;
  for (let i = 0; i < LATE_USAGE_LOOKBACK_PERIODS; i++) first = previousPeriod(first);
  const current = periodOf(now.toISOString(), timeZone);
  return { first, last: current > period ? current : period };
}

/** What closing one account's period starts from, read in one round trip (see `readPeriodClose`). */
export interface PeriodClose {
  /** the period's own invoice, and the revision a draft is appended after */
  invoice: { state: InvoiceState; revision: bigint | null };
  /** the other periods' issued invoices in force that late usage is decided on (see `lateUsageFor`) */
  issued: IssuedInvoice[];
  /** the account's credit, and the revision a credit application is appended after */
  credit: { state: CreditState; revision: bigint | null };
  /** the period's usage stream: its name and the revision rated (null: empty) */
  usageStream: string;
  usageStreamRevision: bigint | null;
  /** the period's usage as the engine reads it (no deletions yet: see `periodStorage`) */
  usage: PeriodUsage;
}

/**
 * The period's invoice, the invoices late usage is decided on, the account's credit and the
 * period's usage, in one read of their streams: the billing run pays a round trip per store
 * call, and these are the same streams `loadAggregate`, `lateUsageFor`, `creditAvailableFor`
 * and `readPeriodUsage` would read one after another. The usage comes back already in the
 * engine's form, so the recorded events can be dropped before rating.
 */
export async function readPeriodClose(eventStore: EventStore, accountId: string, period: string, timeZone: string, now: Date): Promise<PeriodClose> {
  const { first, last } = lateUsageWindow(period, timeZone, now);
  const periods = invoicePeriods(first, last, period);
  const own = invoiceStream(accountId, period);
  const credit = creditStream(accountId);
  const usageStreamName = usageStream(accountId, period);
  const streams = await eventStore.readStreams([own, ...periods.map((p) => invoiceStream(accountId, p)), credit, usageStreamName]);
  const usageEvents = streams.get(usageStreamName)!;
  const usageStreamRevision = usageEvents.length > 0 ? usageEvents[usageEvents.length - 1]!.streamRevision : null;
  let creditState = creditDecider.initialState();
  const creditEvents = streams.get(credit)!;
  for (const { type, data } of creditEvents) creditState = creditDecider.evolve(creditState, { type, data } as CreditEvent);
  return {
    invoice: foldInvoice(streams.get(own)!),
    issued: issuedAmong(accountId, periods, streams),
    credit: { state: creditState, revision: creditEvents.length > 0 ? creditEvents[creditEvents.length - 1]!.streamRevision : null },
    usageStream: usageStreamName,
    usageStreamRevision,
    usage: toPeriodUsage(usageEvents),
  };
}

/** Several accounts' invoices of one period, in one read. */
export async function readPeriodInvoices(eventStore: EventStore, accountIds: readonly string[], period: string): Promise<Map<string, InvoiceState>> {
  const streams = await eventStore.readStreams(accountIds.map((accountId) => invoiceStream(accountId, period)));
  return new Map(accountIds.map((accountId) => [accountId, foldInvoice(streams.get(invoiceStream(accountId, period))!).state]));
}

/** Account credit available to the period's invoice, from the credit as read (see `creditAvailableFor`). */
export function creditAvailableIn(state: CreditState, period: string, currency: Currency): string {
  return formatMoney(maxOf(ZERO, availableCredit(state, period)), currency);
}

/** What a draft bills of earlier periods' late usage: the engine's input, and what the invoice records. */
export interface LateUsage {
  adjustments: { rating: PeriodAdjustment; recorded: AdjustedPeriodInputs }[];
  billedElsewhere: { lines: BilledLine[]; billedOn: InvoiceReference[] } | null;
}

/**
 * Late usage for the invoice of `period`: every one of the LATE_USAGE_LOOKBACK_PERIODS periods
 * before it whose issued invoice in force was rated from an older revision of its usage
 * stream than the stream has now (and that no later invoice has adjusted up to it yet) is
 * rated again, over its whole stream, on the segments and carried-in storage of its own issued
 * invoice, against what the issued invoices billed for it so far. Invoices up to the period
 * `now` is in are read, so a draft of an older period (a replacement) sees adjustments on later
 * invoices too; those of its own period are what `billedElsewhere` takes off.
 */
export async function lateUsageFor(eventStore: EventStore, accountId: string, period: string, timeZone: string, now: Date): Promise<LateUsage> {
  const { first, last } = lateUsageWindow(period, timeZone, now);
  return lateUsageAmong(eventStore, accountId, period, await issuedInvoices(eventStore, accountId, first, last, period));
}

/** `lateUsageFor`, on the issued invoices its caller read already (`PeriodClose.issued`). */
export async function lateUsageAmong(eventStore: EventStore, accountId: string, period: string, issued: readonly IssuedInvoice[]): Promise<LateUsage> {
  let first = period;
  for (let i = 0; i < LATE_USAGE_LOOKBACK_PERIODS; i++) first = previousPeriod(first);
  const adjustments: LateUsage['adjustments'] = [];
  for (let earlier = first; earlier < period; earlier = nextPeriod(earlier)) {
    const billed = billedForPeriod(earlier, issued);
    if (!billed) continue;
    const stream = usageStream(accountId, earlier);
    const since = billed.coveredRevision === null ? 0n : billed.coveredRevision + 1n;
    if ((await eventStore.readStream(stream, { fromRevision: since, maxCount: 1 })).length === 0) continue;
    const usage = await readPeriodUsage(eventStore, accountId, earlier);
    const { inputs } = billed.own.drafted;
    adjustments.push({
      rating: {
        period: earlier,
        segments: await loadRecordedSegments(eventStore, inputs.segments),
        // like its carried-in storage, the deletions its own invoice was rated with
        usage: toPeriodUsage(usage.events, inputs.deletions ?? []),
        carriedInStorage: inputs.carriedInStorage,
        billedBefore: billed.lines,
      },
      recorded: {
        period: earlier,
        usageStream: usage.stream,
        usageStreamRevision: usage.revision === null ? null : usage.revision.toString(),
        carriedInStorage: inputs.carriedInStorage,
        ...(inputs.deletions ? { deletions: inputs.deletions } : {}),
        planVersions: inputs.planVersions,
        segments: inputs.segments,
        billedBefore: billed.lines,
        billedOn: billed.billedOn,
      },
    });
  }
  const elsewhere = billedElsewhere(period, issued);
  return { adjustments, billedElsewhere: elsewhere.lines.length > 0 ? elsewhere : null };
}

export type { PlanVersion };
