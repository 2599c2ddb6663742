import type { DomainEvent } from '../decider.ts';
import { eventUnion } from '../shared/event-union.ts';
import type { SealedSecret } from '../shared/sealed-secret.ts';
import type { WebhookKind } from './webhook-kinds.ts';

/** An account's endpoint and the kinds it hears about; its signing secret only sealed. */
export type WebhookRegistered = DomainEvent<
  'WebhookRegistered',
  { accountId: string; webhookId: string; url: string; kinds: WebhookKind[]; signingSecret: SealedSecret; registeredAt: string; registeredBy: string }
>;
/** No message is sent to it from here on, tries of earlier ones and redeliveries included. */
export type WebhookRemoved = DomainEvent<'WebhookRemoved', { accountId: string; webhookId: string; removedAt: string; removedBy: string }>;

export type WebhookEvent = WebhookRegistered | WebhookRemoved;
export const webhookEvents = eventUnion<WebhookEvent>({ WebhookRegistered: true, WebhookRemoved: true });

/** An account's webhooks, all in one stream: the reactor reads who to tell from the log itself, with no read model lag. */
export const webhooksStream = (accountId: string) => `webhooks-${accountId}`;

/**
 * One message for one webhook: the body is fixed when it is scheduled, and every attempt and
 * redelivery sends that body under the same `webhook-id` (the delivery id), so a receiver can
 * drop repeats.
 */
export type WebhookDeliveryScheduled = DomainEvent<
  'WebhookDeliveryScheduled',
  {
    accountId: string;
    webhookId: string;
    deliveryId: string;
    kind: WebhookKind;
    sourceEventId: string;
    /** what the message is about (an invoice, a bucket…): one webhook's messages about it go in log order */
    subject: string;
    body: string;
    scheduledAt: string;
  }
>;
/** One try: the receiver's status code (null when none came back) and how long it took. */
export type WebhookDeliveryAttempted = DomainEvent<
  'WebhookDeliveryAttempted',
  {
    accountId: string;
    webhookId: string;
    deliveryId: string;
    attempt: number;
    attemptedAt: string;
    statusCode: number | null;
    latencyMs: number;
    succeeded: boolean;
    /** why it failed, in words (a network error or the status); null when it succeeded */
    error: string | null;
  }
>;
/** Retries ran out (or the endpoint is refused for good); a redelivery can still send it. */
export type WebhookDeliveryAbandoned = DomainEvent<
  'WebhookDeliveryAbandoned',
  { accountId: string; webhookId: string; deliveryId: string; reason: string; abandonedAt: string }
>;
export type WebhookRedeliveryRequested = DomainEvent<
  'WebhookRedeliveryRequested',
  { accountId: string; webhookId: string; deliveryId: string; requestId: string; requestedAt: string; requestedBy: string }
>;

export type WebhookDeliveryEvent = WebhookDeliveryScheduled | WebhookDeliveryAttempted | WebhookDeliveryAbandoned | WebhookRedeliveryRequested;
export const webhookDeliveryEvents = eventUnion<WebhookDeliveryEvent>({
  WebhookDeliveryScheduled: true,
  WebhookDeliveryAttempted: true,
  WebhookDeliveryAbandoned: true,
  WebhookRedeliveryRequested: true,
});

export const webhookDeliveryStream = (deliveryId: string) => `webhookdelivery-${deliveryId}`;
