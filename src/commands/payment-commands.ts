import { randomUUID } from 'node:crypto';
import { creditDecider, type ApplyCredit } from '../domain/credit/credit-decider.ts';
import { creditStream, type CreditSource } from '../domain/credit/credit-events.ts';
import { IllegalStateError, NotFoundError, ValidationError, type FieldIssue } from '../domain/errors.ts';
import { invoiceDecider, type InvoiceState } from '../domain/invoice/invoice-decider.ts';
import {
  invoiceStream,
  PAYMENT_METHODS,
  paymentReferenceStream,
  type CreditNoteIssued,
  type PaymentMethod,
  type PaymentRecorded,
} from '../domain/invoice/invoice-events.ts';
import { PAYMENT_REFERENCE, paymentReferenceDecider } from '../domain/invoice/payment-reference.ts';
import { exact } from '../domain/rating/exact-decimal.ts';
import { checkInstant, formatInstant } from '../domain/rating/instant.ts';
import { checkAmount, formatMoney, isCurrency, type Currency } from '../domain/rating/money.ts';
import { checkReceivedAt } from '../domain/invoice/payment-settlement.ts';
import { fitsText } from '../domain/shared/field-rule.ts';
import { REASON_TEXT } from '../domain/shared/reason-text.ts';
import type { EventStore } from '../ports/event-store.ts';
import { invoiceProjections } from '../projections/invoices/invoice-projections.ts';
import type { InvoicesTable } from '../projections/invoices/invoice-tables.ts';
import { handleCommand, loadAggregate, noteAlreadyRecorded, type CommandContext } from './command-handler.ts';
import { awaitReadModels, type ReadModelGuardDeps } from './read-model-guard.ts';

export interface PaymentDeps {
  eventStore: EventStore;
  /** where an invoice lives, from the invoices read model (its stream is then the authority) */
  locateInvoice(invoiceId: string): Promise<Pick<InvoicesTable, 'invoice_id' | 'account_id' | 'period' | 'status' | 'currency' | 'number'> | undefined>;
  /** how a void invoice was voided, from the invoices read model: the answer to a void that was already done */
  voidedInvoice(invoiceId: string): Promise<Pick<InvoicesTable, 'number' | 'void_reason' | 'voided_at' | 'credit_applied'> | undefined>;
  /**
   * An invoice the read model does not have yet (issued a moment ago) is waited for, up to
   * readModelWaitMs, before the answer is 404; omitted: no wait (tests of the lookup alone).
   */
  projectionCheckpoint?: ReadModelGuardDeps['projectionCheckpoint'];
  readModelWaitMs?: number;
}

export interface RecordPaymentInput {
  externalRef: string;
  amount: string;
  method: PaymentMethod;
  receivedAt: string;
}

/** A recorded payment, as its event has it: the same every time it is asked for. */
export interface PaymentView {
  paymentId: string;
  invoiceId: string;
  invoiceNumber: string;
  externalRef: string;
  amount: string;
  currency: string;
  method: PaymentMethod;
  receivedAt: string;
  recordedAt: string;
  /** the part that went to the invoice */
  appliedAmount: string;
  /** an overpayment: credited to the account, applied to its next invoice */
  excessAmount: string;
  /** still due on the invoice right after this payment */
  amountDueAfter: string;
}

export interface CreditNoteView {
  creditNoteId: string;
  invoiceId: string;
  invoiceNumber: string;
  amount: string;
  currency: string;
  reason: string;
  issuedAt: string;
  appliedAmount: string;
  excessAmount: string;
  amountDueAfter: string;
}

/** Where an invoice lives: its account and period name its stream (`invoice-<accountId>:<YYYY-MM>`). */
async function locateInvoice(deps: PaymentDeps, invoiceId: string) {
  let row = await deps.locateInvoice(invoiceId);
  if (!row && deps.projectionCheckpoint) {
    // A miss may be an invoice the read model has not applied yet: once it has applied what
    // the log held, a second miss is a real 404. A read model that is failed or stays behind
    // is named (409), never passed off as a 404 the client would believe.
    await awaitReadModels({ eventStore: deps.eventStore, projectionCheckpoint: deps.projectionCheckpoint }, invoiceProjections, { waitMs: deps.readModelWaitMs ?? 5_000 });
    row = await deps.locateInvoice(invoiceId);
  }
  if (!row) throw new NotFoundError('invoice_not_found', `invoice ${invoiceId} does not exist`);
  if (!isCurrency(row.currency)) throw new Error(`invoice ${invoiceId} has an unknown currency ${row.currency}`);
  return { ...row, currency: row.currency as Currency, stream: invoiceStream(row.account_id, row.period) };
}

/** The invoice a command names must be the stream's current, issued one. */
function requireIssued(state: InvoiceState, invoiceId: string) {
  if (state.status === 'none') throw new NotFoundError('invoice_not_found', `invoice ${invoiceId} does not exist`);
  if (state.status === 'draft') {
    if (state.draft.invoiceId === invoiceId) throw new IllegalStateError('invoice_not_issued', `invoice ${invoiceId} is a draft; only issued invoices take payments and corrections`);
    throw new IllegalStateError('invoice_void', `invoice ${invoiceId} was voided and replaced`);
  }
  if (state.issued.invoiceId !== invoiceId || state.status === 'void') throw new IllegalStateError('invoice_void', `invoice ${invoiceId} was voided`);
  return state;
}

function creditAccount(eventStore: EventStore, accountId: string, creditId: string, amount: string, currency: string, source: CreditSource, creditedAt: string, context: CommandContext) {
  return handleCommand(eventStore, creditDecider, creditStream(accountId), { type: 'CreditAccount', data: { accountId, creditId, amount, currency, source, creditedAt } }, context);
}

const paymentView = (p: PaymentRecorded['data']): PaymentView => ({
  paymentId: p.paymentId,
  invoiceId: p.invoiceId,
  invoiceNumber: p.number,
  externalRef: p.externalRef,
  amount: p.amount,
  currency: p.currency,
  method: p.method,
  receivedAt: p.receivedAt,
  recordedAt: p.recordedAt,
  appliedAmount: p.appliedAmount,
  excessAmount: p.excessAmount,
  amountDueAfter: p.amountDueAfter,
});

/**
 * Records a payment against an issued invoice, once per `externalRef` on the whole platform:
 * 1. the reference is claimed in `paymentref-<externalRef>` with what the payment is (the same
 *    reference with other content: 409 `payment_conflict`);
 * 2. the payment is recorded in the invoice's stream under the claim's payment id (a second
 *    attempt finds it there and records nothing); the one reaching the total records `InvoicePaid`;
 * 3. an overpayment's excess is credited to the account (`credit-<accountId>`, once per payment).
 * Each step is idempotent, so a retry after a crash between two of them completes the rest.
 * `created` is false when the payment was already recorded: the caller answers 200 with it.
 */
export async function recordPayment(deps: PaymentDeps, invoiceId: string, input: RecordPaymentInput, context: CommandContext): Promise<{ created: boolean; payment: PaymentView }> {
  const issues: FieldIssue[] = [];
  if (typeof input.externalRef !== 'string' || !PAYMENT_REFERENCE.test(input.externalRef)) {
    issues.push({ path: 'externalRef', message: 'must be 1 to 128 characters: letters, digits and . _ : / + = -, starting with a letter or digit' });
  }
  if (!(PAYMENT_METHODS as readonly string[]).includes(input.method)) issues.push({ path: 'method', message: `must be one of ${PAYMENT_METHODS.join(', ')}` });
  const receivedAtMs = checkInstant(input.receivedAt, 'receivedAt', issues);
  checkReceivedAt(receivedAtMs, context.occurredAt, 'receivedAt', issues);
  checkAmount(input.amount, 'amount', issues, { positive: true });
  if (issues.length > 0) throw new ValidationError(issues);

  const invoice = await locateInvoice(deps, invoiceId);
  checkAmount(input.amount, 'amount', issues, { positive: true, currency: invoice.currency });
  if (issues.length > 0) throw new ValidationError(issues);
  const content = { invoiceId, amount: formatMoney(input.amount, invoice.currency), method: input.method, receivedAt: formatInstant(receivedAtMs!) };

  // Refuse before claiming the reference when the invoice cannot take it anyway.
  const { state: before } = await loadAggregate(deps.eventStore, invoiceDecider, invoice.stream);
  const alreadyThere = before.status === 'issued' && before.issued.invoiceId === invoiceId && before.settlement.payments.find((p) => p.externalRef === input.externalRef);
  if (!alreadyThere) requireIssued(before, invoiceId);

  const claim = await handleCommand(
    deps.eventStore,
    paymentReferenceDecider,
    paymentReferenceStream(input.externalRef),
    { type: 'ReservePaymentReference', data: { ...content, externalRef: input.externalRef, paymentId: randomUUID(), reservedAt: context.occurredAt } },
    context,
  );
  const { paymentId } = claim.state.reserved!;

  const recorded = await handleCommand(
    deps.eventStore,
    invoiceDecider,
    invoice.stream,
    { type: 'RecordPayment', data: { accountId: invoice.account_id, period: invoice.period, invoiceId, paymentId, externalRef: input.externalRef, amount: content.amount, method: content.method, receivedAt: content.receivedAt, recordedAt: context.occurredAt } },
    context,
  );
  const state = requireIssued(recorded.state, invoiceId);
  const payment = state.settlement.payments.find((p) => p.paymentId === paymentId)!;

  if (exact(payment.excessAmount).gt(0)) {
    const source: CreditSource = { kind: 'overpayment', invoiceId, paymentId, externalRef: payment.externalRef };
    await creditAccount(deps.eventStore, invoice.account_id, `payment:${paymentId}`, payment.excessAmount, payment.currency, source, payment.recordedAt, context);
  }
  const created = recorded.events.length > 0;
  if (!created) await noteAlreadyRecorded(deps.eventStore, context, exact(payment.excessAmount).gt(0) ? [invoice.stream, creditStream(invoice.account_id)] : [invoice.stream]);
  return { created, payment: paymentView(payment) };
}

/**
 * A credit note against an issued invoice (never changing it): Σ credit notes ≤ the total
 * (409 `credit_notes_exceed_total`). What it credits beyond what was still due (the invoice
 * was already paid) becomes account credit.
 */
export async function issueCreditNote(
  deps: PaymentDeps,
  invoiceId: string,
  input: { amount: string; reason: string },
  context: CommandContext,
  /** fresh when absent; the API derives it from the Idempotency-Key, so a retry finds the first try's note */
  creditNoteId: string = randomUUID(),
): Promise<CreditNoteView> {
  const issues: FieldIssue[] = [];
  checkReason(input.reason, issues);
  checkAmount(input.amount, 'amount', issues, { positive: true });
  if (issues.length > 0) throw new ValidationError(issues);
  const invoice = await locateInvoice(deps, invoiceId);
  checkAmount(input.amount, 'amount', issues, { positive: true, currency: invoice.currency });
  if (issues.length > 0) throw new ValidationError(issues);

  const result = await handleCommand(
    deps.eventStore,
    invoiceDecider,
    invoice.stream,
    { type: 'IssueCreditNote', data: { accountId: invoice.account_id, period: invoice.period, invoiceId, creditNoteId, amount: input.amount, reason: input.reason.trim(), issuedAt: context.occurredAt } },
    context,
  );
  // Nothing recorded: this id was issued already (a retry), and the note is the one recorded then.
  const issued =
    result.events.find((e): e is CreditNoteIssued => e.type === 'CreditNoteIssued')?.data ??
    ((await deps.eventStore.readStream(invoice.stream)).find((e) => e.type === 'CreditNoteIssued' && (e.data as CreditNoteIssued['data']).creditNoteId === creditNoteId)
      ?.data as CreditNoteIssued['data'] | undefined);
  if (!issued) throw new Error(`credit note ${creditNoteId} was neither issued nor found on invoice ${invoiceId}`);
  // Idempotent (keyed by the note): also completes a retry whose first try stopped before it.
  if (exact(issued.excessAmount).gt(0)) {
    await creditAccount(deps.eventStore, invoice.account_id, `creditnote:${creditNoteId}`, issued.excessAmount, issued.currency, { kind: 'credit_note', invoiceId, creditNoteId }, issued.issuedAt, context);
  }
  if (result.events.length === 0) await noteAlreadyRecorded(deps.eventStore, context, exact(issued.excessAmount).gt(0) ? [invoice.stream, creditStream(invoice.account_id)] : [invoice.stream]);
  return {
    creditNoteId,
    invoiceId,
    invoiceNumber: issued.number,
    amount: issued.amount,
    currency: issued.currency,
    reason: issued.reason,
    issuedAt: issued.issuedAt,
    appliedAmount: issued.appliedAmount,
    excessAmount: issued.excessAmount,
    amountDueAfter: issued.amountDueAfter,
  };
}

/**
 * Voids an issued invoice with no payment recorded (409 `invoice_has_payments` otherwise) and
 * gives back the account credit it took. The period's next billing run drafts a replacement
 * from a fresh replay and issues it with a new number. Voiding again changes nothing.
 */
export async function voidInvoice(deps: PaymentDeps, invoiceId: string, input: { reason: string }, context: CommandContext) {
  const issues: FieldIssue[] = [];
  checkReason(input.reason, issues);
  if (issues.length > 0) throw new ValidationError(issues);
  const invoice = await locateInvoice(deps, invoiceId);
  const command = { type: 'VoidInvoice' as const, data: { accountId: invoice.account_id, period: invoice.period, invoiceId, reason: input.reason.trim(), voidedAt: context.occurredAt } };
  const { state } = await loadAggregate(deps.eventStore, invoiceDecider, invoice.stream);
  // Voided and replaced since (the stream now holds the replacement): the void stands as recorded.
  const replaced = invoice.status === 'void' && state.status !== 'void';
  const result = replaced ? null : await handleCommand(deps.eventStore, invoiceDecider, invoice.stream, command, context);
  // Idempotent: also completes a void whose credit release was interrupted.
  await handleCommand(
    deps.eventStore,
    creditDecider,
    creditStream(invoice.account_id),
    { type: 'ReleaseCredit', data: { accountId: invoice.account_id, period: invoice.period, invoiceId, releasedAt: context.occurredAt } },
    context,
  );
  if (!result || result.events.length === 0) await noteAlreadyRecorded(deps.eventStore, context, [invoice.stream, creditStream(invoice.account_id)]);
  if (result) {
    if (result.state.status !== 'void') throw new Error(`invoice ${invoiceId} was not voided`);
    const { voided } = result.state;
    return { invoiceId, number: voided.number, status: 'void' as const, reason: voided.reason, voidedAt: voided.voidedAt, creditReleased: voided.creditApplied };
  }
  const row = await deps.voidedInvoice(invoiceId);
  if (!row) throw new Error(`invoice ${invoiceId} is void in its stream but not in the read model`);
  return {
    invoiceId,
    number: row.number ?? '',
    status: 'void' as const,
    reason: row.void_reason ?? '',
    voidedAt: row.voided_at === null ? '' : new Date(row.voided_at).toISOString(),
    creditReleased: formatMoney(row.credit_applied, invoice.currency),
  };
}

function checkReason(reason: unknown, issues: FieldIssue[]) {
  if (typeof reason !== 'string' || !fitsText(reason.trim(), REASON_TEXT)) issues.push({ path: 'reason', message: `must be ${REASON_TEXT.minLength} to ${REASON_TEXT.maxLength} characters` });
}

/**
 * Applies the credit an invoice was rated with (`rated.creditApplied`) to the account's
 * credit, before the invoice is issued: once per invoice period, never more than available
 * (`insufficient_credit` otherwise: the billing run then fails that account and the next run
 * re-rates it on the credit there is).
 */
export function applyInvoiceCredit(eventStore: EventStore, data: ApplyCredit['data'], context: CommandContext) {
  return handleCommand(eventStore, creditDecider, creditStream(data.accountId), { type: 'ApplyCredit', data }, context);
}
