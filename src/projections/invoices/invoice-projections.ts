import { invoiceStreamEvents } from '../../domain/invoice/invoice-events.ts';
import { assertNever } from '../../domain/decider.ts';
import { exact } from '../../domain/rating/exact-decimal.ts';
import type { RatedInvoice } from '../../domain/rating/index.ts';
import { sql, type Transaction } from 'kysely';
import type { RecordedEvent } from '../../ports/event-store.ts';
import type { CreditAppliedLine, InvoiceLine, InvoiceStatus, InvoiceTables } from './invoice-tables.ts';
import type { Projection } from '../projection.ts';
import { updateOneRow } from '../update-one-row.ts';

/** The rated lines, and the credit applied as the last: it comes off after tax, total = subtotal + tax − credit applied. */
function withCreditLine(rated: RatedInvoice): InvoiceLine[] {
  if (!exact(rated.creditApplied).gt(0)) return rated.lines;
  const credit: CreditAppliedLine = {
    kind: 'credit_applied',
    segment: null,
    planId: null,
    planVersion: null,
    from: rated.periodStart,
    to: rated.periodEnd,
    quantity: '1',
    unit: 'credit',
    pricing: { model: 'credit' },
    amount: `-${rated.creditApplied}`,
    unroundedAmount: `-${rated.creditApplied}`,
    explanation: `Account credit (overpayments and credit notes on paid invoices) applied after tax: ${rated.subtotal} + ${rated.tax} − ${rated.creditApplied} = ${rated.total} ${rated.currency}.`,
  };
  return [...rated.lines, credit];
}

const invoicesProjection: Projection = {
  name: 'invoices',
  eventTypes: new Set(invoiceStreamEvents.types),
  tables: ['invoices'],
  // 2: replacements and the invoices they replace name each other
  version: 2,
  async apply(trx: Transaction<InvoiceTables>, recorded: RecordedEvent) {
    const event = invoiceStreamEvents.narrow(recorded);
    const invoice = (invoiceId: string) => ({ invoice_id: invoiceId });
    switch (event.type) {
      case 'InvoiceDrafted': {
        const { invoiceId, accountId, period, rated, digest, draftedAt } = event.data;
        const row = {
          currency: rated.currency,
          subtotal: rated.subtotal,
          tax: rated.tax,
          credit_applied: rated.creditApplied,
          total: rated.total,
          lines: JSON.stringify(withCreditLine(rated)) as never,
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
        const { invoiceId, accountId, period, number, issueDate, dueDate, issuedAt, tzDataVersion, customer, issuer, lineTaxes, servicePeriod, replaces } = event.data;
        const legal = customer && issuer && lineTaxes && servicePeriod ? (JSON.stringify({ customer, issuer, lineTaxes, servicePeriod }) as never) : null;
        await trx
          .updateTable('invoices')
          .set({ status: 'issued', number, issue_date: issueDate, due_date: dueDate, issued_at: issuedAt, tz_data_version: tzDataVersion ?? null, legal })
          .where('invoice_id', '=', invoiceId)
          .execute();
        // Older replacements do not name what they replace: the period's voided invoice not yet replaced is it.
        const replaced =
          replaces?.invoiceId ??
          (
            await trx
              .selectFrom('invoices')
              .select('invoice_id')
              .where('account_id', '=', accountId)
              .where('period', '=', period)
              .where('status', '=', 'void')
              .where('replaced_by_invoice_id', 'is', null)
              .where('invoice_id', '<>', invoiceId)
              .orderBy('voided_at', 'desc')
              .limit(1)
              .executeTakeFirst()
          )?.invoice_id;
        if (replaced) {
          await trx.updateTable('invoices').set({ replaces_invoice_id: replaced }).where('invoice_id', '=', invoiceId).execute();
          await trx.updateTable('invoices').set({ replaced_by_invoice_id: invoiceId }).where('invoice_id', '=', replaced).execute();
        }
        return;
      }
      case 'PaymentRecorded':
        return updateOneRow(trx, 'invoices', invoice(event.data.invoiceId), { amount_paid: event.data.amountPaidAfter }, `invoice ${event.data.invoiceId}`);
      case 'CreditNoteIssued':
        return updateOneRow(trx, 'invoices', invoice(event.data.invoiceId), { amount_credited: event.data.amountCreditedAfter }, `invoice ${event.data.invoiceId}`);
      case 'InvoicePaid':
        return updateOneRow(trx, 'invoices', invoice(event.data.invoiceId), { status: 'paid', paid_at: event.data.paidAt }, `invoice ${event.data.invoiceId}`);
      case 'InvoiceVoided':
        return updateOneRow(trx, 'invoices', invoice(event.data.invoiceId), { status: 'void', voided_at: event.data.voidedAt, void_reason: event.data.reason }, `invoice ${event.data.invoiceId}`);
      case 'InvoiceOverdue':
        // Recorded only while something is due, so the invoice is not paid yet when it arrives.
        return updateOneRow(trx, 'invoices', invoice(event.data.invoiceId), { status: 'overdue', overdue_at: event.data.overdueAt }, `invoice ${event.data.invoiceId}`);
      case 'PaymentReminderDue':
        return updateOneRow(trx, 'invoices', invoice(event.data.invoiceId), { last_reminder_day: event.data.day }, `invoice ${event.data.invoiceId}`);
      case 'PaymentReversed': {
        const { invoiceId, amountPaidAfter, reopened } = event.data;
        // Reopened: back to where dunning had it (overdue if it had been marked so), no longer paid.
        const status = reopened ? sql<InvoiceStatus>`case when overdue_at is null then 'issued' else 'overdue' end` : undefined;
        return updateOneRow(trx, 'invoices', invoice(invoiceId), { amount_paid: amountPaidAfter, ...(reopened ? { status, paid_at: null } : {}) }, `invoice ${invoiceId}`);
      }
      default:
        assertNever(event);
    }
  },
};

export const invoiceProjections: Projection[] = [invoicesProjection];
