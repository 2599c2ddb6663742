import type { AuditDescriber } from './audit-description.ts';
import type { SubscriptionEvent } from '../../domain/subscription/subscription-events.ts';

function summarize(event: SubscriptionEvent): string {
  const { planId, previousPlanId, effectiveAt } = event.data;
  return previousPlanId === null
    ? `Subscribed to plan ${planId}, effective ${effectiveAt}`
    : `Plan changed from ${previousPlanId} to ${planId}, effective ${effectiveAt}`;
}

/** How subscription events read in the account's audit log. */
export const describeSubscriptionEvent: AuditDescriber = (type, data) => {
  if (type !== 'SubscriptionChanged') return null;
  const event = { type, data } as SubscriptionEvent;
  return { accountId: event.data.accountId, resourceType: 'subscription', resourceId: event.data.accountId, summary: summarize(event) };
};
