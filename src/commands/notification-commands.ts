import { randomUUID } from 'node:crypto';
import { NotFoundError } from '../domain/errors.ts';
import { notificationsDecider, notificationStream, type NotificationSelection, type NotificationsRead } from '../domain/notification/notifications.ts';
import type { EventStore, Position } from '../ports/event-store.ts';
import { metadataOf, type CommandContext } from './command-handler.ts';

/**
 * Records that `memberId` read the account's notifications. Appended with no expected
 * revision and without reading the stream: reads commute, so no earlier event in it could
 * change the decision, and an account's read stream can grow without slowing this down.
 */
export async function markNotificationsRead(
  eventStore: EventStore,
  input: { accountId: string; notificationIds: NotificationSelection; memberId: string | null },
  context: CommandContext,
): Promise<{ event: NotificationsRead; position: Position | null }> {
  const [event] = notificationsDecider.decide({ type: 'MarkNotificationsRead', data: { ...input, readAt: context.occurredAt } }, notificationsDecider.initialState());
  const metadata = metadataOf(context);
  const appended = await eventStore.append(notificationStream(input.accountId), [{ eventId: randomUUID(), type: event!.type, data: event!.data, metadata }], { expectedRevision: 'any' });
  context.appended?.note(appended.position);
  return { event: event!, position: appended.position };
}

export interface MarkReadDeps {
  eventStore: EventStore;
  /** whether the account has an unread notification at all */
  hasUnreadNotifications(accountId: string): Promise<boolean>;
  /** which of these ids are the account's notifications, and whether each is read */
  notificationsAmong(accountId: string, notificationIds: readonly string[]): Promise<{ notification_id: string; read_at: Date | string | null }[]>;
}

/**
 * `POST …/notifications/read`: the unread ones among those named (or all) are marked read;
 * reading what is already read records nothing. Another account's notification is as absent
 * as one that never existed (NotFoundError `notification_not_found`).
 */
export async function markAccountNotificationsRead(
  deps: MarkReadDeps,
  input: { accountId: string; notificationIds: readonly string[] | 'all'; memberId: string | null },
  context: CommandContext,
): Promise<{ markedRead: string[] | 'all'; readAt: string | null; position: Position | null }> {
  let unread: string[] | 'all';
  if (input.notificationIds === 'all') {
    unread = (await deps.hasUnreadNotifications(input.accountId)) ? 'all' : [];
  } else {
    const ids = [...new Set(input.notificationIds)];
    const rows = await deps.notificationsAmong(input.accountId, ids);
    const missing = ids.filter((id) => !rows.some((row) => row.notification_id === id));
    if (missing.length > 0) throw new NotFoundError('notification_not_found', `no such notification: ${missing.join(', ')}`);
    unread = rows.filter((row) => row.read_at === null).map((row) => row.notification_id);
  }
  if (unread !== 'all' && unread.length === 0) return { markedRead: [], readAt: null, position: null };
  const { position } = await markNotificationsRead(deps.eventStore, { accountId: input.accountId, notificationIds: unread, memberId: input.memberId }, context);
  return { markedRead: unread, readAt: context.occurredAt, position };
}
