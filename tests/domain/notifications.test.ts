import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/domain/errors.ts';
import { describeNotificationEvent } from '../../src/presentation/audit/notification-audit.ts';
import { notificationsDecider, type MarkNotificationsRead, type NotificationsRead } from '../../src/domain/notification/notifications.ts';
import { deciderSpec } from '../support/decider-spec.ts';

const spec = deciderSpec(notificationsDecider);
const AT = '2026-12-01T12:00:00.000Z';

const mark = (notificationIds: MarkNotificationsRead['data']['notificationIds'], memberId: string | null = 'mem-1'): MarkNotificationsRead => ({
  type: 'MarkNotificationsRead',
  data: { accountId: 'acc-1', notificationIds, memberId, readAt: AT },
});
const read = (notificationIds: string[] | 'all', memberId: string | null = 'mem-1'): NotificationsRead => ({
  type: 'NotificationsRead',
  data: { accountId: 'acc-1', notificationIds, memberId, readAt: AT },
});

describe('marking notifications read', () => {
  it('records the ids (each once) and the member who read them', () => {
    spec.given().when(mark(['n-1', 'n-2', 'n-1'])).then(read(['n-1', 'n-2']));
  });

  it('"all" is recorded as all; an operator reads with no member', () => {
    spec.given().when(mark('all', null)).then(read('all', null));
  });

  it('refuses an empty list and more than 200 ids', () => {
    spec.given().when(mark([])).thenThrows(ValidationError, 'validation_failed');
    spec.given().when(mark(Array.from({ length: 201 }, (_, i) => `n-${i}`))).thenThrows(ValidationError, 'validation_failed');
    spec.given().when(mark(Array.from({ length: 200 }, (_, i) => `n-${i}`))).then(read(Array.from({ length: 200 }, (_, i) => `n-${i}`)));
  });

  it('reads in the audit log', () => {
    expect(describeNotificationEvent('NotificationsRead', read(['n-1', 'n-2']).data)).toEqual({
      accountId: 'acc-1',
      resourceType: 'notifications',
      resourceId: 'acc-1',
      summary: '2 notifications marked read by member mem-1',
    });
    expect(describeNotificationEvent('NotificationsRead', read('all', null).data)!.summary).toBe('All notifications marked read');
  });
});
