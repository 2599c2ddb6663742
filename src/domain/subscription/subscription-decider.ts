import { assertNever, type Decider } from '../decider.ts';
import { IllegalStateError, NotFoundError, ValidationError, type FieldIssue } from '../errors.ts';
import { periodOf } from '../rating/billing-period.ts';
import { checkInstant, formatInstant, parseInstant } from '../rating/instant.ts';
import { versionInForce } from '../pricebook/pricebook-decider.ts';
import type { ChangeSubscription, SubscriptionCommand } from './subscription-commands.ts';
import type { SubscriptionChanged, SubscriptionEvent } from './subscription-events.ts';

/**
 * An account's plan over time: every change, in the order recorded, with non-decreasing
 * `effectiveAt`. There is no "unsubscribe": once subscribed, an account is always on some
 * plan, so the only time without a plan is before its first subscription.
 */
export type SubscriptionState =
  | { status: 'none' }
  | { status: 'subscribed'; accountId: string; planId: string; effectiveAt: string; changes: SubscriptionChanged['data'][] };

/** The plan in force at an instant (ms), or null before the first change takes effect. */
export function planAt(changes: readonly Pick<SubscriptionChanged['data'], 'planId' | 'effectiveAt'>[], ms: number): string | null {
  let planId: string | null = null;
  for (const change of changes) if (parseInstant(change.effectiveAt)! <= ms) planId = change.planId;
  return planId;
}

function changeSubscription({ data }: ChangeSubscription, state: SubscriptionState): SubscriptionEvent[] {
  const issues: FieldIssue[] = [];
  const effectiveMs = checkInstant(data.effectiveAt, 'effectiveAt', issues);
  if (effectiveMs === null) throw new ValidationError(issues);
  if (data.account.status === 'closed') throw new IllegalStateError('account_closed', `account ${data.accountId} is closed`);
  if (data.plan === null) throw new NotFoundError('plan_not_found', `plan ${data.planId} does not exist`);
  const latest = state.status === 'subscribed' ? state : null;
  // Asking for the plan the account is already (or about to be) on records nothing.
  if (latest && latest.planId === data.planId) return [];
  if (latest && effectiveMs < parseInstant(latest.effectiveAt)!) {
    throw new IllegalStateError(
      'effective_before_last_change',
      `the last plan change takes effect at ${latest.effectiveAt}; a new one cannot take effect before it`,
    );
  }
  if (data.plan.currency !== data.account.currency) {
    throw new IllegalStateError('currency_mismatch', `plan ${data.planId} is priced in ${data.plan.currency}, account ${data.accountId} is billed in ${data.account.currency}`);
  }
  // Rating needs a version of the plan for every period from this change on; versions only
  // ever add later periods, so one in force for this change's period is enough.
  const period = periodOf(formatInstant(effectiveMs), data.account.timeZone);
  if (versionInForce(data.plan.versions, period) === null) {
    const first = data.plan.versions[0]?.effectiveFrom ?? 'no period';
    throw new IllegalStateError('plan_not_yet_effective', `plan ${data.planId} takes effect in ${first}; ${period}, the account's period at ${formatInstant(effectiveMs)}, has no version of it`);
  }
  return [
    {
      type: 'SubscriptionChanged',
      data: {
        accountId: data.accountId,
        planId: data.planId,
        effectiveAt: formatInstant(effectiveMs),
        changedAt: data.changedAt,
        previousPlanId: latest ? latest.planId : null,
      },
    },
  ];
}

export const subscriptionDecider: Decider<SubscriptionCommand, SubscriptionEvent, SubscriptionState> = {
  initialState: () => ({ status: 'none' }),

  decide(command, state) {
    switch (command.type) {
      case 'ChangeSubscription':
        return changeSubscription(command, state);
      default:
        return assertNever(command.type as never);
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'SubscriptionChanged': {
        const { accountId, planId, effectiveAt } = event.data;
        return { status: 'subscribed', accountId, planId, effectiveAt, changes: [...(state.status === 'none' ? [] : state.changes), event.data] };
      }
      default:
        return assertNever(event.type as never);
    }
  },
};
