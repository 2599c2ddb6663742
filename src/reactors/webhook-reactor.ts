import { loadAggregate } from '../commands/command-handler.ts';
import { uuidV5 } from '../commands/usage-ingestion.ts';
import { webhookHeaders } from '../commands/webhook-signature.ts';
import { webhooksDecider, webhooksHearing, type Webhook } from '../domain/webhook/webhook-decider.ts';
import { webhookDeliveryDecider, type WebhookDeliveryCommand } from '../domain/webhook/webhook-delivery.ts';
import { webhookDeliveryEvents, webhookDeliveryStream, webhooksStream, type WebhookDeliveryScheduled } from '../domain/webhook/webhook-events.ts';
import { webhookBody, webhookMessageOf, webhookSources, type WebhookMessage } from '../domain/webhook/webhook-kinds.ts';
import { handleCommand, type CommandContext } from '../commands/command-handler.ts';
import type { EventStore } from '../ports/event-store.ts';
import { RemoteError } from '../ports/remote-error.ts';
import type { SecretSealer } from '../ports/secret-sealer.ts';
import { WebhookUnanswered, type WebhookSender } from '../ports/webhook-sender.ts';
import type { Reactor, ReactorJobRequest } from './reactor.ts';

export interface WebhookReactorDeps {
  eventStore: EventStore;
  secrets: SecretSealer;
  send: WebhookSender;
}

type WebhookJob =
  | { kind: 'deliver'; payload: { sourceEventId: string; message: WebhookMessage } }
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

  const reactor: Reactor<WebhookJob> = {
    name: 'webhooks',
    eventTypes: new Set([...webhookSources.types, 'WebhookRedeliveryRequested']),
    retry: WEBHOOK_RETRY,
    jobsFor(event): ReactorJobRequest<WebhookJob>[] {
      if (webhookSources.is(event)) {
        const message = webhookMessageOf(event);
        return [{ jobId: event.eventId, subject: `webhook:${message.subject}`, accountId: message.accountId, kind: 'deliver', payload: { sourceEventId: event.eventId, message } }];
      }
      if (webhookDeliveryEvents.is(event) && event.type === 'WebhookRedeliveryRequested') {
        const { deliveryId, accountId } = event.data;
        return [{ jobId: event.eventId, subject: `webhook-redelivery:${deliveryId}`, accountId, kind: 'redeliver', payload: { deliveryId } }];
      }
      return [];
    },
    unavailable: () => null,
    async perform(job, context) {
      const command: CommandContext = context.command;
      const failures: { failure: string; retryable: boolean }[] = [];
      if (job.kind === 'deliver') {
        const { message, sourceEventId } = job.payload;
        const { state } = await loadAggregate(eventStore, webhooksDecider, webhooksStream(message.accountId));
        for (const webhook of webhooksHearing(state, message.kind, message.occurredAt)) {
          const deliveryId = webhookDeliveryId(webhook.webhookId, sourceEventId);
          const scheduled = { accountId: message.accountId, webhookId: webhook.webhookId, deliveryId, kind: message.kind, sourceEventId, body: webhookBody(message), scheduledAt: context.now.toISOString() };
          const delivery = await record(deliveryId, { type: 'ScheduleWebhookDelivery', data: scheduled }, command);
          // A try of this job after a crash, or after another webhook failed: what was delivered (or given up) stays so.
          if (delivery.state.status !== 'pending') continue;
          const failed = await attempt(webhook, delivery.state.scheduled, context.now, command);
          if (failed) failures.push(failed);
        }
      } else {
        const { state: delivery } = await loadAggregate(eventStore, webhookDeliveryDecider, webhookDeliveryStream(job.payload.deliveryId));
        if (delivery.status === 'none') throw new RemoteError('webhook', `delivery ${job.payload.deliveryId} does not exist`, false);
        const webhook = await webhookOf(delivery.scheduled.accountId, delivery.scheduled.webhookId);
        if (!webhook || webhook.removedAt !== null) throw new RemoteError('webhook', `webhook ${delivery.scheduled.webhookId} was removed; nothing to send to`, false);
        const failed = await attempt(webhook, delivery.scheduled, context.now, command);
        if (failed) failures.push(failed);
      }
      if (failures.length > 0) throw new RemoteError('webhook', failures.map((f) => f.failure).join('; '), failures.some((f) => f.retryable));
    },
    async giveUp(job, reason, context) {
      if (job.kind !== 'deliver') return;
      const { message, sourceEventId } = job.payload;
      const { state } = await loadAggregate(eventStore, webhooksDecider, webhooksStream(message.accountId));
      for (const webhook of state.webhooks.values()) {
        const deliveryId = webhookDeliveryId(webhook.webhookId, sourceEventId);
        await record(deliveryId, { type: 'AbandonWebhookDelivery', data: { deliveryId, reason, abandonedAt: context.now.toISOString() } }, context.command);
      }
    },
  };
  return reactor;
}
