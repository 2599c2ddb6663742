import type { DomainEvent } from '../decider.ts';
import { eventUnion } from '../shared/event-union.ts';

/**
 * An account's plan over time, `subscription-<accountId>`. A change at an instant inside a
 * period splits it into segments, each rated on its own plan (DESIGN, "Price changes").
 */
export type SubscriptionChanged = DomainEvent<
  'SubscriptionChanged',
  { accountId: string; planId: string; effectiveAt: string; changedAt: string; previousPlanId: string | null }
>;

export type SubscriptionEvent = SubscriptionChanged;
export const subscriptionEvents = eventUnion<SubscriptionEvent>({ SubscriptionChanged: true });

export const subscriptionStream = (accountId: string) => `subscription-${accountId}`;
