import type { Transaction } from 'kysely';
import { subscriptionEvents } from '../../domain/subscription/subscription-events.ts';
import type { RecordedEvent } from '../../ports/event-store.ts';
import type { Projection } from '../projection.ts';
import type { SubscriptionTables } from './subscription-tables.ts';

/** Each account's latest plan change, and the history of its changes. */
export const subscriptionsProjection: Projection = {
  name: 'subscriptions',
  eventTypes: new Set(subscriptionEvents.types),
  tables: ['subscriptions', 'subscription_changes'],

  async apply(trx: Transaction<SubscriptionTables>, recorded: RecordedEvent) {
    const event = subscriptionEvents.narrow(recorded);
    const d = event.data;
    const revision = recorded.streamRevision.toString();
    const row = { plan_id: d.planId, previous_plan_id: d.previousPlanId, effective_at: d.effectiveAt, changed_at: d.changedAt };
    await trx.insertInto('subscription_changes').values({ account_id: d.accountId, revision, ...row }).execute();
    await trx
      .insertInto('subscriptions')
      .values({ account_id: d.accountId, revision, ...row })
      .onConflict((oc) => oc.column('account_id').doUpdateSet({ revision, ...row }))
      .execute();
  },
};

export const subscriptionProjections: Projection[] = [subscriptionsProjection];
