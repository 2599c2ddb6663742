import type { Generated } from 'kysely';
import type { Locale } from '../../domain/account/account-locale.ts';

export const NOTIFICATION_KINDS = [
  'invoice_issued',
  'payment_received',
  'invoice_overdue',
  'quota_80_percent',
  'quota_100_percent',
  'bucket_provisioning_failed',
  'access_key_expiring',
  'account_suspended',
  'account_reactivated',
  'invoice_voided',
  'invoice_replacement_issued',
  'credit_note_issued',
  'payment_reversed',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** One row per notification; its id is the id of the event it tells about. */
export interface NotificationsTable {
  notification_id: string;
  account_id: string;
  kind: NotificationKind;
  /** in the account's locale when the notification was made */
  title: string;
  body: string;
  /** what it is about: 'invoice', 'bucket', 'access_key', 'quota' */
  resource_type: string;
  resource_id: string;
  created_at: Date | string;
  read_at: Date | string | null;
  /** the member who marked it read; null while unread, or when an operator or service token did */
  read_by: string | null;
}

/** What the projection needs to write an account's notifications: its language and time zone. */
export interface NotificationAccountsTable {
  account_id: string;
  locale: Generated<Locale>;
  time_zone: string;
}

/** Row shapes of the notifications read model, merged into ReadModelDatabase. */
export interface NotificationTables {
  notifications: NotificationsTable;
  notification_accounts: NotificationAccountsTable;
}
