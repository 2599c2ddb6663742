import { IllegalStateError, ValidationError, type FieldIssue } from '../errors.ts';
import { versionInForce } from '../pricebook/pricebook-decider.ts';
import type { PlanVersionPublished } from '../pricebook/pricebook-events.ts';
import { periodBounds, type BillingPeriod } from '../rating/billing-period.ts';
import { checkInstant, formatInstant } from '../rating/instant.ts';
import type { PlanVersion } from '../rating/plan.ts';
import type { SubscriptionChanged } from './subscription-events.ts';

export interface PlanSegmentsInput {
  period: BillingPeriod;
  /** the account's IANA zone: the period's bounds, and which period a version applies to */
  timeZone: string;
  /** the account's subscription changes, in the order recorded (`effectiveAt` never decreases) */
  subscriptionChanges: readonly Pick<SubscriptionChanged['data'], 'planId' | 'effectiveAt'>[];
  /** every published version of (at least) each plan the changes name */
  planVersionsByPlan: Readonly<Record<string, readonly Pick<PlanVersionPublished['data'], 'version' | 'effectiveFrom' | 'plan'>[]>>;
}

/** `[from, to)` on one plan version; instants in canonical UTC (`2026-06-16T03:00:00.000Z`). */
export interface Segment {
  from: string;
  to: string;
  plan: PlanVersion;
}

/**
 * The plans a period is rated on (DESIGN, "Price changes"), as segments in time order:
 *
 * - A subscription change at an instant strictly inside the period splits it there; a change
 *   at or before the period's start decides the plan the period opens on. Of several changes
 *   at one instant the last recorded wins (no empty segment is produced), and neighbouring
 *   segments on the same plan are one segment.
 * - Each segment is rated on the version of its plan in force for the period: the latest
 *   version whose `effectiveFrom` is at or before the period. A version published for a later
 *   period does not touch this one, and a plan never changes version inside a period.
 * - **Before the first subscription there is no plan, and no segment.** Segments are
 *   contiguous and run from the first subscription's `effectiveAt` (or the period's start,
 *   if that is earlier) to the period's end; a period that ends before the first
 *   subscription gives no segments at all. There is no unsubscribe, so that leading gap is the
 *   only one there can be. Whoever rates the period decides what the gap means (the first
 *   segment's `from` says where it ends); nothing is charged for it here.
 *
 * Fails (IllegalStateError `no_plan_version`) when a plan in force has no version for the
 * period; the subscription decider refuses such a change, so only an inconsistent input gets here.
 */
export function planSegments({ period, timeZone, subscriptionChanges, planVersionsByPlan }: PlanSegmentsInput): Segment[] {
  const bounds = periodBounds(period, timeZone);
  const issues: FieldIssue[] = [];
  const changes = subscriptionChanges.map((change, i) => ({ planId: change.planId, ms: checkInstant(change.effectiveAt, `subscriptionChanges[${i}].effectiveAt`, issues) }));
  if (issues.length > 0) throw new ValidationError(issues);
  // Recorded order is already time order; a stable sort keeps "last recorded wins" if not.
  const ordered = (changes as { planId: string; ms: number }[]).map((c, i) => ({ ...c, i })).sort((a, b) => a.ms - b.ms || a.i - b.i);

  let current: string | null = null;
  let from = bounds.startMs;
  const raw: { fromMs: number; toMs: number; planId: string }[] = [];
  const close = (toMs: number) => {
    if (current === null || toMs <= from) return;
    const last = raw[raw.length - 1];
    if (last && last.planId === current && last.toMs === from) last.toMs = toMs;
    else raw.push({ fromMs: from, toMs, planId: current });
  };
  for (const change of ordered) {
    if (change.ms >= bounds.endMs) break;
    if (change.ms > from) {
      close(change.ms);
      from = change.ms;
    }
    current = change.planId;
  }
  close(bounds.endMs);

  const plans = new Map<string, PlanVersion>();
  const planFor = (planId: string): PlanVersion => {
    let plan = plans.get(planId);
    if (!plan) {
      const versions = Object.hasOwn(planVersionsByPlan, planId) ? planVersionsByPlan[planId]! : [];
      const inForce = versionInForce(versions, period);
      if (!inForce) throw new IllegalStateError('no_plan_version', `plan ${planId} has no version in force for ${period}`);
      plan = versions.find((v) => v.version === inForce.version)!.plan;
      plans.set(planId, plan);
    }
    return plan;
  };
  return raw.map((s) => ({ from: formatInstant(s.fromMs), to: formatInstant(s.toMs), plan: planFor(s.planId) }));
}
