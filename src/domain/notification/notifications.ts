import type { Decider, DomainEvent } from '../decider.ts';
import { ValidationError, type FieldIssue } from '../errors.ts';
import { eventUnion } from '../shared/event-union.ts';

/**
 * In-app notifications are a read model of other modules' events (invoices, payments,
 * buckets, quota, keys). The one state change of their own is being read, recorded per
 * account in `notifications-<accountId>`. Read state is the account's, not each member's:
 * whoever reads a notification reads it for the team.
 */
export const notificationStream = (accountId: string) => `notifications-${accountId}`;

/** Ids from the read model, or 'all': every notification the log holds before this event. */
export type NotificationSelection = readonly string[] | 'all';

export type NotificationsRead = DomainEvent<
  'NotificationsRead',
  {
    accountId: string;
    notificationIds: string[] | 'all';
    /** the member who read them; null for an operator or a service token (the event's actor says which) */
    memberId: string | null;
    readAt: string;
  }
>;
export const notificationEvents = eventUnion<NotificationsRead>({ NotificationsRead: true });
export const NOTIFICATION_EVENT_TYPES = notificationEvents.types;

export const MAX_NOTIFICATIONS_PER_READ = 200;

export type MarkNotificationsRead = {
  type: 'MarkNotificationsRead';
  data: { accountId: string; notificationIds: NotificationSelection; memberId: string | null; readAt: string };
};

export function validateNotificationSelection(selection: NotificationSelection, path: string): FieldIssue[] {
  if (selection === 'all') return [];
  if (!Array.isArray(selection) || selection.length === 0 || selection.length > MAX_NOTIFICATIONS_PER_READ) {
    return [{ path, message: `must be "all" or 1 to ${MAX_NOTIFICATIONS_PER_READ} notification ids` }];
  }
  return selection.flatMap((id, index) => (typeof id === 'string' && id.length > 0 && id.length <= 100 ? [] : [{ path: `${path}.${index}`, message: 'must be a notification id' }]));
}

/**
 * Stateless: marking read commutes with everything else in the stream, so nothing recorded
 * there changes the decision; which of the ids are still unread is the read model's to say.
 */
export const notificationsDecider: Decider<MarkNotificationsRead, NotificationsRead, null> = {
  initialState: () => null,
  decide({ data }) {
    const issues = validateNotificationSelection(data.notificationIds, 'notificationIds');
    if (issues.length > 0) throw new ValidationError(issues);
    const notificationIds = data.notificationIds === 'all' ? 'all' : [...new Set(data.notificationIds)];
    return [{ type: 'NotificationsRead', data: { accountId: data.accountId, notificationIds, memberId: data.memberId, readAt: data.readAt } }];
  },
  evolve: (state) => state,
};
