import { describeAccessKeyEvent } from './access-key-audit.ts';
import { describeAccessKeyExpiryEvent } from './access-key-expiry-audit.ts';
import { describeAccountEvent } from './account-audit.ts';
import { describeApiTokenEvent } from './api-token-audit.ts';
import type { AuditDescriber, AuditDescription } from './audit-description.ts';
import { describeBucketEvent } from './bucket-audit.ts';
import { describeCreditEvent } from './credit-audit.ts';
import { describeInvoiceEvent } from './invoice-audit.ts';
import { describeInvoiceSettlementEvent } from './payment-audit.ts';
import { describeNotificationEvent } from './notification-audit.ts';
import { describeQuotaEvent } from './quota-audit.ts';
import { describeQuotaThresholdEvent } from './quota-threshold-audit.ts';
import { describeSftpUserEvent } from './sftp-user-audit.ts';
import { describeSubscriptionEvent } from './subscription-audit.ts';
import { describeWebhookEvent } from './webhook-audit.ts';

/** Every module's describer; an event none of them knows is not an account's business. */
const describers: AuditDescriber[] = [
  describeAccountEvent,
  describeApiTokenEvent,
  describeBucketEvent,
  describeQuotaEvent,
  describeAccessKeyEvent,
  describeSftpUserEvent,
  describeInvoiceEvent,
  describeSubscriptionEvent,
  describeInvoiceSettlementEvent,
  describeCreditEvent,
  describeQuotaThresholdEvent,
  describeAccessKeyExpiryEvent,
  describeNotificationEvent,
  describeWebhookEvent,
];

export function describeForAudit(type: string, data: unknown): AuditDescription | null {
  for (const describe of describers) {
    const description = describe(type, data);
    if (description) return description;
  }
  return null;
}
