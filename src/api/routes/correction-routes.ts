import type { refundCredit, reversePayment } from '../../commands/payment-corrections.ts';
import type { withdrawSamples } from '../../commands/usage-corrections.ts';
import { ValidationError } from '../../domain/errors.ts';
import type { CreditMovementKind } from '../../domain/credit/credit-movements.ts';
import { formatMoney, isCurrency } from '../../domain/rating/money.ts';
import type { requireAccount } from '../../projections/accounts/accounts-queries.ts';
import type { accountCreditMovementsPage } from '../../projections/payments/credit-movement-queries.ts';
import type { accountStatement } from '../../projections/payments/statement-queries.ts';
import { statementCsv } from '../../domain/invoice/account-statement.ts';
import type { CreditMovementsTable } from '../../projections/payments/payment-tables.ts';
import { decodeCursor, PageQuery, pageFrom, pageOf } from '../pagination.ts';
import type { Bound, Query, RouteRegistry } from '../route.ts';
import { AccountIdParams } from '../schemas/account-schemas.ts';
import { CreditMovementView, PaymentIdParams, RefundBody, RefundView, ReversalBody, ReversalView, UsageCorrectionBody, UsageCorrectionView, StatementQuery, StatementView } from '../schemas/correction-schemas.ts';
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

const money = (amount: string, currency: string) => (isCurrency(currency) ? formatMoney(amount, currency) : amount);

const movementItem = (row: CreditMovementsTable) => ({
  sequence: String(row.sequence),
  kind: row.kind as CreditMovementKind,
  amount: money(row.amount, row.currency),
  currency: row.currency,
  balanceAfter: money(row.balance_after, row.currency),
  occurredAt: iso(row.occurred_at),
  cause: row.cause,
});

export interface CorrectionRoutesDeps {
  reversePayment: Bound<typeof reversePayment>;
  refundCredit: Bound<typeof refundCredit>;
  requireAccount: Query<typeof requireAccount>;
  accountCreditMovementsPage: Query<typeof accountCreditMovementsPage>;
  withdrawSamples: Bound<typeof withdrawSamples>;
  accountStatement: Query<typeof accountStatement>;
}

export function registerCorrectionRoutes(routes: RouteRegistry, deps: CorrectionRoutesDeps): void {
  routes.add({
    method: 'POST',
    url: '/payments/:paymentId/reversal',
    summary:
      "Reverse a recorded payment (operators): a chargeback, or a payment recorded on the wrong invoice. What it paid is due again (a paid invoice opens again and dunning resumes where it was); what it credited comes off the account's credit",
    tags,
    access: 'operator',
    params: PaymentIdParams,
    body: ReversalBody,
    responses: { 201: ReversalView },
    async handler({ params, body, context }) {
      return { status: 201, body: await inBody(() => deps.reversePayment(params.paymentId, body, context)) };
    },
  });

  routes.add({
    method: 'POST',
    url: '/accounts/:accountId/credit/refunds',
    summary:
      "Refund account credit (operators, who make the payout): at most the credit available; idempotent by externalRef (the same reference, amount and reason answers 200 with the first refund; another amount or reason is 409 refund_conflict)",
    tags,
    access: 'account:operator',
    params: AccountIdParams,
    body: RefundBody,
    responses: { 201: RefundView, 200: RefundView },
    async handler({ params, body, context, newId }) {
      const { created, refund } = await inBody(() => deps.refundCredit(params.accountId, body, context, newId('refund')));
      return { status: created ? 201 : 200, body: refund };
    },
  });

  routes.add({
    method: 'GET',
    url: '/accounts/:accountId/credit/movements',
    summary:
      "Every change of the account's credit, oldest first: overpayments, credit notes on paid invoices, credit applied to an invoice or given back by a void, refunds, reversed payments; each with its cause and the balance after it",
    tags,
    access: 'invoices:read',
    params: AccountIdParams,
    query: PageQuery,
    responses: { 200: pageOf(CreditMovementView) },
    readModels: ['credit-movements'],
    async handler({ params, query }) {
      await deps.requireAccount(params.accountId);
      const after = decodeCursor(query.cursor, ['id']);
      const rows = await deps.accountCreditMovementsPage(params.accountId, { afterSequence: after?.[0], limit: query.limit + 1 });
      return { status: 200, body: pageFrom(rows, query.limit, (last) => [String(last.sequence)], movementItem) };
    },
  });

  routes.add({
    method: 'POST',
    url: '/usage/corrections',
    summary:
      "Withdraw usage samples sent by mistake (operators and metering tokens, who send usage): recorded as its own event in the period's usage stream; rating leaves them out, and a period already invoiced gets the difference on the account's next invoice, as late usage does. Withdrawing a key again records nothing (200)",
    tags: ['usage'],
    access: 'metering',
    body: UsageCorrectionBody,
    responses: { 201: UsageCorrectionView, 200: UsageCorrectionView },
    async handler({ body, context }) {
      const { created, withdrawal } = await inBody(() => deps.withdrawSamples(body, context));
      return { status: created ? 201 : 200, body: withdrawal };
    },
  });

  routes.add({
    method: 'GET',
    url: '/accounts/:accountId/statement',
    summary:
      "The account's statement over [from, to): invoices issued and voided, payments and their reversals, credit notes and credit movements, each with the amount due, credit and balance after it; opening and closing balances reconcile to the cent. JSON, or CSV with Accept: text/csv or ?format=csv",
    tags,
    access: 'invoices:read',
    params: AccountIdParams,
    query: StatementQuery,
    responses: { 200: StatementView },
    textContent: { 'text/csv': 'columns at, kind, reference, invoice_number, description, amount_due_change, credit_change, amount_due_after, credit_after, balance_after; an opening row first and a closing row last' },
    readModels: ['invoices', 'payments', 'credit-movements'],
    async handler({ params, query, request }) {
      const statement = await deps.accountStatement(params.accountId, query.from, query.to);
      const csv = query.format === 'csv' || (query.format === undefined && /\btext\/csv\b/.test(request.headers.accept ?? ''));
      if (!csv) return { status: 200, body: statement };
      const filename = `statement-${statement.from.slice(0, 10)}-${statement.to.slice(0, 10)}.csv`;
      return { status: 200, body: statementCsv(statement), headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${filename}"` } };
    },
  });
}
