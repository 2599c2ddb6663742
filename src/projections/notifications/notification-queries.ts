import type { Kysely } from 'kysely';
import type { NotificationsTable, NotificationTables } from './notification-tables.ts';

/** A page of the account's notifications, newest first. */
export function accountNotificationsPage(
  db: Kysely<NotificationTables>,
  accountId: string,
  page: { unreadOnly?: boolean; after?: readonly [Date, string]; limit: number },
): Promise<NotificationsTable[]> {
  const { after } = page;
  let q = db.selectFrom('notifications').selectAll().where('account_id', '=', accountId);
  if (page.unreadOnly) q = q.where('read_at', 'is', null);
  if (after) q = q.where((eb) => eb(eb.refTuple('created_at', 'notification_id'), '<', eb.tuple(after[0], after[1])));
  return q.orderBy('created_at', 'desc').orderBy('notification_id', 'desc').limit(page.limit).execute();
}

export async function unreadNotificationCount(db: Kysely<NotificationTables>, accountId: string): Promise<number> {
  const row = await db
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<string>().as('unread'))
    .where('account_id', '=', accountId)
    .where('read_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.unread);
}

export async function hasUnreadNotifications(db: Kysely<NotificationTables>, accountId: string): Promise<boolean> {
  const any = await db.selectFrom('notifications').select('notification_id').where('account_id', '=', accountId).where('read_at', 'is', null).limit(1).execute();
  return any.length > 0;
}

/** Those of the ids that are the account's notifications, with when each was read. */
export function notificationsAmong(db: Kysely<NotificationTables>, accountId: string, notificationIds: readonly string[]): Promise<Pick<NotificationsTable, 'notification_id' | 'read_at'>[]> {
  return db.selectFrom('notifications').select(['notification_id', 'read_at']).where('account_id', '=', accountId).where('notification_id', 'in', [...notificationIds]).execute();
}
