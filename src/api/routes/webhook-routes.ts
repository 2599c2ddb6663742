import type { WebhookCommands } from '../../commands/webhook-commands.ts';
import { NotFoundError } from '../../domain/errors.ts';
import type { accountWebhooks, findWebhook, webhookDeliveriesPage, WebhookDeliveryRow, WebhookRow } from '../../projections/webhooks/webhook-queries.ts';
import { decodeTimestampCursor, pageFrom, pageOf, PageQuery } from '../pagination.ts';
import type { Query, RouteRegistry } from '../route.ts';
import { AccountIdParams } from '../schemas/account-schemas.ts';
import {
  DeliveryParams,
  RedeliveryView,
  RegisterWebhookBody,
  WebhookDeliveryView,
  WebhookListView,
  WebhookParams,
  WebhookView,
  WebhookWithSecretView,
} from '../schemas/webhook-schemas.ts';
import { iso, isoOrNull } from './iso.ts';

const tags = ['webhooks'];

const webhookView = (row: WebhookRow): WebhookView => ({
  webhookId: row.webhook_id,
  url: row.url,
  kinds: row.kinds,
  status: row.status,
  registeredAt: iso(row.registered_at),
  removedAt: isoOrNull(row.removed_at),
});

const deliveryView = (row: WebhookDeliveryRow): WebhookDeliveryView => ({
  deliveryId: row.delivery_id,
  webhookId: row.webhook_id,
  kind: row.kind,
  sourceEventId: row.source_event_id,
  status: row.status,
  attempts: row.attempts,
  abandonedReason: row.abandoned_reason,
  scheduledAt: iso(row.scheduled_at),
});

export interface WebhookRoutesDeps {
  registerWebhook: WebhookCommands['register'];
  removeWebhook: WebhookCommands['remove'];
  requestRedelivery: WebhookCommands['redeliver'];
  accountWebhooks: Query<typeof accountWebhooks>;
  findWebhook: Query<typeof findWebhook>;
  webhookDeliveriesPage: Query<typeof webhookDeliveriesPage>;
}

export function registerWebhookRoutes(routes: RouteRegistry, deps: WebhookRoutesDeps): void {
  const requireWebhook = async (accountId: string, webhookId: string) => {
    const row = await deps.findWebhook(accountId, webhookId);
    if (!row) throw new NotFoundError('webhook_not_found', `webhook ${webhookId} does not exist in account ${accountId}`);
    return row;
  };

  routes.add({
    method: 'POST',
    url: '/accounts/:accountId/webhooks',
    summary: 'Register a webhook; its signing secret is in this response only',
    tags,
    access: 'webhooks:manage',
    params: AccountIdParams,
    body: RegisterWebhookBody,
    responses: { 201: WebhookWithSecretView },
    secretFields: ['signingSecret'],
    async handler({ params, body, context, newId }) {
      const registered = await deps.registerWebhook({ accountId: params.accountId, url: body.url, kinds: body.kinds }, context, newId('webhook'));
      const w = registered.webhook;
      const view: WebhookView = { webhookId: w.webhookId, url: w.url, kinds: [...w.kinds], status: w.removedAt === null ? 'active' : 'removed', registeredAt: w.registeredAt, removedAt: w.removedAt };
      return {
        status: 201,
        body: registered.signingSecret === null ? view : { ...view, signingSecret: registered.signingSecret },
        headers: {
          location: `/accounts/${params.accountId}/webhooks/${w.webhookId}`,
          ...(registered.position ? { 'event-position': registered.position } : {}),
          // a retry that found the webhook its lost first answer registered
          ...(registered.signingSecret === null ? { 'secrets-omitted': 'signingSecret' } : {}),
        },
      };
    },
  });

  routes.add({
    method: 'GET',
    url: '/accounts/:accountId/webhooks',
    summary: "List the account's webhooks, removed ones too (never their secrets)",
    tags,
    access: 'webhooks:manage',
    readModels: ['webhooks'],
    params: AccountIdParams,
    responses: { 200: WebhookListView },
    async handler({ params }) {
      return { status: 200, body: { items: (await deps.accountWebhooks(params.accountId)).map(webhookView) } };
    },
  });

  routes.add({
    method: 'DELETE',
    url: '/accounts/:accountId/webhooks/:webhookId',
    summary: 'Remove a webhook: no message is scheduled for it from here on',
    tags,
    access: 'webhooks:manage',
    params: WebhookParams,
    responses: { 204: null },
    async handler({ params, context }) {
      const result = await deps.removeWebhook({ accountId: params.accountId, webhookId: params.webhookId }, context);
      return { status: 204, body: null, headers: result.position ? { 'event-position': result.position } : undefined };
    },
  });

  routes.add({
    method: 'GET',
    url: '/accounts/:accountId/webhooks/:webhookId/deliveries',
    summary: "A webhook's deliveries, newest first, each with every try (status code, latency)",
    tags,
    access: 'webhooks:manage',
    readModels: ['webhooks'],
    params: WebhookParams,
    query: PageQuery,
    responses: { 200: pageOf(WebhookDeliveryView) },
    async handler({ params, query }) {
      await requireWebhook(params.accountId, params.webhookId);
      const after = decodeTimestampCursor(query.cursor);
      const rows = await deps.webhookDeliveriesPage(params.accountId, params.webhookId, { ...(after ? { after: [after.at, after.id] as const } : {}), limit: query.limit + 1 });
      return { status: 200, body: pageFrom(rows, query.limit, (last) => [iso(last.scheduled_at), last.delivery_id], deliveryView) };
    },
  });

  routes.add({
    method: 'POST',
    url: '/accounts/:accountId/webhooks/:webhookId/deliveries/:deliveryId/redeliver',
    summary: 'Send a delivery once more, under the same webhook-id',
    tags,
    access: 'webhooks:manage',
    params: DeliveryParams,
    responses: { 202: RedeliveryView },
    async handler({ params, context, newId }) {
      await requireWebhook(params.accountId, params.webhookId);
      const result = await deps.requestRedelivery({ accountId: params.accountId, webhookId: params.webhookId, deliveryId: params.deliveryId }, context, newId('redelivery'));
      return { status: 202, body: { deliveryId: params.deliveryId, requested: result.events.length > 0 }, headers: result.position ? { 'event-position': result.position } : undefined };
    },
  });
}
