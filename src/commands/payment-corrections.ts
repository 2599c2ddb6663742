import { creditDecider } from '../domain/credit/credit-decider.ts';
import { creditStream, type CreditRefunded } from '../domain/credit/credit-events.ts';
import { IllegalStateError, NotFoundError, ValidationError, type FieldIssue } from '../domain/errors.ts';
import { invoiceDecider } from '../domain/invoice/invoice-decider.ts';
import { invoiceStream, type PaymentReversed } from '../domain/invoice/invoice-events.ts';
import { PAYMENT_REFERENCE } from '../domain/invoice/payment-reference.ts';
import { exact } from '../domain/rating/exact-decimal.ts';
import { checkAmount, formatMoney, isCurrency, type Currency } from '../domain/rating/money.ts';
import { REASON_TEXT } from '../domain/shared/reason-text.ts';
import { fitsText } from '../domain/shared/field-rule.ts';
import type { EventStore } from '../ports/event-store.ts';
import type { PaymentsTable } from '../projections/payments/payment-tables.ts';
import { paymentProjections } from '../projections/payments/payment-projections.ts';
import { handleCommand, loadAggregate, noteAlreadyRecorded, type CommandContext } from './command-handler.ts';
import { awaitReadModels, type ReadModelGuardDeps } from './read-model-guard.ts';

export interface PaymentCorrectionDeps {
  eventStore: EventStore;
  /** where a payment was recorded, from the payments read model (the invoice's stream is then the authority) */
  locatePayment(paymentId: string): Promise<Pick<PaymentsTable, 'payment_id' | 'invoice_id' | 'account_id' | 'period'> | undefined>;
  /** the account's currency, or undefined when there is no such account */
  accountCurrency(accountId: string): Promise<string | undefined>;
  /** a payment the read model does not have yet (recorded a moment ago) is waited for, up to readModelWaitMs, before the answer is 404 */
  projectionCheckpoint?: ReadModelGuardDeps['projectionCheckpoint'];
  readModelWaitMs?: number;
}

export interface PaymentReversalView {
  paymentId: string;
  invoiceId: string;
  invoiceNumber: string;
  externalRef: string;
  amount: string;
  currency: string;
  reason: string;
  reversedAt: string;
  /** due on the invoice again */
  appliedAmount: string;
  /** taken off the account's credit (what the payment had credited) */
  excessAmount: string;
  amountDueAfter: string;
  /** the invoice had been paid and is open again */
  reopened: boolean;
}

export interface CreditRefundView {
  refundId: string;
  accountId: string;
  externalRef: string;
  amount: string;
  currency: string;
  reason: string;
  refundedAt: string;
}

function checkReason(reason: unknown, issues: FieldIssue[]) {
  if (typeof reason !== 'string' || !fitsText(reason.trim(), REASON_TEXT)) issues.push({ path: 'reason', message: `must be ${REASON_TEXT.minLength} to ${REASON_TEXT.maxLength} characters` });
}

const reversalView = (d: PaymentReversed['data']): PaymentReversalView => ({
  paymentId: d.paymentId,
  invoiceId: d.invoiceId,
  invoiceNumber: d.number,
  externalRef: d.externalRef,
  amount: d.amount,
  currency: d.currency,
  reason: d.reason,
  reversedAt: d.reversedAt,
  appliedAmount: d.appliedAmount,
  excessAmount: d.excessAmount,
  amountDueAfter: d.amountDueAfter,
  reopened: d.reopened,
});

/**
 * Reverses a recorded payment (a chargeback, money recorded on the wrong invoice). Everything is
 * decided before anything is recorded: an unknown payment (404 `payment_not_found`), one already
 * reversed (409 `payment_already_reversed`), or one whose overpayment credit was already used
 * (409 `payment_credit_spent`) leave no event. Then what the payment credited to the account is
 * taken back (`CreditReversed`, once per payment), and the invoice records `PaymentReversed`.
 * A retry after a crash between the two finds the credit taken and completes the invoice.
 */
export async function reversePayment(deps: PaymentCorrectionDeps, paymentId: string, input: { reason: string }, context: CommandContext): Promise<PaymentReversalView> {
  const issues: FieldIssue[] = [];
  checkReason(input.reason, issues);
  if (issues.length > 0) throw new ValidationError(issues);
  const reason = input.reason.trim();
  let located = await deps.locatePayment(paymentId);
  if (!located && deps.projectionCheckpoint) {
    // As for invoices (payment-commands.ts): a miss is a 404 only once the read model is current.
    const payments = paymentProjections.filter((projection) => projection.name === 'payments');
    await awaitReadModels({ eventStore: deps.eventStore, projectionCheckpoint: deps.projectionCheckpoint }, payments, { waitMs: deps.readModelWaitMs ?? 5_000 });
    located = await deps.locatePayment(paymentId);
  }
  if (!located) throw new NotFoundError('payment_not_found', `payment ${paymentId} does not exist`);
  const stream = invoiceStream(located.account_id, located.period);
  const command = {
    type: 'ReversePayment' as const,
    data: { accountId: located.account_id, period: located.period, invoiceId: located.invoice_id, paymentId, reason, reversedAt: context.occurredAt },
  };
  const { state } = await loadAggregate(deps.eventStore, invoiceDecider, stream);
  // Decided once before anything is recorded: a refused reversal leaves the credit untouched too.
  const decided = invoiceDecider.decide(command, state).find((e): e is PaymentReversed => e.type === 'PaymentReversed');
  if (!decided) throw new Error(`payment ${paymentId} was neither reversed nor refused`);

  if (exact(decided.data.excessAmount).gt(0)) {
    const { excessAmount, externalRef, invoiceId } = decided.data;
    await handleCommand(
      deps.eventStore,
      creditDecider,
      creditStream(located.account_id),
      { type: 'ReverseCredit', data: { accountId: located.account_id, paymentId, invoiceId, externalRef, amount: excessAmount, reason, reversedAt: context.occurredAt } },
      context,
    );
  }
  const result = await handleCommand(deps.eventStore, invoiceDecider, stream, command, context);
  const reversed = result.events.find((e): e is PaymentReversed => e.type === 'PaymentReversed');
  if (!reversed) throw new Error(`payment ${paymentId} was not reversed`);
  return reversalView(reversed.data);
}

/**
 * Refunds account credit (the payout itself happens outside the platform, under `externalRef`).
 * Idempotent by reference: the same reference with the same amount and reason answers the first
 * refund and records nothing (`created: false`); with another amount or reason, 409
 * `refund_conflict`. More than the credit available: 409 `insufficient_credit`.
 */
export async function refundCredit(
  deps: PaymentCorrectionDeps,
  accountId: string,
  input: { amount: string; externalRef: string; reason: string },
  context: CommandContext,
  refundId: string,
): Promise<{ created: boolean; refund: CreditRefundView }> {
  const issues: FieldIssue[] = [];
  if (typeof input.externalRef !== 'string' || !PAYMENT_REFERENCE.test(input.externalRef)) {
    issues.push({ path: 'externalRef', message: 'must be 1 to 128 characters: letters, digits and . _ : / + = -, starting with a letter or digit' });
  }
  checkReason(input.reason, issues);
  checkAmount(input.amount, 'amount', issues, { positive: true });
  if (issues.length > 0) throw new ValidationError(issues);
  const currency = await deps.accountCurrency(accountId);
  if (currency === undefined) throw new NotFoundError('account_not_found', `account ${accountId} does not exist`);
  if (isCurrency(currency)) checkAmount(input.amount, 'amount', issues, { positive: true, currency });
  if (issues.length > 0) throw new ValidationError(issues);
  const amount = isCurrency(currency) ? formatMoney(input.amount, currency as Currency) : input.amount;

  const result = await handleCommand(
    deps.eventStore,
    creditDecider,
    creditStream(accountId),
    { type: 'RefundCredit', data: { accountId, refundId, externalRef: input.externalRef, amount, reason: input.reason.trim(), refundedAt: context.occurredAt } },
    context,
  );
  const refund: CreditRefunded['data'] | undefined = result.state.refunds?.[input.externalRef];
  if (!refund) throw new IllegalStateError('refund_not_recorded', `refund ${input.externalRef} was not recorded`);
  const created = result.events.length > 0;
  if (!created) await noteAlreadyRecorded(deps.eventStore, context, [creditStream(accountId)]);
  return { created, refund: { ...refund } };
}
