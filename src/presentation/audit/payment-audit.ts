import type { AuditDescriber } from './audit-description.ts';
import { exact } from '../../domain/rating/exact-decimal.ts';
import { assertNever } from '../../domain/decider.ts';
import { invoiceSettlementEvents } from '../../domain/invoice/invoice-events.ts';

/** How payments, credit notes, voids and dunning read in the account's audit log. */
export const describeInvoiceSettlementEvent: AuditDescriber = (type, data) => {
  const event = { type, data };
  if (!invoiceSettlementEvents.is(event)) return null;
  const on = (summary: string, resourceType = 'invoice', resourceId?: string) => ({
    accountId: event.data.accountId,
    resourceType,
    resourceId: resourceId ?? event.data.invoiceId,
    summary,
  });
  switch (event.type) {
    case 'PaymentRecorded': {
      const d = event.data;
      const excess = exact(d.excessAmount).gt(0) ? `; ${d.excessAmount} over, credited to the account` : '';
      return on(`Payment ${d.externalRef} of ${d.amount} ${d.currency} by ${d.method} recorded on invoice ${d.number}; ${d.amountDueAfter} still due${excess}`, 'payment', d.paymentId);
    }
    case 'InvoicePaid':
      return on(`Invoice ${event.data.number} paid: ${event.data.total} ${event.data.currency}`);
    case 'CreditNoteIssued':
      return on(`Credit note of ${event.data.amount} ${event.data.currency} on invoice ${event.data.number}: ${event.data.reason}`, 'credit_note', event.data.creditNoteId);
    case 'InvoiceVoided':
      return on(`Invoice ${event.data.number} voided: ${event.data.reason}`);
    case 'InvoiceOverdue':
      return on(`Invoice ${event.data.number} overdue (due ${event.data.dueDate}): ${event.data.amountDue} ${event.data.currency} unpaid`);
    case 'PaymentReminderDue':
      return on(`Payment reminder (day ${event.data.day} after ${event.data.dueDate}) for invoice ${event.data.number}: ${event.data.amountDue} ${event.data.currency} due`);
    case 'PaymentReversed': {
      const d = event.data;
      const credit = exact(d.excessAmount).gt(0) ? `; ${d.excessAmount} taken off the account's credit` : '';
      return on(`Payment ${d.externalRef} of ${d.amount} ${d.currency} on invoice ${d.number} reversed: ${d.reason}; ${d.amountDueAfter} due again${credit}`, 'payment', d.paymentId);
    }
    default:
      return assertNever(event);
  }
};
