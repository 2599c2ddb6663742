import type { StateAt } from '../../commands/state-at.ts';
import type { SubscriptionCommands } from '../../commands/subscription-commands.ts';
import type { SubscriptionState } from '../../domain/subscription/subscription-decider.ts';
import type { requireAccount } from '../../projections/accounts/accounts-queries.ts';
import type { listSubscriptionChanges } from '../../projections/subscriptions/subscription-queries.ts';
import type { Query, RouteRegistry } from '../route.ts';
import { AccountIdParams } from '../schemas/account-schemas.ts';
import { AsOfQuery } from '../schemas/instant-schemas.ts';
import { ChangeSubscriptionBody, SubscriptionView, type SubscriptionChangeView } from '../schemas/subscription-schemas.ts';
import { iso } from './iso.ts';

const tags = ['subscriptions'];

/** The same view from the write model's changes or the read model's rows: what is in force at `now`, and what is scheduled. */
export function subscriptionView(accountId: string, history: SubscriptionChangeView[], now: string): SubscriptionView {
  const nowMs = Date.parse(now);
  const past = history.filter((c) => Date.parse(c.effectiveAt) <= nowMs);
  const current = past[past.length - 1] ?? null;
  return {
    accountId,
    planId: current ? current.planId : null,
    since: current ? current.effectiveAt : null,
    scheduled: history.filter((c) => Date.parse(c.effectiveAt) > nowMs),
    history,
  };
}

/** The changes as the write model has them, as the read model lists them. */
export function subscriptionHistoryFromState(state: SubscriptionState): SubscriptionChangeView[] {
  return state.status === 'none' ? [] : state.changes.map(({ planId, previousPlanId, effectiveAt, changedAt }) => ({ planId, previousPlanId, effectiveAt: iso(effectiveAt), changedAt: iso(changedAt) }));
}

export interface SubscriptionRoutesDeps {
  changeSubscription: SubscriptionCommands['change'];
  requireAccount: Query<typeof requireAccount>;
  listSubscriptionChanges: Query<typeof listSubscriptionChanges>;
  /** `?asOf=`: the changes recorded by an instant */
  subscriptionAt: StateAt['subscription'];
}

export function registerSubscriptionRoutes(routes: RouteRegistry, deps: SubscriptionRoutesDeps): void {

  routes.add({
    method: 'PUT',
    url: '/accounts/:accountId/subscription',
    summary: "Subscribe the account to a plan, or change its plan, from an instant (operators); the same plan again records nothing",
    tags,
    access: 'account:operator',
    params: AccountIdParams,
    body: ChangeSubscriptionBody,
    responses: { 200: SubscriptionView },
    async handler({ params, body, context }) {
      const { state, position } = await deps.changeSubscription({ accountId: params.accountId, planId: body.planId, ...(body.effectiveAt ? { effectiveAt: body.effectiveAt } : {}) }, context);
      const history = subscriptionHistoryFromState(state);
      return { status: 200, body: subscriptionView(params.accountId, history, context.occurredAt), headers: position ? { 'event-position': position } : undefined };
    },
  });

  routes.add({
    method: 'GET',
    url: '/accounts/:accountId/subscription',
    summary: "The account's plan now, changes scheduled, and every change so far",
    tags,
    access: 'account:read',
    readModels: ['accounts', 'subscriptions'],
    params: AccountIdParams,
    query: AsOfQuery,
    responses: { 200: SubscriptionView },
    async handler({ params, query, context }) {
      if (query.asOf) {
        const state = await deps.subscriptionAt(params.accountId, { asOf: query.asOf, now: context.occurredAt });
        // what is in force and what is scheduled, as they were told at that instant
        return { status: 200, body: subscriptionView(params.accountId, subscriptionHistoryFromState(state), query.asOf) };
      }
      await deps.requireAccount(params.accountId);
      const rows = await deps.listSubscriptionChanges(params.accountId);
      const history = rows.map((r) => ({ planId: r.plan_id, previousPlanId: r.previous_plan_id, effectiveAt: iso(r.effective_at), changedAt: iso(r.changed_at) }));
      return { status: 200, body: subscriptionView(params.accountId, history, context.occurredAt) };
    },
  });
}
