import { accountDecider } from '../domain/account/account-decider.ts';
import { accountStream } from '../domain/account/account-streams.ts';
import { NotFoundError } from '../domain/errors.ts';
import type { PlanVersionPublished } from '../domain/pricebook/pricebook-events.ts';
import { pricebookStream } from '../domain/pricebook/pricebook-events.ts';
import { periodBounds } from '../domain/rating/billing-period.ts';
import { parseInstant } from '../domain/rating/instant.ts';
import { planSegments, type Segment } from '../domain/subscription/plan-segments.ts';
import { subscriptionDecider, type SubscriptionState } from '../domain/subscription/subscription-decider.ts';
import type { SubscriptionChanged, SubscriptionEvent } from '../domain/subscription/subscription-events.ts';
import { subscriptionStream } from '../domain/subscription/subscription-events.ts';
import type { EventStore } from '../ports/event-store.ts';
import { handleCommand, loadAggregate, type CommandContext, type CommandResult } from './command-handler.ts';
import { loadPlan } from './pricebook-commands.ts';

export type SubscriptionCommands = ReturnType<typeof createSubscriptionCommands>;
export type SubscriptionResult = CommandResult<SubscriptionEvent, SubscriptionState>;

export function createSubscriptionCommands(eventStore: EventStore) {
  return {
    /**
     * Subscribe, or change plan, from `effectiveAt` (default: the request's instant). The
     * account and the plan are read from their own streams and handed to the decider; a plan
     * published meanwhile changes nothing a decision depends on (versions only add later periods).
     */
    async change(input: { accountId: string; planId: string; effectiveAt?: string }, context: CommandContext): Promise<SubscriptionResult> {
      const { state: account } = await loadAggregate(eventStore, accountDecider, accountStream(input.accountId));
      if (account.status === 'none') throw new NotFoundError('account_not_found', `account ${input.accountId} does not exist`);
      const plan = await loadPlan(eventStore, input.planId);
      return handleCommand(
        eventStore,
        subscriptionDecider,
        subscriptionStream(input.accountId),
        {
          type: 'ChangeSubscription',
          data: {
            accountId: input.accountId,
            planId: input.planId,
            effectiveAt: input.effectiveAt ?? context.occurredAt,
            changedAt: context.occurredAt,
            account: { status: account.status, currency: account.currency, timeZone: account.timeZone },
            plan: plan.status === 'none' ? null : { currency: plan.currency, versions: plan.versions.map(({ version, effectiveFrom }) => ({ version, effectiveFrom })) },
          },
        },
        context,
      );
    },
  };
}

export interface RatingPlan {
  /** contiguous, in time order; empty when the account had no plan during the period (see planSegments) */
  segments: Segment[];
  /** every plan version the segments use, once each, in segment order: what an invoice records */
  planVersions: { planId: string; version: number }[];
  /** revision of the subscription stream's last event read (null: no subscription); pass it back to replay exactly */
  subscriptionRevision: bigint | null;
}

/**
 * What the billing run rates a period on: the account's subscription stream, and the
 * price-book streams of the plans in force during the period, folded into plan segments.
 * `asOf.subscriptionRevision` reads the subscription only up to that revision, so an audit
 * replays the segments an invoice was computed from even after later (back-dated) changes.
 */
export async function loadRatingPlan(
  eventStore: EventStore,
  accountId: string,
  period: string,
  timeZone: string,
  asOf: { subscriptionRevision?: bigint | null } = {},
): Promise<RatingPlan> {
  const bounds = periodBounds(period, timeZone);
  if (asOf.subscriptionRevision === null) return { segments: [], planVersions: [], subscriptionRevision: null };
  const recorded = await eventStore.readStream(
    subscriptionStream(accountId),
    asOf.subscriptionRevision === undefined ? {} : { maxCount: Number(asOf.subscriptionRevision) + 1 },
  );
  const changes = recorded.filter((e) => e.type === 'SubscriptionChanged').map((e) => e.data as SubscriptionChanged['data']);
  const last = recorded[recorded.length - 1];
  const subscriptionRevision = last ? last.streamRevision : null;

  // Only the plans in force at some instant of the period: the one it opens on, and later changes before its end.
  const needed = new Set<string>();
  let opening: string | null = null;
  for (const change of changes) {
    const ms = parseInstant(change.effectiveAt)!;
    if (ms <= bounds.startMs) opening = change.planId;
    else if (ms < bounds.endMs) needed.add(change.planId);
  }
  if (opening !== null) needed.add(opening);
  const planVersionsByPlan: Record<string, PlanVersionPublished['data'][]> = {};
  await Promise.all(
    [...needed].map(async (planId) => {
      const events = await eventStore.readStream(pricebookStream(planId));
      planVersionsByPlan[planId] = events.filter((e) => e.type === 'PlanVersionPublished').map((e) => e.data as PlanVersionPublished['data']);
    }),
  );
  const segments = planSegments({ period, timeZone, subscriptionChanges: changes, planVersionsByPlan });
  const planVersions: RatingPlan['planVersions'] = [];
  for (const { plan } of segments) {
    if (!planVersions.some((p) => p.planId === plan.planId && p.version === plan.version)) planVersions.push({ planId: plan.planId, version: plan.version });
  }
  return { segments, planVersions, subscriptionRevision };
}
