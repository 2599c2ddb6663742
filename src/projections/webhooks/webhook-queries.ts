import type { Kysely, Selectable } from 'kysely';
import type { WebhookDeliveriesTable, WebhooksTable, WebhookTables } from './webhook-tables.ts';

export type WebhookRow = Selectable<WebhooksTable>;
export type WebhookDeliveryRow = Selectable<WebhookDeliveriesTable>;

/** The account's webhooks, removed ones too, oldest first (an account has a handful). */
export function accountWebhooks(db: Kysely<WebhookTables>, accountId: string): Promise<WebhookRow[]> {
  return db.selectFrom('webhooks').selectAll().where('account_id', '=', accountId).orderBy('registered_at').orderBy('webhook_id').execute();
}

export function findWebhook(db: Kysely<WebhookTables>, accountId: string, webhookId: string): Promise<WebhookRow | undefined> {
  return db.selectFrom('webhooks').selectAll().where('account_id', '=', accountId).where('webhook_id', '=', webhookId).executeTakeFirst();
}

/** A page of one webhook's deliveries, newest first. */
export function webhookDeliveriesPage(
  db: Kysely<WebhookTables>,
  accountId: string,
  webhookId: string,
  page: { after?: readonly [Date, string]; limit: number },
): Promise<WebhookDeliveryRow[]> {
  const { after } = page;
  let q = db.selectFrom('webhook_deliveries').selectAll().where('account_id', '=', accountId).where('webhook_id', '=', webhookId);
  if (after) q = q.where((eb) => eb(eb.refTuple('scheduled_at', 'delivery_id'), '<', eb.tuple(after[0], after[1])));
  return q.orderBy('scheduled_at', 'desc').orderBy('delivery_id', 'desc').limit(page.limit).execute();
}
