import { describeAccessKeyEvent } from '../../domain/access-key/access-key-audit.ts';
import { describeAccountEvent } from '../../domain/account/account-audit.ts';
import { describeApiTokenEvent } from '../../domain/api-token/api-token.ts';
import type { AuditDescriber, AuditDescription } from '../../domain/audit/audit-description.ts';
import { describeBucketEvent } from '../../domain/bucket/bucket-audit.ts';
import { describeCreditEvent } from '../../domain/credit/credit-audit.ts';
import { describeInvoiceEvent } from '../../domain/invoice/invoice-audit.ts';
import { describeInvoiceSettlementEvent } from '../../domain/invoice/payment-audit.ts';
import { describeQuotaEvent } from '../../domain/quota/quota-audit.ts';
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
];

export function describeForAudit(type: string, data: unknown): AuditDescription | null {
  for (const describe of describers) {
    const description = describe(type, data);
    if (description) return description;
  }
  return null;
}
