import type { markAccountNotificationsRead } from '../../commands/notification-commands.ts';
import type { accountNotificationsPage, unreadNotificationCount } from '../../projections/notifications/notification-queries.ts';
import type { NotificationsTable } from '../../projections/notifications/notification-tables.ts';
import { decodeTimestampCursor, pageFrom, pageOf } from '../pagination.ts';
import type { Bound, Query, RouteRegistry } from '../route.ts';
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

export interface NotificationRoutesDeps {
  markNotificationsRead: Bound<typeof markAccountNotificationsRead>;
  accountNotificationsPage: Query<typeof accountNotificationsPage>;
  unreadNotificationCount: Query<typeof unreadNotificationCount>;
}

export function registerNotificationRoutes(routes: RouteRegistry, deps: NotificationRoutesDeps): void {
  routes.add({
    method: 'GET',
    url: '/accounts/:accountId/notifications',
    summary: "List the account's notifications, newest first (?unread=true for unread only)",
    tags,
    access: 'notifications:read',
    readModels: ['notifications'],
    params: AccountIdParams,
    query: NotificationListQuery,
    responses: { 200: pageOf(NotificationView) },
    async handler({ params, query }) {
      const after = decodeTimestampCursor(query.cursor);
      const rows = await deps.accountNotificationsPage(params.accountId, {
        ...(query.unread === 'true' ? { unreadOnly: true } : {}),
        ...(after ? { after: [after.at, after.id] as const } : {}),
        limit: query.limit + 1,
      });
      return { status: 200, body: pageFrom(rows, query.limit, (last) => [iso(last.created_at), last.notification_id], notificationView) };
    },
  });

  routes.add({
    method: 'GET',
    url: '/accounts/:accountId/notifications/unread-count',
    summary: 'How many of the account\'s notifications are unread (for a badge)',
    tags,
    access: 'notifications:read',
    readModels: ['notifications'],
    params: AccountIdParams,
    responses: { 200: UnreadCountView },
    async handler({ params }) {
      return { status: 200, body: { unread: await deps.unreadNotificationCount(params.accountId) } };
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
      const { markedRead, readAt, position } = await deps.markNotificationsRead({ accountId: params.accountId, notificationIds: body.notificationIds, memberId }, context);
      return {
        status: 200,
        body: { markedRead, readAt },
        headers: position ? { 'event-position': position } : undefined,
      };
    },
  });
}
