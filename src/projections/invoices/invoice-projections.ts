import type { InvoiceEvent } from '../../domain/invoice/invoice-events.ts';
import { INVOICE_EVENT_TYPES } from '../../domain/invoice/invoice-events.ts';
import type { Projection } from '../projection.ts';

const invoicesProjection: Projection = {
  name: 'invoices',
  eventTypes: new Set(INVOICE_EVENT_TYPES),
  tables: ['invoices'],
  async apply(trx, recorded) {
    const event = { type: recorded.type, data: recorded.data } as InvoiceEvent;
    switch (event.type) {
      case 'InvoiceDrafted': {
        const { invoiceId, accountId, period, rated, digest, draftedAt } = event.data;
        const row = {
          currency: rated.currency,
          subtotal: rated.subtotal,
          tax: rated.tax,
          credit_applied: rated.creditApplied,
          total: rated.total,
          lines: JSON.stringify(rated.lines) as never,
          digest,
          drafted_at: draftedAt,
        };
        await trx
          .insertInto('invoices')
          .values({ invoice_id: invoiceId, account_id: accountId, period, status: 'draft', number: null, issue_date: null, due_date: null, issued_at: null, ...row })
          .onConflict((oc) => oc.column('invoice_id').doUpdateSet(row))
          .execute();
        return;
      }
      case 'InvoiceIssued': {
        const { invoiceId, number, issueDate, dueDate, issuedAt } = event.data;
        await trx
          .updateTable('invoices')
          .set({ status: 'issued', number, issue_date: issueDate, due_date: dueDate, issued_at: issuedAt })
          .where('invoice_id', '=', invoiceId)
          .execute();
        return;
      }
    }
  },
};

export const invoiceProjections: Projection[] = [invoicesProjection];
