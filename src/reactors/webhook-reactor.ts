import { loadAggregate } from '../commands/command-handler.ts';
import { uuidV5 } from '../commands/usage-ingestion.ts';
import { webhookHeaders } from '../commands/webhook-signature.ts';
import { assertNever } from '../domain/decider.ts';
import { webhooksDecider, webhooksHearing, type Webhook } from '../domain/webhook/webhook-decider.ts';
import { webhookDeliveryDecider, type WebhookDeliveryCommand } from '../domain/webhook/webhook-delivery.ts';
import { webhookDeliveryEvents, webhookDeliveryStream, webhooksStream, type WebhookDeliveryScheduled } from '../domain/webhook/webhook-events.ts';
import { webhookBody, webhookMessageOf, webhookSources, type WebhookMessage } from '../domain/webhook/webhook-kinds.ts';
import { handleCommand, type CommandContext } from '../commands/command-handler.ts';
import type { EventStore } from '../ports/event-store.ts';
import { RemoteError } from '../ports/remote-error.ts';
import type { SecretSealer } from '../ports/secret-sealer.ts';
import { WebhookUnanswered, type WebhookSender } from '../ports/webhook-sender.ts';
import type { Reactor, ReactorContext, ReactorJobRequest } from './reactor.ts';

export interface WebhookReactorDeps {
  eventStore: EventStore;
  secrets: SecretSealer;
  send: WebhookSender;
}

type WebhookJob =
  /** a source event: schedule a delivery for each webhook that hears it */
  | { kind: 'deliver'; payload: { sourceEventId: string; message: WebhookMessage } }
  /** one scheduled delivery, or a redelivery: send it to its webhook */
  | { kind: 'send'; payload: { deliveryId: string } }
  | { kind: 'redeliver'; payload: { deliveryId: string } };

/** A delivery's id, and so the message's `webhook-id`: the same for every try of one message to one webhook. */
export const webhookDeliveryId = (webhookId: string, sourceEventId: string) => uuidV5(`${webhookId}:${sourceEventId}`, WEBHOOK_DELIVERY_NAMESPACE);
const WEBHOOK_DELIVERY_NAMESPACE = '4a1d9c3e-7b52-4f08-9e6d-2c8b1f5a7e39';

/** Retries over about a day: 30 s, doubling to two hours, 18 tries in all. */
export const WEBHOOK_RETRY = { maxAttempts: 18, baseMs: 30_000, maxMs: 2 * 3_600_000 };

/**
 * Tells accounts' webhooks what happened: one message per source event and webhook, signed
 * (Standard Webhooks), at least once with a stable webhook-id, messages about one subject in
 * log order. Every try is recorded as an event of its delivery, with the status code and the
 * time it took. The webhooks are read from the log (the account's webhooks stream), so one
 * registered a moment before an event hears about it.
 */
export function webhookReactor({ eventStore, secrets, send }: WebhookReactorDeps): Reactor {
  const record = (deliveryId: string, command: WebhookDeliveryCommand, context: CommandContext) =>
    handleCommand(eventStore, webhookDeliveryDecider, webhookDeliveryStream(deliveryId), command, context);

  /** One try of one delivery; returns why it failed, or null when the receiver took it (2xx). */
  async function attempt(webhook: Webhook, scheduled: WebhookDeliveryScheduled['data'], now: Date, context: CommandContext): Promise<{ failure: string; retryable: boolean } | null> {
    const secret = await secrets.open(webhook.signingSecret);
    let statusCode: number | null = null;
    let latencyMs: number;
    let error: string | null = null;
    let retryable = true;
    try {
      const answer = await send({ url: webhook.url, headers: webhookHeaders(secret, scheduled.deliveryId, now, scheduled.body), body: scheduled.body });
      statusCode = answer.statusCode;
      latencyMs = answer.latencyMs;
      if (statusCode < 200 || statusCode > 299) error = `the receiver answered ${statusCode}`;
    } catch (failure) {
      if (!(failure instanceof WebhookUnanswered)) throw failure;
      latencyMs = failure.latencyMs;
      error = failure.message;
      retryable = failure.retryable;
    }
    const { accountId, webhookId, deliveryId } = scheduled;
    await record(deliveryId, { type: 'RecordWebhookAttempt', data: { accountId, webhookId, deliveryId, attemptedAt: now.toISOString(), statusCode, latencyMs, succeeded: error === null, error } }, context);
    return error === null ? null : { failure: `${webhook.url}: ${error}`, retryable };
  }

  const webhookOf = async (accountId: string, webhookId: string) => (await loadAggregate(eventStore, webhooksDecider, webhooksStream(accountId))).state.webhooks.get(webhookId);

  /** One try of one delivery; throws for the runner to retry (or give up) when it failed. */
  async function sendDelivery(deliveryId: string, context: ReactorContext, again: boolean): Promise<void> {
    const { state: delivery } = await loadAggregate(eventStore, webhookDeliveryDecider, webhookDeliveryStream(deliveryId));
    if (delivery.status === 'none') throw new RemoteError('webhook', `delivery ${deliveryId} does not exist`, false);
    // A try after a crash: what was delivered (or given up) stays so; a redelivery sends anyway.
    if (!again && delivery.status !== 'pending') return;
    const webhook = await webhookOf(delivery.scheduled.accountId, delivery.scheduled.webhookId);
    if (!webhook || webhook.removedAt !== null) throw new RemoteError('webhook', `webhook ${delivery.scheduled.webhookId} was removed; nothing to send to`, false);
    const failed = await attempt(webhook, delivery.scheduled, context.now, context.command);
    if (failed) throw new RemoteError('webhook', failed.failure, failed.retryable);
  }

  const reactor: Reactor<WebhookJob> = {
    name: 'webhooks',
    eventTypes: new Set([...webhookSources.types, 'WebhookDeliveryScheduled', 'WebhookRedeliveryRequested']),
    retry: WEBHOOK_RETRY,
    jobsFor(event): ReactorJobRequest<WebhookJob>[] {
      if (webhookSources.is(event)) {
        const message = webhookMessageOf(event);
        return [{ jobId: event.eventId, subject: `webhook:${message.subject}`, accountId: message.accountId, kind: 'deliver', payload: { sourceEventId: event.eventId, message } }];
      }
      if (!webhookDeliveryEvents.is(event)) return [];
      // Each webhook's messages about one subject in log order; one failing endpoint holds up no other.
      if (event.type === 'WebhookDeliveryScheduled') {
        const { deliveryId, accountId, webhookId, subject } = event.data;
        return [{ jobId: event.eventId, subject: `webhook:${webhookId}:${subject}`, accountId, kind: 'send', payload: { deliveryId } }];
      }
      if (event.type === 'WebhookRedeliveryRequested') {
        const { deliveryId, accountId } = event.data;
        return [{ jobId: event.eventId, subject: `webhook-redelivery:${deliveryId}`, accountId, kind: 'redeliver', payload: { deliveryId } }];
      }
      return [];
    },
    unavailable: () => null,
    async perform(job, context) {
      switch (job.kind) {
        case 'deliver': {
          const { message, sourceEventId } = job.payload;
          const { state } = await loadAggregate(eventStore, webhooksDecider, webhooksStream(message.accountId));
          for (const webhook of webhooksHearing(state, message.kind, message.occurredAt)) {
            const deliveryId = webhookDeliveryId(webhook.webhookId, sourceEventId);
            const scheduled = { accountId: message.accountId, webhookId: webhook.webhookId, deliveryId, kind: message.kind, sourceEventId, subject: message.subject, body: webhookBody(message), scheduledAt: context.now.toISOString() };
            // Scheduling twice (this job run again after a crash) records nothing more.
            await record(deliveryId, { type: 'ScheduleWebhookDelivery', data: scheduled }, context.command);
          }
          return;
        }
        case 'send':
          return sendDelivery(job.payload.deliveryId, context, false);
        case 'redeliver':
          return sendDelivery(job.payload.deliveryId, context, true);
        default:
          return assertNever(job);
      }
    },
    async giveUp(job, reason, context) {
      if (job.kind !== 'send') return;
      const { deliveryId } = job.payload;
      await record(deliveryId, { type: 'AbandonWebhookDelivery', data: { deliveryId, reason, abandonedAt: context.now.toISOString() } }, context.command);
    },
  };
  return reactor;
}
