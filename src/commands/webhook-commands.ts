import { IllegalStateError, NotFoundError, ValidationError, type FieldIssue } from '../domain/errors.ts';
import { checkWebhookKinds, checkWebhookUrl, webhooksDecider, type Webhook } from '../domain/webhook/webhook-decider.ts';
import { webhookDeliveryDecider } from '../domain/webhook/webhook-delivery.ts';
import { webhookDeliveryStream, webhooksStream } from '../domain/webhook/webhook-events.ts';
import type { EventStore, Position } from '../ports/event-store.ts';
import type { SecretSealer } from '../ports/secret-sealer.ts';
import { handleCommand, loadAggregate, type CommandContext } from './command-handler.ts';
import { newSigningSecret } from './webhook-signature.ts';

export interface WebhookCommandDeps {
  eventStore: EventStore;
  secrets: SecretSealer;
  /** plain HTTP to loopback endpoints (development and tests) */
  allowLoopbackHttp: boolean;
}

export interface RegisteredWebhook {
  webhook: Webhook;
  /** shown once; null when a retry found the webhook its lost first answer registered */
  signingSecret: string | null;
  position: Position | null;
}

export function createWebhookCommands({ eventStore, secrets, allowLoopbackHttp }: WebhookCommandDeps) {
  return {
    /**
     * Everything that can refuse is decided before the secret is sealed, so a refused
     * request leaves no data key behind; a retry with the same id answers the webhook it
     * registered, without its secret.
     */
    async register(input: { accountId: string; url: string; kinds: readonly string[] }, context: CommandContext, webhookId: string): Promise<RegisteredWebhook> {
      const stream = webhooksStream(input.accountId);
      const read = await loadAggregate(eventStore, webhooksDecider, stream);
      const earlier = read.state.webhooks.get(webhookId);
      if (earlier) return { webhook: earlier, signingSecret: null, position: null };
      const issues: FieldIssue[] = [];
      const urlOk = checkWebhookUrl(input.url, allowLoopbackHttp, 'body.url', issues);
      const kindsOk = checkWebhookKinds(input.kinds, 'body.kinds', issues);
      if (!urlOk || !kindsOk) throw new ValidationError(issues);
      const command = (signingSecret: Webhook['signingSecret']) =>
        ({
          type: 'RegisterWebhook',
          allowLoopbackHttp,
          data: { accountId: input.accountId, webhookId, url: input.url, kinds: input.kinds, signingSecret, registeredAt: context.occurredAt, registeredBy: context.actor },
        }) as const;
      // Decided once on a placeholder: the limit and the duplicate are refused before sealing.
      webhooksDecider.decide(command({ dataKeyId: '', ciphertext: '', iv: '', authTag: '' }), read.state);
      const secret = newSigningSecret();
      const sealed = await secrets.seal(secret);
      try {
        const result = await handleCommand(eventStore, webhooksDecider, stream, command(sealed), context, undefined, read);
        return { webhook: result.state.webhooks.get(webhookId)!, signingSecret: secret, position: result.position };
      } catch (error) {
        // Shredded only when the webhook is surely not recorded: an append whose answer was
        // lost may have committed, and a webhook without its secret could never sign again.
        const recorded = await loadAggregate(eventStore, webhooksDecider, stream).then(
          (after) => after.state.webhooks.get(webhookId)?.signingSecret.dataKeyId === sealed.dataKeyId,
          () => true,
        );
        if (!recorded) await secrets.shred(sealed.dataKeyId);
        throw error;
      }
    },

    async remove(input: { accountId: string; webhookId: string }, context: CommandContext) {
      return handleCommand(eventStore, webhooksDecider, webhooksStream(input.accountId), { type: 'RemoveWebhook', data: { ...input, removedAt: context.occurredAt, removedBy: context.actor } }, context);
    },

    /**
     * Sends a delivery's message once more, under its own webhook-id; asking twice with the
     * same request id asks once. Only for a delivery of that webhook, while it is registered.
     */
    async redeliver(input: { accountId: string; webhookId: string; deliveryId: string }, context: CommandContext, requestId: string) {
      const webhook = (await loadAggregate(eventStore, webhooksDecider, webhooksStream(input.accountId))).state.webhooks.get(input.webhookId);
      if (!webhook) throw new NotFoundError('webhook_not_found', `webhook ${input.webhookId} does not exist in account ${input.accountId}`);
      if (webhook.removedAt !== null) throw new IllegalStateError('webhook_removed', `webhook ${input.webhookId} was removed; there is nothing to send to`);
      return handleCommand(
        eventStore,
        webhookDeliveryDecider,
        webhookDeliveryStream(input.deliveryId),
        { type: 'RequestWebhookRedelivery', data: { ...input, requestId, requestedAt: context.occurredAt, requestedBy: context.actor } },
        context,
      );
    },
  };
}

export type WebhookCommands = ReturnType<typeof createWebhookCommands>;
