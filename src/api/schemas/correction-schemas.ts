import { z } from 'zod';
import { CREDIT_MOVEMENT_KINDS } from '../../domain/credit/credit-movements.ts';
import { PAYMENT_REFERENCE } from '../../domain/invoice/payment-reference.ts';
import { AMOUNT_TEXT, checkAmount } from '../../domain/rating/money.ts';
import { ReasonText as Reason } from './reason-schemas.ts';
import { rule } from './domain-rule.ts';
import { Instant } from './instant-schemas.ts';
import { decimalBounds, textField } from './field-rule-schema.ts';
import { BILLING_PERIOD, checkPeriod } from '../../domain/rating/billing-period.ts';
import { checkSampleKey, MAX_SAMPLES_PER_BATCH, SAMPLE_FIELDS } from '../../domain/usage/usage-samples.ts';

// The ranges are the domain's (checkAmount, AMOUNT_TEXT, REASON_TEXT), as for payments.
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

export const PaymentIdParams = z.object({ paymentId: z.uuid() });

export const ReversalBody = z.strictObject({ reason: Reason.describe('why the payment is taken back: a chargeback, a payment recorded on the wrong invoice') });
export const ReversalView = z
  .object({
    paymentId: z.string(),
    invoiceId: z.string(),
    invoiceNumber: z.string(),
    externalRef: z.string(),
    amount: z.string(),
    currency: z.string(),
    reason: z.string(),
    reversedAt: z.string(),
    appliedAmount: z.string().describe('due on the invoice again'),
    excessAmount: z.string().describe("what the payment had credited to the account, taken off the account's credit"),
    amountDueAfter: z.string(),
    reopened: z.boolean().describe('the invoice had been paid and is open again; dunning resumes from where it was'),
  })
  .meta({ id: 'PaymentReversal' });

export const RefundBody = z.strictObject({
  amount: Amount.describe('greater than zero and at most 1000000000000 (10^12) major units, at most the currency’s minor-unit digits; at most the credit available'),
  externalRef: z
    .string()
    .regex(PAYMENT_REFERENCE, 'must be 1 to 128 characters: letters, digits and . _ : / + = -, starting with a letter or digit')
    .describe("the payout's reference; the same reference with the same amount and reason is the same refund"),
  reason: Reason,
});
export const RefundView = z
  .object({
    refundId: z.string(),
    accountId: z.string(),
    externalRef: z.string(),
    amount: z.string(),
    currency: z.string(),
    reason: z.string(),
    refundedAt: z.string(),
  })
  .meta({ id: 'CreditRefund' });

export const CreditMovementView = z
  .object({
    sequence: z.string().describe("the credit stream's revision: the order the movements happened in"),
    kind: z.enum(CREDIT_MOVEMENT_KINDS),
    amount: z.string().describe('signed decimal string: credit in is positive, credit out negative'),
    currency: z.string(),
    balanceAfter: z.string().describe('the credit available right after this movement: the sum of the movements up to it'),
    occurredAt: z.string(),
    cause: z
      .object({
        invoiceId: z.string().optional(),
        period: z.string().optional(),
        paymentId: z.string().optional(),
        creditNoteId: z.string().optional(),
        refundId: z.string().optional(),
        externalRef: z.string().optional(),
        reason: z.string().optional(),
      })
      .describe('what moved the credit'),
  })
  .meta({ id: 'CreditMovement' });

export const UsageCorrectionBody = z.strictObject({
  accountId: z.uuid().describe('the account the samples were recorded for'),
  period: textField(BILLING_PERIOD, checkPeriod).describe("the billing period (YYYY-MM, in the account's time zone) whose usage stream holds the samples"),
  sampleKeys: z
    .array(textField(SAMPLE_FIELDS.sampleKey, checkSampleKey))
    .min(1)
    .max(MAX_SAMPLES_PER_BATCH)
    .describe(`1 to ${MAX_SAMPLES_PER_BATCH} sample keys, as sent to POST /usage; a key that is not a sample of the period is refused (400 unknown_sample_keys, naming it) and nothing is recorded`),
  reason: Reason,
});

const WithdrawnSampleView = z.object({
  kind: z.enum(['storage', 'traffic']),
  sampleKey: z.string(),
  bucketId: z.string(),
  bytes: z.string().optional(),
  at: z.string().optional(),
  windowStart: z.string().optional(),
  windowEnd: z.string().optional(),
  egressBytes: z.string().optional(),
  ingressBytes: z.string().optional(),
  requestsA: z.string().optional(),
  requestsB: z.string().optional(),
});

export const UsageCorrectionView = z
  .object({
    accountId: z.string(),
    period: z.string(),
    usageStream: z.string(),
    withdrawn: z.array(WithdrawnSampleView).describe('the samples this request withdrew, as they were measured'),
    alreadyWithdrawn: z.array(z.string()).describe('keys named that an earlier correction withdrew: left as they were'),
    reason: z.string(),
  })
  .meta({ id: 'UsageCorrection' });

export const StatementQuery = z
  .strictObject({
    from: Instant.describe('the statement starts here (inclusive): ISO 8601 with an offset'),
    to: Instant.describe('and ends here (exclusive)'),
    format: z.enum(['json', 'csv']).optional().describe('csv: the statement as CSV (so does `Accept: text/csv`)'),
  })
  .superRefine((query, ctx) => {
    if (Date.parse(query.from) >= Date.parse(query.to)) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
  });

const Balances = z.object({
  amountDue: z.string().describe("Σ what the account's issued invoices still had due"),
  credit: z.string().describe('the account credit available'),
  balance: z.string().describe('amount due − credit: what the account owes, net'),
});

export const StatementView = z
  .object({
    accountId: z.string(),
    currency: z.string(),
    from: z.string(),
    to: z.string(),
    opening: Balances,
    closing: Balances.describe('opening + every line, to the cent'),
    lines: z.array(
      z.object({
        at: z.string(),
        kind: z.enum(['invoice_issued', 'invoice_voided', 'payment', 'payment_reversed', 'credit_note', 'credit_movement']),
        reference: z.string().describe('the invoice number, payment reference, credit note id, or credit movement (kind:sequence)'),
        invoiceNumber: z.string().nullable(),
        description: z.string(),
        amountDueChange: z.string(),
        creditChange: z.string(),
        amountDueAfter: z.string(),
        creditAfter: z.string(),
        balanceAfter: z.string(),
      }),
    ),
  })
  .meta({ id: 'AccountStatement' });
