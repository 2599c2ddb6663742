import type { AuditDescriber } from './audit-description.ts';
import { subscriptionEvents, type SubscriptionEvent } from '../../domain/subscription/subscription-events.ts';

function summarize(event: SubscriptionEvent): string {
  const { planId, previousPlanId, effectiveAt } = event.data;
  return previousPlanId === null
    ? `Subscribed to plan ${planId}, effective ${effectiveAt}`
    : `Plan changed from ${previousPlanId} to ${planId}, effective ${effectiveAt}`;
}

/** How subscription events read in the account's audit log. */
export const describeSubscriptionEvent: AuditDescriber = (type, data) => {
  const event = { type, data };
  if (!subscriptionEvents.is(event)) return null;
  return { accountId: event.data.accountId, resourceType: 'subscription', resourceId: event.data.accountId, summary: summarize(event) };
};
