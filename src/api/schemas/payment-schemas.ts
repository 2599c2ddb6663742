import { z } from 'zod';
import { PAYMENT_METHODS } from '../../domain/invoice/invoice-events.ts';
import { PAYMENT_REFERENCE } from '../../domain/invoice/payment-reference.ts';
import { parseInstant } from '../../domain/rating/instant.ts';
import { AMOUNT_TEXT, checkAmount } from '../../domain/rating/money.ts';
import { PageQuery } from '../pagination.ts';
import { rule } from './domain-rule.ts';
import { decimalBounds } from './field-rule-schema.ts';
import { Instant } from './instant-schemas.ts';
import { ReasonText as Reason } from './reason-schemas.ts';

// Every field is checked here, so bad input lists every failing field at once; the range is
// the domain's (checkAmount, AMOUNT_TEXT). The minor-unit digits depend on the invoice's
// currency and are checked again by the command once it has the invoice.
const Amount = z
  .string()
  .regex(AMOUNT_TEXT.pattern, 'must be a decimal string in major units, such as "57.59"')
  .refine((value) => /[1-9]/.test(value), 'must be greater than zero')
  .superRefine(
    rule((value: string, path, issues) => {
      if (AMOUNT_TEXT.pattern.test(value) && /[1-9]/.test(value)) checkAmount(value, path, issues);
    }),
  )
  .meta(decimalBounds(AMOUNT_TEXT));
const ExternalRef = z
  .string()
  .regex(PAYMENT_REFERENCE, 'must be 1 to 128 characters: letters, digits and . _ : / + = -, starting with a letter or digit');

export const InvoiceIdParams = z.object({ invoiceId: z.uuid() });
export const AccountInvoiceParams = z.object({ accountId: z.uuid(), invoiceId: z.uuid() });

export const RecordPaymentBody = z.strictObject({
  externalRef: ExternalRef.describe("the payment provider's reference (pix end-to-end id, boleto number, card charge id…); unique on the platform"),
  amount: Amount.describe('greater than zero and at most 1000000000000 (10^12) major units, at most the currency’s minor-unit digits'),
  method: z.enum(PAYMENT_METHODS),
  receivedAt: z
    .string()
    .refine((value) => parseInstant(value) !== null, 'must be an ISO 8601 instant with an offset, e.g. 2026-07-05T10:00:00-03:00')
    .meta({ format: 'date-time' })
    .describe('when the money arrived; not later than the service’s clock plus 5 minutes'),
});

export const PaymentView = z
  .object({
    paymentId: z.string(),
    invoiceId: z.string(),
    invoiceNumber: z.string(),
    externalRef: z.string(),
    amount: z.string(),
    currency: z.string(),
    method: z.enum(PAYMENT_METHODS),
    receivedAt: z.string(),
    recordedAt: z.string(),
    appliedAmount: z.string(),
    excessAmount: z.string().describe('an overpayment, credited to the account and applied to its next invoice'),
    amountDueAfter: z.string(),
  })
  .meta({ id: 'Payment' });

export const CreditNoteBody = z.strictObject({
  amount: Amount.describe('greater than zero and at most 1000000000000 (10^12) major units, at most the currency’s minor-unit digits'),
  reason: Reason,
});
export const CreditNoteView = z
  .object({
    creditNoteId: z.string(),
    invoiceId: z.string(),
    invoiceNumber: z.string(),
    amount: z.string(),
    currency: z.string(),
    reason: z.string(),
    issuedAt: z.string(),
    appliedAmount: z.string(),
    excessAmount: z.string().describe('the part already paid, credited to the account'),
    amountDueAfter: z.string(),
  })
  .meta({ id: 'CreditNote' });

export const VoidBody = z.strictObject({ reason: Reason });
export const VoidView = z
  .object({ invoiceId: z.string(), number: z.string(), status: z.literal('void'), reason: z.string(), voidedAt: z.string(), creditReleased: z.string() })
  .meta({ id: 'VoidedInvoice' });

export const BalanceView = z
  .object({
    accountId: z.string(),
    currency: z.string(),
    openInvoices: z.array(
      z.object({
        invoiceId: z.string(),
        number: z.string(),
        period: z.string(),
        status: z.enum(['issued', 'overdue']),
        dueDate: z.string(),
        total: z.string(),
        amountPaid: z.string(),
        amountCredited: z.string(),
        amountDue: z.string(),
      }),
    ),
    amountDue: z.string(),
    creditAvailable: z.string(),
  })
  .meta({ id: 'AccountBalance' });

// ---- Lists (read models `payments` and `credit_notes`), newest recorded first ----

export const PaymentListItemView = z
  .object({
    paymentId: z.string(),
    invoiceId: z.string(),
    invoiceNumber: z.string(),
    period: z.string().describe("the invoice's billing period, YYYY-MM"),
    externalRef: z.string(),
    amount: z.string().describe('decimal string in major units'),
    currency: z.string(),
    method: z.enum(PAYMENT_METHODS),
    receivedAt: z.string().describe('when the money arrived'),
    recordedAt: z.string().describe('when the payment was recorded; the list is in this order, newest first'),
    appliedAmount: z.string().describe('what went to the invoice'),
    excessAmount: z.string().describe('an overpayment, credited to the account and applied to its next invoice'),
    reversedAt: z.string().nullable().describe('when the payment was reversed (POST /payments/:paymentId/reversal); null while it stands'),
    reversalReason: z.string().nullable(),
  })
  .meta({ id: 'PaymentListItem' });

export const CreditNoteListItemView = z
  .object({
    creditNoteId: z.string(),
    invoiceId: z.string(),
    invoiceNumber: z.string(),
    period: z.string().describe("the invoice's billing period, YYYY-MM"),
    amount: z.string().describe('decimal string in major units'),
    currency: z.string(),
    reason: z.string(),
    issuedAt: z.string().describe('the list is in this order, newest first'),
    appliedAmount: z.string().describe('what reduced the amount due'),
    excessAmount: z.string().describe('the part already paid, credited to the account'),
  })
  .meta({ id: 'CreditNoteListItem' });

/** `[from, to)`: both given, `from` must come before `to`. */
const rangeInOrder =
  (from: string, to: string) =>
  (query: Record<string, unknown>, ctx: z.RefinementCtx) => {
    const start = query[from];
    const end = query[to];
    if (typeof start === 'string' && typeof end === 'string' && Date.parse(start) >= Date.parse(end)) {
      ctx.addIssue({ code: 'custom', path: [to], message: `must be after ${from}` });
    }
  };

export const PaymentListQuery = PageQuery.extend({
  invoiceId: z.uuid().optional().describe("only this invoice's payments"),
  method: z.enum(PAYMENT_METHODS).optional(),
  externalRef: ExternalRef.optional().describe("only the payment with this provider's reference"),
  receivedFrom: Instant.optional().describe('received at or after this instant (ISO 8601 with an offset)'),
  receivedTo: Instant.optional().describe('received before this instant (exclusive)'),
}).superRefine(rangeInOrder('receivedFrom', 'receivedTo'));

export const CreditNoteListQuery = PageQuery.extend({
  invoiceId: z.uuid().optional().describe("only this invoice's credit notes"),
  issuedFrom: Instant.optional().describe('issued at or after this instant (ISO 8601 with an offset)'),
  issuedTo: Instant.optional().describe('issued before this instant (exclusive)'),
}).superRefine(rangeInOrder('issuedFrom', 'issuedTo'));
