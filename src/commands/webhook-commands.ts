import { IllegalStateError, NotFoundError } from '../domain/errors.ts';
import { webhookHostToResolve, webhooksDecider, type RegisterWebhook, type Webhook } from '../domain/webhook/webhook-decider.ts';
import { webhookDeliveryDecider } from '../domain/webhook/webhook-delivery.ts';
import { webhookDeliveryStream, webhooksStream } from '../domain/webhook/webhook-events.ts';
import type { EventStore, Position } from '../ports/event-store.ts';
import type { HostResolver } from '../ports/host-resolver.ts';
import type { SecretSealer } from '../ports/secret-sealer.ts';
import { handleCommand, loadAggregate, type CommandContext } from './command-handler.ts';
import { newSigningSecret } from './webhook-signature.ts';

export interface WebhookCommandDeps {
  eventStore: EventStore;
  secrets: SecretSealer;
  /** loopback endpoints, plain HTTP too (development and tests) */
  allowLoopbackHttp: boolean;
  /** what an endpoint's host name resolves to, judged before it is registered */
  resolveHost: HostResolver;
}

export interface RegisteredWebhook {
  webhook: Webhook;
  /** shown once; null when a retry found the webhook its lost first answer registered */
  signingSecret: string | null;
  position: Position | null;
}

export function createWebhookCommands({ eventStore, secrets, allowLoopbackHttp, resolveHost }: WebhookCommandDeps) {
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
      const command = (signingSecret: Webhook['signingSecret'], resolvedAddresses?: readonly string[]): RegisterWebhook => ({
        type: 'RegisterWebhook',
        allowLoopbackHttp,
        ...(resolvedAddresses ? { resolvedAddresses } : {}),
        data: { accountId: input.accountId, webhookId, url: input.url, kinds: input.kinds, signingSecret, registeredAt: context.occurredAt, registeredBy: context.actor },
      });
      const placeholder = { dataKeyId: '', ciphertext: '', iv: '', authTag: '' };
      // Decided on a placeholder first: what the URL says as written, the kinds, the limit and
      // the duplicate are refused before the name is looked up and before a secret is sealed.
      webhooksDecider.decide(command(placeholder), read.state);
      // A name is judged by every address it resolves to now; one that does not resolve is let
      // through (the sender resolves and judges it again before every try).
      const host = webhookHostToResolve(input.url);
      const resolvedAddresses = host === null ? undefined : ((await resolveHost(host)) ?? undefined);
      if (resolvedAddresses) webhooksDecider.decide(command(placeholder, resolvedAddresses), read.state);
      const secret = newSigningSecret();
      const sealed = await secrets.seal(secret);
      try {
        const result = await handleCommand(eventStore, webhooksDecider, stream, command(sealed, resolvedAddresses), context, undefined, read);
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
