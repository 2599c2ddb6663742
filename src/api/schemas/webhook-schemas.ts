import { z } from 'zod';
import { WEBHOOK_URL_MAX_LENGTH } from '../../domain/webhook/webhook-decider.ts';
import { WEBHOOK_KINDS } from '../../domain/webhook/webhook-kinds.ts';

export const WebhookParams = z.strictObject({ accountId: z.uuid(), webhookId: z.uuid() });
export const DeliveryParams = z.strictObject({ accountId: z.uuid(), webhookId: z.uuid(), deliveryId: z.uuid() });

export const RegisterWebhookBody = z.strictObject({
  url: z
    .string()
    .min(1)
    .max(WEBHOOK_URL_MAX_LENGTH)
    .describe(
      `an https:// URL, at most ${WEBHOOK_URL_MAX_LENGTH} characters, no credentials or fragment; never an internal address, as written or as its host name resolves (400 webhook_url_internal); loopback, and http:// to it, only when WEBHOOK_ALLOW_LOOPBACK is set`,
    ),
  kinds: z.array(z.enum(WEBHOOK_KINDS)).min(1).max(WEBHOOK_KINDS.length).describe('what it hears about, each once'),
});

export const WebhookView = z
  .object({
    webhookId: z.string(),
    url: z.string(),
    kinds: z.array(z.enum(WEBHOOK_KINDS)),
    status: z.enum(['active', 'removed']),
    registeredAt: z.string(),
    removedAt: z.string().nullable(),
  })
  .meta({ id: 'Webhook' });
export type WebhookView = z.infer<typeof WebhookView>;

export const WebhookWithSecretView = WebhookView.extend({
  signingSecret: z.string().describe('whsec_…: shown in this response only; verify each message\'s webhook-signature with it (Standard Webhooks)'),
}).meta({ id: 'WebhookWithSecret' });

export const WebhookListView = z.object({ items: z.array(WebhookView) }).meta({ id: 'WebhookList' });

export const WebhookDeliveryView = z
  .object({
    deliveryId: z.string().describe('also the webhook-id header of every try'),
    webhookId: z.string(),
    kind: z.enum(WEBHOOK_KINDS),
    sourceEventId: z.string(),
    status: z.enum(['pending', 'delivered', 'abandoned']),
    attempts: z.array(
      z.object({
        attempt: z.number().int(),
        attemptedAt: z.string(),
        statusCode: z.number().int().nullable().describe('null when no answer came'),
        latencyMs: z.number().int(),
        succeeded: z.boolean(),
        error: z.string().nullable(),
      }),
    ),
    abandonedReason: z.string().nullable(),
    scheduledAt: z.string(),
  })
  .meta({ id: 'WebhookDelivery' });
export type WebhookDeliveryView = z.infer<typeof WebhookDeliveryView>;

export const RedeliveryView = z.object({ deliveryId: z.string(), requested: z.boolean().describe('false when this request was already taken (a retry)') }).meta({ id: 'WebhookRedelivery' });
