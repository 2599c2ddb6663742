import { z } from 'zod';
import { MAX_NOTIFICATIONS_PER_READ } from '../../domain/notification/notifications.ts';
import { NOTIFICATION_KINDS } from '../../projections/notifications/notification-tables.ts';
import { PageQuery } from '../pagination.ts';

export const NotificationListQuery = PageQuery.extend({
  unread: z.enum(['true', 'false']).optional().describe('true: unread only; false or absent: all'),
});

export const NotificationView = z
  .object({
    notificationId: z.string(),
    kind: z.enum(NOTIFICATION_KINDS),
    title: z.string().describe("in the account's locale"),
    body: z.string().describe('plain text'),
    resource: z.object({ type: z.enum(['invoice', 'bucket', 'access_key', 'quota']), id: z.string() }).describe('what it is about'),
    createdAt: z.string(),
    readAt: z.string().nullable(),
  })
  .meta({ id: 'Notification' });
export type NotificationView = z.infer<typeof NotificationView>;

export const UnreadCountView = z.object({ unread: z.number().int() }).meta({ id: 'NotificationUnreadCount' });

export const MarkReadBody = z.strictObject({
  notificationIds: z
    .union([z.literal('all'), z.array(z.uuid()).min(1).max(MAX_NOTIFICATIONS_PER_READ)])
    .describe(`"all", or 1 to ${MAX_NOTIFICATIONS_PER_READ} ids of the account's notifications`),
});

export const MarkReadView = z
  .object({
    markedRead: z.union([z.literal('all'), z.array(z.string())]).describe('the ids that were unread and are now read ([] when none was), or "all"'),
    readAt: z.string().nullable().describe('null when nothing was unread'),
  })
  .meta({ id: 'NotificationsMarkedRead' });
