import type { ColumnType } from 'kysely';
import type { WebhookDeliveryAttempted } from '../../domain/webhook/webhook-events.ts';
import type { WebhookKind } from '../../domain/webhook/webhook-kinds.ts';

/** One row per webhook an account registered; never its signing secret. */
export interface WebhooksTable {
  webhook_id: string;
  account_id: string;
  url: string;
  /** jsonb: written as JSON text */
  kinds: ColumnType<WebhookKind[], string, string>;
  status: 'active' | 'removed';
  registered_at: Date | string;
  removed_at: Date | string | null;
}

/** One try of a delivery, as the list shows it: the event's facts, without the ids the row already has. */
export type WebhookAttemptRow = Omit<WebhookDeliveryAttempted['data'], 'accountId' | 'webhookId' | 'deliveryId'>;

/** One message to one webhook, with every try. */
export interface WebhookDeliveriesTable {
  delivery_id: string;
  webhook_id: string;
  account_id: string;
  kind: WebhookKind;
  source_event_id: string;
  status: 'pending' | 'delivered' | 'abandoned';
  /** jsonb, oldest first: written as JSON text */
  attempts: ColumnType<WebhookAttemptRow[], string, string>;
  abandoned_reason: string | null;
  scheduled_at: Date | string;
  updated_at: Date | string;
}

/** Row shapes of the webhooks read models, merged into ReadModelDatabase. */
export interface WebhookTables {
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
}
