import type { Generated } from 'kysely';
import type { AccountTables } from './accounts/accounts-table.ts';
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

export interface ProjectionCheckpointsTable {
  projection: string;
  position: string | null;
  events_applied: Generated<string>;
  status: Generated<'running' | 'failed'>;
  error: string | null;
  updated_at: Date;
  /** the projection's version its rows were built with; null: before versions existed, read as 1 */
  version: number | null;
}

/** Where each projection's runner has got to; the reactors' intake keeps its checkpoints here too. */
export interface ProjectionCheckpointTables {
  projection_checkpoints: ProjectionCheckpointsTable;
}

/**
 * Every read-model table and the checkpoints that feed them, as kysely sees them; each module
 * declares its own in its *-tables.ts. Reactor jobs, idempotency keys and collector runs belong
 * to their modules; src/composition/database.ts joins them into the whole database.
 */
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
    ProjectionCheckpointTables,
    AccountTables {}
