import { createHash } from 'node:crypto';
import { availableCredit, creditDecider } from '../domain/credit/credit-decider.ts';
import { creditStream } from '../domain/credit/credit-events.ts';
import { ZERO, maxOf } from '../domain/rating/exact-decimal.ts';
import { formatMoney, previousPeriod, type Currency, type PeriodUsage, type PlanSegment, type PlanVersion } from '../domain/rating/index.ts';
import { usageStream, type UsageEvent } from '../domain/usage/usage-events.ts';
import type { EventStore } from '../ports/event-store.ts';
import { loadAggregate } from './command-handler.ts';

/** How far back the bytes in force at a period's start are looked for. */
const CARRY_IN_LOOKBACK_PERIODS = 24;

export interface RatingPlan {
  segments: PlanSegment[];
  planVersions: { planId: string; version: number }[];
}

/** The plan segments of an account's period (subscription and price book), or null when it has no plan. */
export type RatingPlanLoader = (accountId: string, period: string, timeZone: string) => Promise<RatingPlan | null>;

/** Usage events as the rating engine reads them: buckets by id, counts as integer strings. */
export function toPeriodUsage(events: readonly { type: string; data: unknown }[]): PeriodUsage {
  const usage: PeriodUsage = { storage: [], traffic: [], deletions: [] };
  for (const { type, data } of events) {
    const event = { type, data } as UsageEvent;
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

/**
 * Bytes in force per bucket when the period opens: each bucket's last storage sample in the
 * periods before, as known now. The invoice records the result, so an audit replays it as is.
 */
export async function carriedInStorage(eventStore: EventStore, accountId: string, period: string): Promise<Record<string, string>> {
  const found: Record<string, { at: number; bytes: string }> = {};
  let earlier = period;
  // Newest period first: a bucket found there is settled; older periods only add buckets.
  for (let i = 0; i < CARRY_IN_LOOKBACK_PERIODS; i++) {
    earlier = previousPeriod(earlier);
    const latestHere: Record<string, { at: number; bytes: string }> = {};
    for (const sample of toPeriodUsage(await eventStore.readStream(usageStream(accountId, earlier))).storage) {
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
  return Object.fromEntries(
    Object.entries(found)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([bucket, { bytes }]) => [bucket, bytes]),
  );
}

/**
 * Account credit available to the period's invoice: Σ credited − Σ applied to other periods'
 * invoices (what this period's own draft already took, if anything, is available to it again).
 */
export async function creditAvailableFor(eventStore: EventStore, accountId: string, period: string, currency: Currency): Promise<string> {
  const { state } = await loadAggregate(eventStore, creditDecider, creditStream(accountId));
  return formatMoney(maxOf(ZERO, availableCredit(state, period)), currency);
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

export type { PlanVersion };
