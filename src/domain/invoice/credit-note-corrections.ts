import { ConflictError, IllegalStateError } from '../errors.ts';
import { exact } from '../rating/exact-decimal.ts';
import { formatMoney, type Currency } from '../rating/money.ts';
import type { InvoiceSettlementEvent } from './invoice-events.ts';
import { paidEvent, splitAgainstDue, type IssuedView } from './payment-settlement.ts';

/**
 * Corrections of an issued invoice, which never changes its lines: credit notes (their sum
 * never exceeds the invoice's total) and a void (only while no payment is recorded; the
 * period's next billing run then drafts and issues a replacement with a new number).
 */
export type IssueCreditNote = {
  type: 'IssueCreditNote';
  data: { accountId: string; period: string; invoiceId: string; creditNoteId: string; amount: string; reason: string; issuedAt: string };
};
export type VoidInvoice = {
  type: 'VoidInvoice';
  data: { accountId: string; period: string; invoiceId: string; reason: string; voidedAt: string };
};

/**
 * A credit note first reduces what is still due; the part of it the customer already paid
 * becomes account credit (`excessAmount`). One that brings the amount due to zero settles
 * the invoice (`InvoicePaid`). Issued twice with the same id, it is recorded once.
 */
export function decideIssueCreditNote(command: IssueCreditNote, invoice: IssuedView): InvoiceSettlementEvent[] {
  const { data } = command;
  const { issued, settlement } = invoice;
  if (settlement.creditNotes.some((c) => c.creditNoteId === data.creditNoteId)) return [];
  const currency = issued.currency as Currency;
  const amount = exact(data.amount);
  if (amount.lte(0)) throw new IllegalStateError('credit_note_not_positive', 'a credit note must be greater than zero');
  const creditNotesAfter = exact(settlement.creditNotesTotal).plus(amount);
  if (creditNotesAfter.gt(issued.total)) {
    const room = formatMoney(exact(issued.total).minus(settlement.creditNotesTotal), currency);
    throw new ConflictError(
      'credit_notes_exceed_total',
      `credit notes would come to ${formatMoney(creditNotesAfter, currency)} ${currency}, more than the invoice's total of ${issued.total}; at most ${room} can still be credited`,
    );
  }
  const split = splitAgainstDue(data.amount, settlement.amountDue, currency);
  const amountCreditedAfter = formatMoney(exact(settlement.amountCredited).plus(split.applied), currency);
  const events: InvoiceSettlementEvent[] = [
    {
      type: 'CreditNoteIssued',
      data: {
        accountId: issued.accountId,
        period: issued.period,
        invoiceId: issued.invoiceId,
        number: issued.number,
        creditNoteId: data.creditNoteId,
        amount: formatMoney(amount, currency),
        currency,
        reason: data.reason,
        issuedAt: data.issuedAt,
        appliedAmount: split.applied,
        excessAmount: split.excess,
        amountCreditedAfter,
        amountDueAfter: split.dueAfter,
      },
    },
  ];
  if (settlement.paidAt === null && exact(split.dueAfter).isZero()) {
    events.push(paidEvent(invoice, settlement.amountPaid, amountCreditedAfter, data.issuedAt));
  }
  return events;
}

export function decideVoid(command: VoidInvoice, invoice: IssuedView): InvoiceSettlementEvent[] {
  const { issued, draft, settlement } = invoice;
  if (settlement.payments.length > 0) {
    throw new IllegalStateError(
      'invoice_has_payments',
      `invoice ${issued.number} has ${settlement.payments.length} payment(s) recorded and cannot be voided; issue a credit note instead`,
    );
  }
  return [
    {
      type: 'InvoiceVoided',
      data: {
        accountId: issued.accountId,
        period: issued.period,
        invoiceId: issued.invoiceId,
        number: issued.number,
        total: issued.total,
        creditApplied: draft.rated.creditApplied,
        currency: issued.currency,
        reason: command.data.reason,
        voidedAt: command.data.voidedAt,
      },
    },
  ];
}
