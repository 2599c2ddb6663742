import { markNotificationsRead } from '../../commands/notification-commands.ts';
import { NotFoundError } from '../../domain/errors.ts';
import type { NotificationsTable } from '../../projections/notifications/notification-tables.ts';
import type { ModuleDeps } from '../module-deps.ts';
import { decodeTimestampCursor, keysetAfter, pageFrom, pageOf } from '../pagination.ts';
import type { RouteRegistry } from '../route.ts';
import { AccountIdParams } from '../schemas/account-schemas.ts';
import { MarkReadBody, MarkReadView, NotificationListQuery, NotificationView, UnreadCountView } from '../schemas/notification-schemas.ts';
import { iso, isoOrNull } from './iso.ts';

const tags = ['notifications'];

const notificationView = (row: NotificationsTable): NotificationView => ({
  notificationId: row.notification_id,
  kind: row.kind,
  title: row.title,
  body: row.body,
  resource: { type: row.resource_type as NotificationView['resource']['type'], id: row.resource_id },
  createdAt: iso(row.created_at),
  readAt: isoOrNull(row.read_at),
});

export function registerNotificationRoutes(routes: RouteRegistry, deps: ModuleDeps): void {
  const db = deps.readModels;

  routes.add({
    method: 'GET',
    url: '/accounts/:accountId/notifications',
    summary: "List the account's notifications, newest first (?unread=true for unread only)",
    tags,
    access: 'notifications:read',
    params: AccountIdParams,
    query: NotificationListQuery,
    responses: { 200: pageOf(NotificationView) },
    async handler({ params, query }) {
      const after = decodeTimestampCursor(query.cursor);
      let q = db.selectFrom('notifications').selectAll().where('account_id', '=', params.accountId);
      if (query.unread === 'true') q = q.where('read_at', 'is', null);
      if (after) q = q.where((eb) => keysetAfter(eb, ['created_at', 'notification_id'], 'desc', [after.at, after.id]));
      const rows = await q.orderBy('created_at', 'desc').orderBy('notification_id', 'desc').limit(query.limit + 1).execute();
      return { status: 200, body: pageFrom(rows, query.limit, (last) => [iso(last.created_at), last.notification_id], notificationView) };
    },
  });

  routes.add({
    method: 'GET',
    url: '/accounts/:accountId/notifications/unread-count',
    summary: 'How many of the account\'s notifications are unread (for a badge)',
    tags,
    access: 'notifications:read',
    params: AccountIdParams,
    responses: { 200: UnreadCountView },
    async handler({ params }) {
      const row = await db
        .selectFrom('notifications')
        .select((eb) => eb.fn.countAll<string>().as('unread'))
        .where('account_id', '=', params.accountId)
        .where('read_at', 'is', null)
        .executeTakeFirstOrThrow();
      return { status: 200, body: { unread: Number(row.unread) } };
    },
  });

  routes.add({
    method: 'POST',
    url: '/accounts/:accountId/notifications/read',
    summary: 'Mark notifications read, by id or "all"; for the whole account, recorded with the member who read them',
    tags,
    access: 'notifications:mark-read',
    params: AccountIdParams,
    body: MarkReadBody,
    responses: { 200: MarkReadView },
    async handler({ params, body, principal, context }) {
      const memberId = principal?.scope.kind === 'member' ? principal.scope.memberId : null;
      let unread: string[] | 'all';
      if (body.notificationIds === 'all') {
        const any = await db.selectFrom('notifications').select('notification_id').where('account_id', '=', params.accountId).where('read_at', 'is', null).limit(1).execute();
        unread = any.length > 0 ? 'all' : [];
      } else {
        const ids = [...new Set(body.notificationIds)];
        const rows = await db.selectFrom('notifications').select(['notification_id', 'read_at']).where('account_id', '=', params.accountId).where('notification_id', 'in', ids).execute();
        // Another account's notification is as absent as one that never existed.
        const missing = ids.filter((id) => !rows.some((row) => row.notification_id === id));
        if (missing.length > 0) throw new NotFoundError('notification_not_found', `no such notification: ${missing.join(', ')}`);
        unread = rows.filter((row) => row.read_at === null).map((row) => row.notification_id);
      }
      // Reading what is already read records nothing.
      if (unread !== 'all' && unread.length === 0) return { status: 200, body: { markedRead: [], readAt: null } };
      const { position } = await markNotificationsRead(deps.eventStore, { accountId: params.accountId, notificationIds: unread, memberId }, context);
      return {
        status: 200,
        body: { markedRead: unread, readAt: context.occurredAt },
        headers: position ? { 'event-position': position } : undefined,
      };
    },
  });
}
