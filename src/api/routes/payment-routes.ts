import { z } from 'zod';
import { runDunning } from '../../commands/dunning.ts';
import { issueCreditNote, recordPayment, voidInvoice } from '../../commands/payment-commands.ts';
import { ValidationError } from '../../domain/errors.ts';
import { DEFAULT_DUNNING_CONFIG } from '../../domain/invoice/dunning-rules.ts';
import { PAYMENT_METHODS } from '../../domain/invoice/invoice-events.ts';
import { PAYMENT_REFERENCE } from '../../domain/invoice/payment-reference.ts';
import { parseInstant } from '../../domain/rating/instant.ts';
import { accountBalance } from '../../projections/payments/payment-queries.ts';
import type { ModuleDeps } from '../module-deps.ts';
import type { RouteRegistry } from '../route.ts';
import { AccountIdParams } from '../schemas/account-schemas.ts';

const tags = ['payments'];

// The shape of every field is checked here, so bad input lists every failing field at once;
// the minor-unit digits depend on the invoice's currency and are checked by the command.
const Amount = z
  .string()
  .regex(/^(0|[1-9]\d*)(\.\d+)?$/, 'must be a decimal string in major units, such as "57.59"')
  .refine((value) => /[1-9]/.test(value), 'must be greater than zero');
const Reason = z.string().trim().min(1).max(500);
const InvoiceIdParams = z.object({ invoiceId: z.uuid() });

const RecordPaymentBody = z.strictObject({
  externalRef: z
    .string()
    .regex(PAYMENT_REFERENCE, 'must be 1 to 128 characters: letters, digits and . _ : / + = -, starting with a letter or digit')
    .describe("the payment provider's reference (pix end-to-end id, boleto number, card charge id…); unique on the platform"),
  amount: Amount.describe('greater than zero, at most the currency’s minor-unit digits'),
  method: z.enum(PAYMENT_METHODS),
  receivedAt: z
    .string()
    .refine((value) => parseInstant(value) !== null, 'must be an ISO 8601 instant with an offset, e.g. 2026-07-05T10:00:00-03:00')
    .describe('when the money arrived'),
});
const PaymentView = z
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

const CreditNoteBody = z.strictObject({ amount: Amount, reason: Reason });
const CreditNoteView = z
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

const VoidBody = z.strictObject({ reason: Reason });
const VoidView = z
  .object({ invoiceId: z.string(), number: z.string(), status: z.literal('void'), reason: z.string(), voidedAt: z.string(), creditReleased: z.string() })
  .meta({ id: 'VoidedInvoice' });

const BalanceView = z
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

/** A command's field issues name the body's fields. */
async function inBody<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ValidationError) throw new ValidationError(error.issues.map((i) => ({ ...i, path: `body.${i.path}` })), error.code);
    throw error;
  }
}

export function registerPaymentRoutes(routes: RouteRegistry, deps: ModuleDeps): void {
  const commandDeps = { eventStore: deps.eventStore, readModels: deps.readModels };
  const settings = deps.settings as ModuleDeps['settings'] & { dunningSuspendAfterDays?: number };
  const dunningConfig = { ...DEFAULT_DUNNING_CONFIG, suspendAfterDays: settings.dunningSuspendAfterDays ?? DEFAULT_DUNNING_CONFIG.suspendAfterDays };

  routes.add({
    method: 'POST',
    url: '/invoices/:invoiceId/payments',
    summary: 'Record a payment against an issued invoice (operators); idempotent by externalRef: the same reference again answers 200 with the payment as first recorded',
    tags,
    access: 'operator',
    params: InvoiceIdParams,
    body: RecordPaymentBody,
    responses: { 201: PaymentView, 200: PaymentView },
    async handler({ params, body, context }) {
      const { created, payment } = await inBody(() => recordPayment(commandDeps, params.invoiceId, body, context));
      return { status: created ? 201 : 200, body: payment };
    },
  });

  routes.add({
    method: 'POST',
    url: '/invoices/:invoiceId/credit-notes',
    summary: 'Issue a credit note against an issued invoice (operators); the credit notes of an invoice never exceed its total',
    tags,
    access: 'operator',
    params: InvoiceIdParams,
    body: CreditNoteBody,
    responses: { 201: CreditNoteView },
    async handler({ params, body, context }) {
      const creditNote = await inBody(() => issueCreditNote(commandDeps, params.invoiceId, body, context));
      return { status: 201, body: creditNote };
    },
  });

  routes.add({
    method: 'POST',
    url: '/invoices/:invoiceId/void',
    summary: "Void an issued invoice with no payment recorded (operators); the period's next billing run issues a replacement",
    tags,
    access: 'operator',
    params: InvoiceIdParams,
    body: VoidBody,
    responses: { 200: VoidView },
    async handler({ params, body, context }) {
      return { status: 200, body: await inBody(() => voidInvoice(commandDeps, params.invoiceId, body, context)) };
    },
  });

  routes.add({
    method: 'GET',
    url: '/accounts/:accountId/balance',
    summary: "What the account owes (its open invoices' amounts due) and the credit it has for its next invoice",
    tags,
    access: 'invoices:read',
    params: AccountIdParams,
    responses: { 200: BalanceView },
    async handler({ params }) {
      return { status: 200, body: await accountBalance(deps.readModels, params.accountId) };
    },
  });

  routes.add({
    method: 'POST',
    url: '/operator/dunning-runs',
    summary: 'Run dunning now: overdue invoices, reminders on days 1, 7 and 14, suspension after the configured days, reactivation when paid (operators)',
    tags,
    access: 'operator',
    body: z.strictObject({}).optional(),
    responses: { 200: null },
    async handler({ context, request }) {
      const summary = await runDunning({ ...commandDeps, config: dunningConfig }, new Date(context.occurredAt), context);
      request.log.info({ markedOverdue: summary.markedOverdue, reminders: summary.reminders, suspended: summary.suspended, reactivated: summary.reactivated, failed: summary.failed }, 'dunning run');
      return { status: 200, body: summary };
    },
  });
}
