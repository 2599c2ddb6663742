import { sql, type Transaction, type UpdateObject } from 'kysely';
import { assertNever } from '../../domain/decider.ts';
import { webhookDeliveryEvents, webhookEvents } from '../../domain/webhook/webhook-events.ts';
import type { RecordedEvent } from '../../ports/event-store.ts';
import type { Projection } from '../projection.ts';
import { updateOneRow } from '../update-one-row.ts';
import type { WebhookAttemptRow, WebhookDeliveriesTable, WebhookTables } from './webhook-tables.ts';

type DeliveryStatus = WebhookDeliveriesTable['status'];

type Trx = Transaction<WebhookTables>;

/** Webhooks and their deliveries, each try listed; the signing secrets stay in the events, sealed. */
export const webhooksProjection: Projection = {
  name: 'webhooks',
  eventTypes: new Set([...webhookEvents.types, ...webhookDeliveryEvents.types]),
  tables: ['webhooks', 'webhook_deliveries'],

  async apply(trx: Trx, recorded: RecordedEvent) {
    if (webhookEvents.is(recorded)) {
      const event = recorded;
      switch (event.type) {
        case 'WebhookRegistered': {
          const d = event.data;
          await trx
            .insertInto('webhooks')
            .values({ webhook_id: d.webhookId, account_id: d.accountId, url: d.url, kinds: JSON.stringify(d.kinds), status: 'active', registered_at: d.registeredAt, removed_at: null })
            .execute();
          return;
        }
        case 'WebhookRemoved':
          await updateOneRow(trx, 'webhooks', { webhook_id: event.data.webhookId }, { status: 'removed', removed_at: event.data.removedAt }, `webhook ${event.data.webhookId}`);
          return;
        default:
          return assertNever(event);
      }
    }
    const event = webhookDeliveryEvents.narrow(recorded);
    const d = event.data;
    const update = (values: UpdateObject<WebhookTables, 'webhook_deliveries'>) =>
      updateOneRow(trx, 'webhook_deliveries', { delivery_id: d.deliveryId }, values, `webhook delivery ${d.deliveryId}`);
    switch (event.type) {
      case 'WebhookDeliveryScheduled': {
        const s = event.data;
        await trx
          .insertInto('webhook_deliveries')
          .values({
            delivery_id: s.deliveryId,
            webhook_id: s.webhookId,
            account_id: s.accountId,
            kind: s.kind,
            source_event_id: s.sourceEventId,
            status: 'pending',
            attempts: '[]',
            abandoned_reason: null,
            scheduled_at: s.scheduledAt,
            updated_at: s.scheduledAt,
          })
          .execute();
        return;
      }
      case 'WebhookDeliveryAttempted': {
        const a = event.data;
        const row: WebhookAttemptRow = { attempt: a.attempt, attemptedAt: a.attemptedAt, statusCode: a.statusCode, latencyMs: a.latencyMs, succeeded: a.succeeded, error: a.error };
        await update({
          attempts: sql`attempts || ${JSON.stringify([row])}::jsonb`,
          // a redelivery that failed does not undo an earlier success
          status: a.succeeded ? 'delivered' : sql<DeliveryStatus>`status`,
          updated_at: a.attemptedAt,
        });
        return;
      }
      case 'WebhookDeliveryAbandoned':
        await update({ status: sql<DeliveryStatus>`case when status = 'pending' then 'abandoned' else status end`, abandoned_reason: event.data.reason, updated_at: event.data.abandonedAt });
        return;
      case 'WebhookRedeliveryRequested':
        await update({ updated_at: event.data.requestedAt });
        return;
      default:
        return assertNever(event);
    }
  },
};
