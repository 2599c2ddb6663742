import { z } from 'zod';
import type { CommandContext } from '../../commands/command-handler.ts';
import type { DunningSummary } from '../../commands/dunning.ts';
import type { StateAt } from '../../commands/state-at.ts';
import type { issueCreditNote, recordPayment, voidInvoice } from '../../commands/payment-commands.ts';
import { NotFoundError, ValidationError } from '../../domain/errors.ts';
import type { PaymentMethod } from '../../domain/invoice/invoice-events.ts';
import { formatMoney, isCurrency } from '../../domain/rating/money.ts';
import type { requireAccount } from '../../projections/accounts/accounts-queries.ts';
import type { findAccountInvoice } from '../../projections/invoices/invoice-queries.ts';
import type { CreditNotesTable, PaymentsTable } from '../../projections/payments/payment-tables.ts';
import type { accountBalance, accountCreditNotesPage, accountPaymentsPage } from '../../projections/payments/payment-queries.ts';
import { decodeTimestampCursor, PageQuery, pageFrom, pageOf } from '../pagination.ts';
import type { Bound, Query, RouteRegistry } from '../route.ts';
import { AccountIdParams } from '../schemas/account-schemas.ts';
import { AsOfQuery } from '../schemas/instant-schemas.ts';
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
  reversedAt: row.reversed_at == null ? null : iso(row.reversed_at),
  reversalReason: row.reversal_reason ?? null,
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

export interface PaymentRoutesDeps {
  recordPayment: Bound<typeof recordPayment>;
  issueCreditNote: Bound<typeof issueCreditNote>;
  voidInvoice: Bound<typeof voidInvoice>;
  /** one dunning pass now, as the schedule runs it */
  runDunning(now: Date, context: CommandContext): Promise<DunningSummary>;
  accountBalance: Query<typeof accountBalance>;
  requireAccount: Query<typeof requireAccount>;
  findAccountInvoice: Query<typeof findAccountInvoice>;
  accountPaymentsPage: Query<typeof accountPaymentsPage>;
  accountCreditNotesPage: Query<typeof accountCreditNotesPage>;
  /** `?asOf=`: the balance from the invoice and credit streams up to an instant */
  balanceAt: StateAt['balance'];
}

export function registerPaymentRoutes(routes: RouteRegistry, deps: PaymentRoutesDeps): void {
  /** One page of an account's payments, newest recorded first. */
  const paymentsPage = async (filter: PaymentFilter, page: Page) => {
    const after = decodeTimestampCursor(page.cursor);
    const { accountId, ...rest } = filter;
    const rows = await deps.accountPaymentsPage(accountId, { ...rest, ...(after ? { after: [after.at, after.id] as const } : {}), limit: page.limit + 1 });
    return pageFrom(rows, page.limit, (last) => [iso(last.recorded_at), last.payment_id], paymentItem);
  };
  /** One page of an account's credit notes, newest first. */
  const creditNotesPage = async (filter: CreditNoteFilter, page: Page) => {
    const after = decodeTimestampCursor(page.cursor);
    const { accountId, ...rest } = filter;
    const rows = await deps.accountCreditNotesPage(accountId, { ...rest, ...(after ? { after: [after.at, after.id] as const } : {}), limit: page.limit + 1 });
    return pageFrom(rows, page.limit, (last) => [iso(last.issued_at), last.credit_note_id], creditNoteItem);
  };
  /** The invoice, if it is this account's; another account's invoice is as absent as one that never existed. */
  const requireAccountInvoice = async (accountId: string, invoiceId: string) => {
    if (!(await deps.findAccountInvoice(accountId, invoiceId))) throw new NotFoundError('invoice_not_found', `invoice ${invoiceId} does not exist`);
  };

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
      const { created, payment } = await inBody(() => deps.recordPayment(params.invoiceId, body, context));
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
      const creditNote = await inBody(() => deps.issueCreditNote(params.invoiceId, body, context, newId('credit-note')));
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
      return { status: 200, body: await inBody(() => deps.voidInvoice(params.invoiceId, body, context)) };
    },
  });

  routes.add({
    method: 'GET',
    url: '/accounts/:accountId/balance',
    summary: "What the account owes (its open invoices' amounts due) and the credit it has for its next invoice",
    tags,
    access: 'invoices:read',
    readModels: ['account-balances', 'accounts', 'invoices'],
    params: AccountIdParams,
    query: AsOfQuery,
    responses: { 200: BalanceView },
    async handler({ params, query, context }) {
      if (query.asOf) return { status: 200, body: await deps.balanceAt(params.accountId, { asOf: query.asOf, now: context.occurredAt }) };
      return { status: 200, body: await deps.accountBalance(params.accountId) };
    },
  });

  routes.add({
    method: 'GET',
    url: '/accounts/:accountId/payments',
    summary: "The account's payments, newest recorded first; filter by invoice, method, provider reference or when the money arrived",
    tags,
    access: 'invoices:read',
    readModels: ['accounts', 'payments'],
    params: AccountIdParams,
    query: PaymentListQuery,
    responses: { 200: pageOf(PaymentListItemView) },
    async handler({ params, query }) {
      await deps.requireAccount(params.accountId);
      const { limit, cursor, ...filter } = query;
      return { status: 200, body: await paymentsPage({ accountId: params.accountId, ...filter }, { limit, cursor }) };
    },
  });

  routes.add({
    method: 'GET',
    url: '/accounts/:accountId/invoices/:invoiceId/payments',
    summary: "One invoice's payments, newest recorded first",
    tags,
    access: 'invoices:read',
    readModels: ['invoices', 'payments'],
    params: AccountInvoiceParams,
    query: PageQuery,
    responses: { 200: pageOf(PaymentListItemView) },
    async handler({ params, query }) {
      await requireAccountInvoice(params.accountId, params.invoiceId);
      return { status: 200, body: await paymentsPage({ accountId: params.accountId, invoiceId: params.invoiceId }, query) };
    },
  });

  routes.add({
    method: 'GET',
    url: '/accounts/:accountId/credit-notes',
    summary: "The account's credit notes, newest first; filter by invoice or when they were issued",
    tags,
    access: 'invoices:read',
    readModels: ['accounts', 'payments'],
    params: AccountIdParams,
    query: CreditNoteListQuery,
    responses: { 200: pageOf(CreditNoteListItemView) },
    async handler({ params, query }) {
      await deps.requireAccount(params.accountId);
      const { limit, cursor, ...filter } = query;
      return { status: 200, body: await creditNotesPage({ accountId: params.accountId, ...filter }, { limit, cursor }) };
    },
  });

  routes.add({
    method: 'GET',
    url: '/accounts/:accountId/invoices/:invoiceId/credit-notes',
    summary: "One invoice's credit notes, newest first",
    tags,
    access: 'invoices:read',
    readModels: ['invoices', 'payments'],
    params: AccountInvoiceParams,
    query: PageQuery,
    responses: { 200: pageOf(CreditNoteListItemView) },
    async handler({ params, query }) {
      await requireAccountInvoice(params.accountId, params.invoiceId);
      return { status: 200, body: await creditNotesPage({ accountId: params.accountId, invoiceId: params.invoiceId }, query) };
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
      const summary = await deps.runDunning(new Date(context.occurredAt), context);
      request.log.info({ markedOverdue: summary.markedOverdue, reminders: summary.reminders, suspended: summary.suspended, reactivated: summary.reactivated, failed: summary.failed }, 'dunning run');
      return { status: 200, body: summary };
    },
  });
}
