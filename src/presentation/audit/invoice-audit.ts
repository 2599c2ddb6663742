import type { AuditDescriber } from './audit-description.ts';
import { assertNever } from '../../domain/decider.ts';
import { invoiceEvents } from '../../domain/invoice/invoice-events.ts';

/** How invoice events read in the account's audit log. */
export const describeInvoiceEvent: AuditDescriber = (type, data) => {
  const event = { type, data };
  if (!invoiceEvents.is(event)) return null;
  switch (event.type) {
    case 'InvoiceDrafted':
      return {
        accountId: event.data.accountId,
        resourceType: 'invoice',
        resourceId: event.data.invoiceId,
        summary: `Invoice for ${event.data.period} drafted: ${event.data.rated.total} ${event.data.rated.currency}`,
      };
    case 'InvoiceIssued':
      return {
        accountId: event.data.accountId,
        resourceType: 'invoice',
        resourceId: event.data.invoiceId,
        summary: `Invoice ${event.data.number} issued for ${event.data.period}: ${event.data.total} ${event.data.currency}, due ${event.data.dueDate}`,
      };
    default:
      return assertNever(event);
  }
};
