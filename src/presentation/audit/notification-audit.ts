import type { AuditDescriber } from './audit-description.ts';
import { notificationEvents } from '../../domain/notification/notifications.ts';

/** How marking notifications read shows in the account's audit log. */
export const describeNotificationEvent: AuditDescriber = (type, data) => {
  const event = { type, data };
  if (!notificationEvents.is(event)) return null;
  const { accountId, notificationIds, memberId } = event.data;
  const what = notificationIds === 'all' ? 'All notifications' : `${notificationIds.length} notification${notificationIds.length === 1 ? '' : 's'}`;
  return { accountId, resourceType: 'notifications', resourceId: accountId, summary: `${what} marked read${memberId ? ` by member ${memberId}` : ''}` };
};
