import type { Transaction } from 'kysely';
import type { AccessKeyExpiring } from '../../domain/access-key/access-key-expiry.ts';
import type { AccountOpened, AccountReactivated, AccountSuspended, BillingProfileUpdated } from '../../domain/account/account-events.ts';
import { DEFAULT_LOCALE, type Locale } from '../../domain/account/account-locale.ts';
import { ACCOUNT_DEFAULTS } from '../../domain/account/account-rules.ts';
import type { BucketProvisioningFailed } from '../../domain/bucket/bucket-events.ts';
import type { CreditNoteIssued, InvoiceIssued, InvoiceOverdue, InvoiceVoided, PaymentRecorded, PaymentReversed } from '../../domain/invoice/invoice-events.ts';
import type { NotificationsRead } from '../../domain/notification/notifications.ts';
import type { QuotaThresholdReached } from '../../domain/quota/quota-thresholds.ts';
import { assertNever } from '../../domain/decider.ts';
import { eventUnion } from '../../domain/shared/event-union.ts';
import type { RecordedEvent } from '../../ports/event-store.ts';
import type { Projection } from '../projection.ts';
import { notificationText, type NotificationFacts } from '../../presentation/notifications/notification-texts.ts';
import type { NotificationTables } from './notification-tables.ts';

type Trx = Transaction<NotificationTables>;

type Handled =
  | AccountOpened
  | BillingProfileUpdated
  | InvoiceIssued
  | PaymentRecorded
  | InvoiceOverdue
  | BucketProvisioningFailed
  | QuotaThresholdReached
  | AccessKeyExpiring
  | AccountSuspended
  | AccountReactivated
  | InvoiceVoided
  | CreditNoteIssued
  | PaymentReversed
  | NotificationsRead;

const handledEvents = eventUnion<Handled>({
  AccountOpened: true,
  BillingProfileUpdated: true,
  InvoiceIssued: true,
  PaymentRecorded: true,
  InvoiceOverdue: true,
  BucketProvisioningFailed: true,
  QuotaThresholdReached: true,
  AccessKeyExpiring: true,
  AccountSuspended: true,
  AccountReactivated: true,
  InvoiceVoided: true,
  CreditNoteIssued: true,
  PaymentReversed: true,
  NotificationsRead: true,
});

interface About {
  accountId: string;
  resourceType: string;
  resourceId: string;
  createdAt: string;
  facts: NotificationFacts;
}

/** The notification an event makes, if any. */
function notificationOf(event: Handled): About | null {
  switch (event.type) {
    case 'InvoiceIssued': {
      const d = event.data;
      const facts: NotificationFacts = d.replaces
        ? { kind: 'invoice_replacement_issued', number: d.number, period: d.period, total: d.total, currency: d.currency, dueDate: d.dueDate, replacedNumber: d.replaces.number, reason: d.replaces.reason }
        : { kind: 'invoice_issued', number: d.number, period: d.period, total: d.total, currency: d.currency, dueDate: d.dueDate };
      return { accountId: d.accountId, resourceType: 'invoice', resourceId: d.invoiceId, createdAt: d.issuedAt, facts };
    }
    case 'AccountSuspended': {
      const d = event.data;
      return { accountId: d.accountId, resourceType: 'account', resourceId: d.accountId, createdAt: d.suspendedAt, facts: { kind: 'account_suspended', reason: d.reason } };
    }
    case 'AccountReactivated': {
      const d = event.data;
      return { accountId: d.accountId, resourceType: 'account', resourceId: d.accountId, createdAt: d.reactivatedAt, facts: { kind: 'account_reactivated', reason: d.reason ?? null } };
    }
    case 'InvoiceVoided': {
      const d = event.data;
      return {
        accountId: d.accountId,
        resourceType: 'invoice',
        resourceId: d.invoiceId,
        createdAt: d.voidedAt,
        facts: { kind: 'invoice_voided', number: d.number, period: d.period, total: d.total, currency: d.currency, reason: d.reason },
      };
    }
    case 'CreditNoteIssued': {
      const d = event.data;
      return {
        accountId: d.accountId,
        resourceType: 'invoice',
        resourceId: d.invoiceId,
        createdAt: d.issuedAt,
        facts: { kind: 'credit_note_issued', number: d.number, amount: d.amount, currency: d.currency, reason: d.reason, amountDueAfter: d.amountDueAfter },
      };
    }
    case 'PaymentRecorded': {
      const d = event.data;
      return {
        accountId: d.accountId,
        resourceType: 'invoice',
        resourceId: d.invoiceId,
        createdAt: d.recordedAt,
        facts: { kind: 'payment_received', number: d.number, amount: d.amount, currency: d.currency, amountDueAfter: d.amountDueAfter },
      };
    }
    case 'PaymentReversed': {
      const d = event.data;
      return {
        accountId: d.accountId,
        resourceType: 'invoice',
        resourceId: d.invoiceId,
        createdAt: d.reversedAt,
        facts: { kind: 'payment_reversed', number: d.number, externalRef: d.externalRef, amount: d.amount, currency: d.currency, reason: d.reason, amountDueAfter: d.amountDueAfter },
      };
    }
    case 'InvoiceOverdue': {
      const d = event.data;
      return {
        accountId: d.accountId,
        resourceType: 'invoice',
        resourceId: d.invoiceId,
        createdAt: d.overdueAt,
        facts: { kind: 'invoice_overdue', number: d.number, dueDate: d.dueDate, amountDue: d.amountDue, currency: d.currency },
      };
    }
    case 'BucketProvisioningFailed': {
      const d = event.data;
      return { accountId: d.accountId, resourceType: 'bucket', resourceId: d.bucketId, createdAt: d.failedAt, facts: { kind: 'bucket_provisioning_failed', bucketName: d.name, reason: d.reason } };
    }
    case 'QuotaThresholdReached': {
      const d = event.data;
      const kind = d.thresholdPercent === 100 ? 'quota_100_percent' : 'quota_80_percent';
      return { accountId: d.accountId, resourceType: 'quota', resourceId: d.accountId, createdAt: d.reachedAt, facts: { kind, usedBytes: d.usedBytes, quotaBytes: d.quotaBytes } };
    }
    case 'AccessKeyExpiring': {
      const d = event.data;
      return { accountId: d.accountId, resourceType: 'access_key', resourceId: d.keyId, createdAt: d.noticedAt, facts: { kind: 'access_key_expiring', keyName: d.name, expiresAt: d.expiresAt } };
    }
    case 'AccountOpened':
    case 'BillingProfileUpdated':
    case 'NotificationsRead':
      return null;
    default:
      return assertNever(event);
  }
}

/**
 * In-app notifications, written in the account's locale as it was when the event happened
 * (the projection keeps each account's locale and zone itself: it cannot rely on another
 * read model being as far along the log). A notification's id is its event's id, so a
 * rebuild gives the same ids.
 */
export const notificationsProjection: Projection = {
  name: 'notifications',
  eventTypes: new Set(handledEvents.types),
  tables: ['notifications', 'notification_accounts'],
  // 2: account suspended and reactivated, invoice voided and replaced, credit note issued
  version: 2,

  async apply(trx: Trx, recorded: RecordedEvent) {
    const event = handledEvents.narrow(recorded);
    switch (event.type) {
      case 'AccountOpened': {
        const d = event.data;
        await trx
          .insertInto('notification_accounts')
          .values({ account_id: d.accountId, locale: d.locale, time_zone: d.timeZone })
          .onConflict((oc) => oc.column('account_id').doUpdateSet({ locale: d.locale, time_zone: d.timeZone }))
          .execute();
        return;
      }
      case 'BillingProfileUpdated': {
        const { locale } = event.data.changes;
        if (locale !== undefined) await trx.updateTable('notification_accounts').set({ locale }).where('account_id', '=', event.data.accountId).execute();
        return;
      }
      case 'NotificationsRead': {
        const d = event.data;
        let update = trx.updateTable('notifications').set({ read_at: d.readAt, read_by: d.memberId }).where('account_id', '=', d.accountId).where('read_at', 'is', null);
        if (d.notificationIds !== 'all') {
          if (d.notificationIds.length === 0) return;
          update = update.where('notification_id', 'in', d.notificationIds);
        }
        await update.execute();
        return;
      }
      default: {
        const about = notificationOf(event);
        if (!about) return;
        const account = await trx.selectFrom('notification_accounts').select(['locale', 'time_zone']).where('account_id', '=', about.accountId).executeTakeFirst();
        const locale: Locale = account?.locale ?? DEFAULT_LOCALE;
        const { title, body } = notificationText(about.facts, locale, account?.time_zone ?? ACCOUNT_DEFAULTS.timeZone);
        await trx
          .insertInto('notifications')
          .values({
            notification_id: recorded.eventId,
            account_id: about.accountId,
            kind: about.facts.kind,
            title,
            body,
            resource_type: about.resourceType,
            resource_id: about.resourceId,
            created_at: about.createdAt,
            read_at: null,
            read_by: null,
          })
          .execute();
      }
    }
  },
};

export const notificationProjections: Projection[] = [notificationsProjection];
