import { ValidationError, type FieldIssue } from '../domain/errors.ts';
import { gib, meterSegments, parseUsage, periodBounds, periodOf, rateInvoice, type Currency, type ExactDecimal, type PeriodBounds, type PeriodUsage, type RatedInvoice } from '../domain/rating/index.ts';
import type { EventStore } from '../ports/event-store.ts';
import { periodStorage, readPeriodUsage, toPeriodUsage, type RatingPlan } from './invoice-inputs.ts';
import { usageSoFar } from './usage-so-far.ts';
import type { UsageSoFarInputs } from './usage-so-far-inputs.ts';

/** An account's period so far (`GET /accounts/:id/usage`), with the invoice it would get. */
export interface UsageEstimate {
  period: string;
  bounds: PeriodBounds;
  /** now, within the period's bounds */
  asOf: string;
  toDate: { storageGibMonthsToDate: ExactDecimal; egressBytes: bigint; ingressBytes: bigint; requestsA: bigint; requestsB: bigint };
  /** the period rated as if the storage in force now held to its end and no more traffic came; null without a plan */
  estimate: RatedInvoice | null;
}

export interface UsageEstimateDeps {
  eventStore: EventStore;
  /** what the estimate keeps between requests (accounts, plans, folds), kept current by the log */
  inputs: UsageSoFarInputs;
}

/**
 * The usage estimate, as one function of (account, period or the current one, now); null
 * when the account does not exist. It answers from the usage-totals read model and the
 * stream after it, unless a plan change cuts the period (storage must then be cut at the
 * change) or the read model cannot answer exactly: then from the period's whole stream.
 */
export function createUsageEstimates(deps: UsageEstimateDeps) {
  const { eventStore, inputs } = deps;
  // A kept plan stays one object until a stream it came from changes: the same usage on it rates the same.
  const estimates = new WeakMap<RatingPlan, { key: string; estimate: RatedInvoice }>();
  const estimateOn = (plan: RatingPlan, period: string, timeZone: string, currency: Currency, usage: PeriodUsage) => {
    const key = `${period} ${timeZone} ${currency} ${JSON.stringify(usage)}`;
    const last = estimates.get(plan);
    if (last?.key === key) return last.estimate;
    const estimate = rateInvoice({ period, timeZone, currency, segments: plan.segments, usage, carriedInStorage: {}, creditAvailable: '0' });
    estimates.set(plan, { key, estimate });
    return estimate;
  };
  // Bounds depend on the period and zone only; the zone's offsets are looked up day by day.
  const keptBounds = new Map<string, PeriodBounds>();
  const boundsOf = (period: string, timeZone: string) => {
    const key = `${period} ${timeZone}`;
    let found = keptBounds.get(key);
    if (!found) {
      if (keptBounds.size >= 1_000) keptBounds.clear();
      keptBounds.set(key, (found = periodBounds(period, timeZone)));
    }
    return found;
  };

  return async function usageEstimate(accountId: string, requestedPeriod: string | undefined, now: string): Promise<UsageEstimate | null> {
    const account = await inputs.account(accountId);
    if (!account) return null;
    const nowMs = Date.parse(now);
    const period = requestedPeriod ?? periodOf(now, account.timeZone);
    const bounds = boundsOf(period, account.timeZone);
    const startMs = Date.parse(bounds.start);
    const endMs = Date.parse(bounds.end);
    const asOfMs = Math.min(Math.max(nowMs, startMs), endMs);

    const { timeZone, currency } = account;
    const plan = await inputs.ratingPlan(accountId, period, timeZone);
    const estimable = plan !== null && Date.parse(plan.segments[0]!.from) <= startMs;
    const folded = !estimable || plan.segments.length === 1 ? await usageSoFar(inputs.sources, accountId, period, timeZone, { startMs, endMs }, asOfMs) : null;
    const { sofar, estimate } = folded
      ? {
          sofar: folded,
          estimate: estimable ? estimateOn(plan, period, timeZone, currency, folded.estimateUsage) : null,
        }
      : await replayed();
    const toDate = asOfMs > startMs ? sofar : { storageGibMonths: gib(0n), storageGibMonthsToDate: gib(0n), egressBytes: 0n, ingressBytes: 0n, requestsA: 0n, requestsB: 0n };
    return { period, bounds, asOf: new Date(asOfMs).toISOString(), toDate, estimate };

    /** The period's whole stream replayed: what the read model's figures must equal. */
    async function replayed() {
      const usage = await readPeriodUsage(eventStore, accountId, period);
      const events = toPeriodUsage(usage.events);
      // a deleted bucket holds 0 from its deletion, to date and in the estimate
      const { carriedIn, deletions } = await periodStorage(eventStore, accountId, period, timeZone, events);
      const periodUsage = { ...events, deletions };
      const issues: FieldIssue[] = [];
      const parsed = parseUsage(periodUsage, carriedIn, startMs, endMs, issues);
      if (issues.length > 0) throw new ValidationError(issues);
      const boundaries = asOfMs > startMs && asOfMs < endMs ? [startMs, asOfMs, endMs] : [startMs, endMs];
      const [segment] = meterSegments(parsed, boundaries);
      return {
        sofar: { ...segment!, storageGibMonthsToDate: segment!.storageGibMonths },
        estimate: estimable ? rateInvoice({ period, timeZone, currency, segments: plan!.segments, usage: periodUsage, carriedInStorage: carriedIn, creditAvailable: '0' }) : null,
      };
    }
  };
}

export type UsageEstimates = ReturnType<typeof createUsageEstimates>;
