import type { AuditDescriber } from './audit-description.ts';
import { assertNever } from '../../domain/decider.ts';
import { creditEvents } from '../../domain/credit/credit-events.ts';

/** How account-credit events read in the account's audit log. */
export const describeCreditEvent: AuditDescriber = (type, data) => {
  const event = { type, data };
  if (!creditEvents.is(event)) return null;
  switch (event.type) {
    case 'AccountCredited': {
      const { source } = event.data;
      const why = source.kind === 'overpayment' ? `overpayment ${source.externalRef} on invoice ${source.invoiceId}` : `credit note ${source.creditNoteId} on invoice ${source.invoiceId}`;
      return { accountId: event.data.accountId, resourceType: 'account_credit', resourceId: event.data.creditId, summary: `Account credited ${event.data.amount} ${event.data.currency} (${why})` };
    }
    case 'CreditApplied':
      return { accountId: event.data.accountId, resourceType: 'account_credit', resourceId: event.data.invoiceId, summary: `Account credit of ${event.data.amount} ${event.data.currency} applied to the invoice for ${event.data.period}` };
    case 'CreditReleased':
      return { accountId: event.data.accountId, resourceType: 'account_credit', resourceId: event.data.invoiceId, summary: `Account credit of ${event.data.amount} ${event.data.currency} given back: the invoice for ${event.data.period} was voided` };
    case 'CreditRefunded':
      return { accountId: event.data.accountId, resourceType: 'account_credit', resourceId: event.data.refundId, summary: `Account credit of ${event.data.amount} ${event.data.currency} refunded (${event.data.externalRef}): ${event.data.reason}` };
    case 'CreditReversed':
      return { accountId: event.data.accountId, resourceType: 'account_credit', resourceId: event.data.paymentId, summary: `Account credit of ${event.data.amount} ${event.data.currency} taken back: payment ${event.data.externalRef} was reversed (${event.data.reason})` };
    default:
      return assertNever(event);
  }
};
