import { describeAccessKeyEvent } from '../../domain/access-key/access-key-audit.ts';
import { describeAccessKeyExpiryEvent } from '../../domain/access-key/access-key-expiry-audit.ts';
import { describeAccountEvent } from '../../domain/account/account-audit.ts';
import { describeApiTokenEvent } from '../../domain/api-token/api-token.ts';
import type { AuditDescriber, AuditDescription } from '../../domain/audit/audit-description.ts';
import { describeBucketEvent } from '../../domain/bucket/bucket-audit.ts';
import { describeCreditEvent } from '../../domain/credit/credit-audit.ts';
import { describeInvoiceEvent } from '../../domain/invoice/invoice-audit.ts';
import { describeInvoiceSettlementEvent } from '../../domain/invoice/payment-audit.ts';
import { describeNotificationEvent } from '../../domain/notification/notification-audit.ts';
import { describeQuotaEvent } from '../../domain/quota/quota-audit.ts';
import { describeQuotaThresholdEvent } from '../../domain/quota/quota-threshold-audit.ts';
import { describeSftpUserEvent } from '../../domain/sftp-user/sftp-user-audit.ts';
import { describeSubscriptionEvent } from '../../domain/subscription/subscription-audit.ts';

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
];

export function describeForAudit(type: string, data: unknown): AuditDescription | null {
  for (const describe of describers) {
    const description = describe(type, data);
    if (description) return description;
  }
  return null;
}
