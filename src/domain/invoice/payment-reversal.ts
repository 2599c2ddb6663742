import { ConflictError, NotFoundError } from '../errors.ts';
import { exact } from '../rating/exact-decimal.ts';
import { formatMoney, type Currency } from '../rating/money.ts';
import type { InvoiceSettlementEvent } from './invoice-events.ts';
import type { IssuedView } from './payment-settlement.ts';

/**
 * Takes a recorded payment back (a chargeback, a payment recorded on the wrong invoice). Nothing
 * recorded changes: `PaymentReversed` undoes the payment beside it. What the payment applied is
 * due again, so a paid invoice opens again; dunning goes on from the marks the invoice already
 * has (overdue, the reminders sent), as if the payment had never arrived. What it credited to the
 * account (an overpayment's excess) is taken off the credit by the caller (`CreditReversed`).
 */
export type ReversePayment = {
  type: 'ReversePayment';
  data: { accountId: string; period: string; invoiceId: string; paymentId: string; reason: string; reversedAt: string };
};

export function decideReversePayment(command: ReversePayment, invoice: IssuedView): InvoiceSettlementEvent[] {
  const { data } = command;
  const { issued, settlement } = invoice;
  const payment = settlement.payments.find((p) => p.paymentId === data.paymentId);
  if (!payment) throw new NotFoundError('payment_not_found', `payment ${data.paymentId} does not exist`);
  if (settlement.reversedPaymentIds.includes(data.paymentId)) {
    throw new ConflictError('payment_already_reversed', `payment ${data.paymentId} (${payment.externalRef}) on invoice ${issued.number} was already reversed`);
  }
  const currency = issued.currency as Currency;
  const amountDueAfter = formatMoney(exact(settlement.amountDue).plus(payment.appliedAmount), currency);
  return [
    {
      type: 'PaymentReversed',
      data: {
        accountId: issued.accountId,
        period: issued.period,
        invoiceId: issued.invoiceId,
        number: issued.number,
        paymentId: payment.paymentId,
        externalRef: payment.externalRef,
        amount: payment.amount,
        currency,
        reason: data.reason,
        reversedAt: data.reversedAt,
        appliedAmount: payment.appliedAmount,
        excessAmount: payment.excessAmount,
        amountPaidAfter: formatMoney(exact(settlement.amountPaid).minus(payment.appliedAmount), currency),
        amountDueAfter,
        reopened: settlement.paidAt !== null && exact(amountDueAfter).gt(0),
      },
    },
  ];
}
