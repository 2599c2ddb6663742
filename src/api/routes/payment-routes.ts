import { z } from 'zod';
import { runDunning } from '../../commands/dunning.ts';
import { issueCreditNote, recordPayment, voidInvoice } from '../../commands/payment-commands.ts';
import { NotFoundError, ValidationError } from '../../domain/errors.ts';
import { DEFAULT_DUNNING_CONFIG } from '../../domain/invoice/dunning-rules.ts';
import type { PaymentMethod } from '../../domain/invoice/invoice-events.ts';
import { formatMoney, isCurrency } from '../../domain/rating/money.ts';
import { requireAccount } from '../../projections/accounts/accounts-queries.ts';
import type { CreditNotesTable, PaymentsTable } from '../../projections/payments/payment-tables.ts';
import { accountBalance } from '../../projections/payments/payment-queries.ts';
import type { ModuleDeps } from '../module-deps.ts';
import { decodeTimestampCursor, keysetAfter, PageQuery, pageFrom, pageOf } from '../pagination.ts';
import type { RouteRegistry } from '../route.ts';
import { AccountIdParams } from '../schemas/account-schemas.ts';
import {
  AccountInvoiceParams,
  BalanceView,
  CreditNoteBody,
  CreditNoteListItemView,
  CreditNoteListQuery,
  CreditNoteView,
  InvoiceIdParams,
  PaymentListItemView,
  PaymentListQuery,
  PaymentView,
  RecordPaymentBody,
  VoidBody,
  VoidView,
} from '../schemas/payment-schemas.ts';
import { iso } from './iso.ts';

const tags = ['payments'];

/** A command's field issues name the body's fields. */
async function inBody<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ValidationError) throw new ValidationError(error.issues.map((i) => ({ ...i, path: `body.${i.path}` })), error.code);
    throw error;
  }
}

/** Amounts leave as decimal strings with the currency's minor-unit digits ("10" is stored, "10.00" is shown). */
const money = (amount: string, currency: string) => (isCurrency(currency) ? formatMoney(amount, currency) : amount);

const paymentItem = (row: PaymentsTable) => ({
  paymentId: row.payment_id,
  invoiceId: row.invoice_id,
  invoiceNumber: row.invoice_number,
  period: row.period,
  externalRef: row.external_ref,
  amount: money(row.amount, row.currency),
  currency: row.currency,
  method: row.method as PaymentMethod,
  receivedAt: iso(row.received_at),
  recordedAt: iso(row.recorded_at),
  appliedAmount: money(row.applied_amount, row.currency),
  excessAmount: money(row.excess_amount, row.currency),
});

const creditNoteItem = (row: CreditNotesTable) => ({
  creditNoteId: row.credit_note_id,
  invoiceId: row.invoice_id,
  invoiceNumber: row.invoice_number,
  period: row.period,
  amount: money(row.amount, row.currency),
  currency: row.currency,
  reason: row.reason,
  issuedAt: iso(row.issued_at),
  appliedAmount: money(row.applied_amount, row.currency),
  excessAmount: money(row.excess_amount, row.currency),
});

interface PaymentFilter {
  accountId: string;
  invoiceId?: string | undefined;
  method?: PaymentMethod | undefined;
  externalRef?: string | undefined;
  receivedFrom?: string | undefined;
  receivedTo?: string | undefined;
}
interface CreditNoteFilter {
  accountId: string;
  invoiceId?: string | undefined;
  issuedFrom?: string | undefined;
  issuedTo?: string | undefined;
}
interface Page {
  limit: number;
  cursor?: string | undefined;
}

/** One page of an account's payments, newest recorded first: keyset on (recorded_at, payment_id), the payments_account_idx order. */
async function paymentsPage(db: ModuleDeps['readModels'], filter: PaymentFilter, page: Page) {
  const after = decodeTimestampCursor(page.cursor);
  let q = db.selectFrom('payments').selectAll().where('account_id', '=', filter.accountId);
  if (filter.invoiceId) q = q.where('invoice_id', '=', filter.invoiceId);
  if (filter.method) q = q.where('method', '=', filter.method);
  if (filter.externalRef) q = q.where('external_ref', '=', filter.externalRef);
  if (filter.receivedFrom) q = q.where('received_at', '>=', filter.receivedFrom);
  if (filter.receivedTo) q = q.where('received_at', '<', filter.receivedTo);
  if (after) q = q.where((eb) => keysetAfter(eb, ['recorded_at', 'payment_id'], 'desc', [after.at, after.id]));
  const rows = await q.orderBy('recorded_at', 'desc').orderBy('payment_id', 'desc').limit(page.limit + 1).execute();
  return pageFrom(rows, page.limit, (last) => [iso(last.recorded_at), last.payment_id], paymentItem);
}

/** One page of an account's credit notes, newest first: keyset on (issued_at, credit_note_id), the credit_notes_account_idx order. */
async function creditNotesPage(db: ModuleDeps['readModels'], filter: CreditNoteFilter, page: Page) {
  const after = decodeTimestampCursor(page.cursor);
  let q = db.selectFrom('credit_notes').selectAll().where('account_id', '=', filter.accountId);
  if (filter.invoiceId) q = q.where('invoice_id', '=', filter.invoiceId);
  if (filter.issuedFrom) q = q.where('issued_at', '>=', filter.issuedFrom);
  if (filter.issuedTo) q = q.where('issued_at', '<', filter.issuedTo);
  if (after) q = q.where((eb) => keysetAfter(eb, ['issued_at', 'credit_note_id'], 'desc', [after.at, after.id]));
  const rows = await q.orderBy('issued_at', 'desc').orderBy('credit_note_id', 'desc').limit(page.limit + 1).execute();
  return pageFrom(rows, page.limit, (last) => [iso(last.issued_at), last.credit_note_id], creditNoteItem);
}

/** The invoice, if it is this account's; another account's invoice is as absent as one that never existed. */
async function requireAccountInvoice(db: ModuleDeps['readModels'], accountId: string, invoiceId: string) {
  const row = await db.selectFrom('invoices').select(['invoice_id']).where('invoice_id', '=', invoiceId).where('account_id', '=', accountId).executeTakeFirst();
  if (!row) throw new NotFoundError('invoice_not_found', `invoice ${invoiceId} does not exist`);
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
    async handler({ params, body, context, newId }) {
      const creditNote = await inBody(() => issueCreditNote(commandDeps, params.invoiceId, body, context, newId('credit-note')));
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
    method: 'GET',
    url: '/accounts/:accountId/payments',
    summary: "The account's payments, newest recorded first; filter by invoice, method, provider reference or when the money arrived",
    tags,
    access: 'invoices:read',
    params: AccountIdParams,
    query: PaymentListQuery,
    responses: { 200: pageOf(PaymentListItemView) },
    async handler({ params, query }) {
      await requireAccount(deps.readModels, params.accountId);
      const { limit, cursor, ...filter } = query;
      return { status: 200, body: await paymentsPage(deps.readModels, { accountId: params.accountId, ...filter }, { limit, cursor }) };
    },
  });

  routes.add({
    method: 'GET',
    url: '/accounts/:accountId/invoices/:invoiceId/payments',
    summary: "One invoice's payments, newest recorded first",
    tags,
    access: 'invoices:read',
    params: AccountInvoiceParams,
    query: PageQuery,
    responses: { 200: pageOf(PaymentListItemView) },
    async handler({ params, query }) {
      await requireAccountInvoice(deps.readModels, params.accountId, params.invoiceId);
      return { status: 200, body: await paymentsPage(deps.readModels, { accountId: params.accountId, invoiceId: params.invoiceId }, query) };
    },
  });

  routes.add({
    method: 'GET',
    url: '/accounts/:accountId/credit-notes',
    summary: "The account's credit notes, newest first; filter by invoice or when they were issued",
    tags,
    access: 'invoices:read',
    params: AccountIdParams,
    query: CreditNoteListQuery,
    responses: { 200: pageOf(CreditNoteListItemView) },
    async handler({ params, query }) {
      await requireAccount(deps.readModels, params.accountId);
      const { limit, cursor, ...filter } = query;
      return { status: 200, body: await creditNotesPage(deps.readModels, { accountId: params.accountId, ...filter }, { limit, cursor }) };
    },
  });

  routes.add({
    method: 'GET',
    url: '/accounts/:accountId/invoices/:invoiceId/credit-notes',
    summary: "One invoice's credit notes, newest first",
    tags,
    access: 'invoices:read',
    params: AccountInvoiceParams,
    query: PageQuery,
    responses: { 200: pageOf(CreditNoteListItemView) },
    async handler({ params, query }) {
      await requireAccountInvoice(deps.readModels, params.accountId, params.invoiceId);
      return { status: 200, body: await creditNotesPage(deps.readModels, { accountId: params.accountId, invoiceId: params.invoiceId }, query) };
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
