import { randomUUID } from 'node:crypto';
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
  return { event: event!, position: appended.position };
}
