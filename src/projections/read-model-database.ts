import type { Generated } from 'kysely';
import type { AccountsTable } from './accounts/accounts-table.ts';
import type { AccessKeyTables } from './access-keys/access-key-tables.ts';
import type { AuditLogTables } from './audit-log/audit-log-tables.ts';
import type { BucketTables } from './buckets/bucket-tables.ts';
import type { MemberTables } from './members/member-tables.ts';
import type { QuotaTables } from './quotas/quota-tables.ts';
import type { SftpUserTables } from './sftp-users/sftp-user-tables.ts';
import type { PricebookTables } from './pricebook/pricebook-tables.ts';
import type { SubscriptionTables } from './subscriptions/subscription-tables.ts';
import type { UsageTables } from './usage/usage-tables.ts';
import type { InvoiceTables } from './invoices/invoice-tables.ts';
import type { PaymentTables } from './payments/payment-tables.ts';
import type { NotificationTables } from './notifications/notification-tables.ts';
import type { WebhookTables } from './webhooks/webhook-tables.ts';
import type { ReactorTables } from '../reactors/reactor-tables.ts';

export interface ProjectionCheckpointsTable {
  projection: string;
  position: string | null;
  events_applied: Generated<string>;
  status: Generated<'running' | 'failed'>;
  error: string | null;
  updated_at: Date;
}

export interface IdempotencyKeysTable {
  principal: string;
  idempotency_key: string;
  request_fingerprint: string;
  status_code: number | null;
  response_body: unknown;
  /** the first answer's headers (location, event-position), replayed with it */
  response_headers: unknown;
  /** while in progress: until when the request holding the key owns it; a retry takes it over after */
  leased_until: Date | null;
  created_at: Date;
}

/** Every read-model table, as kysely sees them; each module declares its own in its *-tables.ts. */
export interface ReadModelDatabase
  extends BucketTables,
    QuotaTables,
    AccessKeyTables,
    SftpUserTables,
    MemberTables,
    AuditLogTables,
    UsageTables,
    PricebookTables,
    SubscriptionTables,
    InvoiceTables,
    PaymentTables,
    NotificationTables,
    WebhookTables,
    ReactorTables {
  accounts: AccountsTable;
  projection_checkpoints: ProjectionCheckpointsTable;
  idempotency_keys: IdempotencyKeysTable;
}
