import { IllegalStateError, type FieldIssue } from '../errors.ts';
import { ZERO, exact, maxOf, minOf } from '../rating/exact-decimal.ts';
import { formatInstant } from '../rating/instant.ts';
import { formatMoney, type Currency } from '../rating/money.ts';
import type { InvoiceDrafted, InvoiceIssued, InvoiceSettlementEvent, InvoiceStreamEvent, PaymentMethod, PaymentRecorded } from './invoice-events.ts';

/**
 * What has happened to an issued invoice since: payments, credit notes, dunning. Amounts
 * are decimal strings in major units; arithmetic is decimal.js only.
 *
 * amount due = total − Σ payments applied − Σ credit notes applied, never below zero. A
 * payment or credit note larger than what is still due leaves the excess as account credit.
 */
export interface InvoiceSettlement {
  payments: PaymentRecorded['data'][];
  /** payments taken back since (`PaymentReversed`): they stay in `payments`, undone */
  reversedPaymentIds: string[];
  creditNotes: { creditNoteId: string; amount: string; reason: string; issuedAt: string }[];
  /** Σ payments applied to this invoice (excess excluded) */
  amountPaid: string;
  /** Σ credit notes applied to this invoice (excess excluded) */
  amountCredited: string;
  /** Σ credit notes' full amounts: at most the total */
  creditNotesTotal: string;
  amountDue: string;
  paidAt: string | null;
  overdueAt: string | null;
  reminderDays: number[];
}

export function openSettlement(issued: InvoiceIssued['data']): InvoiceSettlement {
  return {
    payments: [],
    reversedPaymentIds: [],
    creditNotes: [],
    amountPaid: formatMoney(0, issued.currency as Currency),
    amountCredited: formatMoney(0, issued.currency as Currency),
    creditNotesTotal: formatMoney(0, issued.currency as Currency),
    amountDue: issued.total,
    paidAt: null,
    overdueAt: null,
    reminderDays: [],
  };
}

/** How much of `amount` goes to what is due, and how much is left over. */
export function splitAgainstDue(amount: string, amountDue: string, currency: Currency) {
  const applied = minOf(exact(amount), maxOf(ZERO, exact(amountDue)));
  return {
    applied: formatMoney(applied, currency),
    excess: formatMoney(exact(amount).minus(applied), currency),
    dueAfter: formatMoney(exact(amountDue).minus(applied), currency),
  };
}

export type RecordPayment = {
  type: 'RecordPayment';
  data: {
    accountId: string;
    period: string;
    invoiceId: string;
    paymentId: string;
    externalRef: string;
    /** major units, at most the currency's minor-unit digits, > 0 */
    amount: string;
    method: PaymentMethod;
    receivedAt: string;
    recordedAt: string;
  };
};

/** How far past the service's clock a payment's `receivedAt` may be: a provider's clock running fast. */
export const RECEIVED_AT_MAX_SKEW_MS = 5 * 60_000;

/**
 * Money cannot have arrived after the moment it is recorded (plus a provider's clock skew):
 * such a date would also move when dunning and reminders think the invoice was settled.
 */
export function checkReceivedAt(receivedAtMs: number | null, recordedAt: string, path: string, issues: FieldIssue[]): void {
  const latest = Date.parse(recordedAt) + RECEIVED_AT_MAX_SKEW_MS;
  if (receivedAtMs !== null && receivedAtMs > latest) issues.push({ path, message: `must not be later than ${formatInstant(latest)} (the service's clock plus 5 minutes): money cannot be received in the future` });
}

/** An issued invoice as the settlement, correction and dunning rules see it. */
export interface IssuedView {
  draft: InvoiceDrafted['data'];
  issued: InvoiceIssued['data'];
  settlement: InvoiceSettlement;
}

/**
 * A payment is recorded once (by its payment id; the `paymentref-<externalRef>` stream maps
 * the provider's reference to that id). It may be partial; the one that brings the amount
 * due to zero also records `InvoicePaid`. A payment on an invoice already paid is kept, all
 * of it as excess (account credit): the money arrived and must be accounted for.
 */
export function decideRecordPayment(command: RecordPayment, invoice: IssuedView): InvoiceSettlementEvent[] {
  const { data } = command;
  const { issued, settlement } = invoice;
  if (settlement.payments.some((p) => p.paymentId === data.paymentId)) return [];
  if (exact(data.amount).lte(0)) throw new IllegalStateError('payment_not_positive', 'a payment must be greater than zero');
  const currency = issued.currency as Currency;
  const split = splitAgainstDue(data.amount, settlement.amountDue, currency);
  const amountPaidAfter = formatMoney(exact(settlement.amountPaid).plus(split.applied), currency);
  const events: InvoiceSettlementEvent[] = [
    {
      type: 'PaymentRecorded',
      data: {
        accountId: issued.accountId,
        period: issued.period,
        invoiceId: issued.invoiceId,
        number: issued.number,
        paymentId: data.paymentId,
        externalRef: data.externalRef,
        amount: formatMoney(data.amount, currency),
        currency,
        method: data.method,
        receivedAt: data.receivedAt,
        recordedAt: data.recordedAt,
        appliedAmount: split.applied,
        excessAmount: split.excess,
        amountPaidAfter,
        amountDueAfter: split.dueAfter,
      },
    },
  ];
  if (settlement.paidAt === null && exact(split.dueAfter).isZero()) {
    events.push(paidEvent(invoice, amountPaidAfter, settlement.amountCredited, data.recordedAt));
  }
  return events;
}

export function paidEvent(invoice: IssuedView, amountPaid: string, amountCredited: string, paidAt: string): InvoiceSettlementEvent {
  const { issued } = invoice;
  return {
    type: 'InvoicePaid',
    data: {
      accountId: issued.accountId,
      period: issued.period,
      invoiceId: issued.invoiceId,
      number: issued.number,
      total: issued.total,
      amountPaid,
      amountCredited,
      currency: issued.currency,
      paidAt,
    },
  };
}

/** Folds one settlement event into the settlement. */
export function evolveSettlement(settlement: InvoiceSettlement, event: Exclude<InvoiceStreamEvent, { type: 'InvoiceDrafted' | 'InvoiceIssued' | 'InvoiceVoided' }>): InvoiceSettlement {
  switch (event.type) {
    case 'PaymentRecorded':
      return { ...settlement, payments: [...settlement.payments, event.data], amountPaid: event.data.amountPaidAfter, amountDue: event.data.amountDueAfter };
    case 'InvoicePaid':
      return { ...settlement, paidAt: event.data.paidAt };
    case 'CreditNoteIssued': {
      const { creditNoteId, amount, reason, issuedAt, currency } = event.data;
      return {
        ...settlement,
        creditNotes: [...settlement.creditNotes, { creditNoteId, amount, reason, issuedAt }],
        amountCredited: event.data.amountCreditedAfter,
        creditNotesTotal: formatMoney(exact(settlement.creditNotesTotal).plus(amount), currency as Currency),
        amountDue: event.data.amountDueAfter,
      };
    }
    case 'InvoiceOverdue':
      return { ...settlement, overdueAt: event.data.overdueAt };
    case 'PaymentReminderDue':
      return { ...settlement, reminderDays: [...settlement.reminderDays, event.data.day].sort((a, b) => a - b) };
    case 'PaymentReversed':
      return {
        ...settlement,
        reversedPaymentIds: [...settlement.reversedPaymentIds, event.data.paymentId],
        amountPaid: event.data.amountPaidAfter,
        amountDue: event.data.amountDueAfter,
        paidAt: event.data.reopened ? null : settlement.paidAt,
      };
  }
}
