import { assertNever } from '../../domain/decider.ts';
import { webhookDeliveryEvents, webhookEvents } from '../../domain/webhook/webhook-events.ts';
import type { AuditDescriber } from './audit-description.ts';

/**
 * Who pointed the account's events at which endpoint, and who asked for a message again. The
 * tries themselves are the delivery list's business, not the audit log's: a retrying endpoint
 * would bury everything else.
 */
export const describeWebhookEvent: AuditDescriber = (type, data) => {
  const envelope = { type, data };
  if (webhookEvents.is(envelope)) {
    switch (envelope.type) {
      case 'WebhookRegistered': {
        const { accountId, webhookId, url, kinds } = envelope.data;
        return { accountId, resourceType: 'webhook', resourceId: webhookId, summary: `Webhook registered for ${url} (${kinds.join(', ')})` };
      }
      case 'WebhookRemoved': {
        const { accountId, webhookId } = envelope.data;
        return { accountId, resourceType: 'webhook', resourceId: webhookId, summary: 'Webhook removed' };
      }
      default:
        return assertNever(envelope);
    }
  }
  if (webhookDeliveryEvents.is(envelope) && envelope.type === 'WebhookRedeliveryRequested') {
    const { accountId, webhookId, deliveryId } = envelope.data;
    return { accountId, resourceType: 'webhook', resourceId: webhookId, summary: `Delivery ${deliveryId} asked to be sent again` };
  }
  return null;
};
