import { z } from 'zod';
import { NotFoundError } from '../../domain/errors.ts';
import {
  CALENDAR_DATE,
  checkCalendarDate,
  checkInvoiceNumberSearch,
  INVOICE_NUMBER_SEARCH,
  searchableInvoiceNumber,
} from '../../domain/invoice/invoice-search.ts';
import { BILLING_PERIOD, checkPeriod } from '../../domain/rating/billing-period.ts';
import { exact } from '../../domain/rating/exact-decimal.ts';
import { formatMoney, isCurrency } from '../../domain/rating/money.ts';
import { invoiceFinderKey, type findInvoicesPage, type InvoiceFinderRow } from '../../projections/invoices/invoice-finder-queries.ts';
import { INVOICE_STATUSES } from '../../projections/invoices/invoice-tables.ts';
import { decodeCursor, PageQuery, pageFrom, pageOf } from '../pagination.ts';
import { accountScopeOf, type Query, type RouteRegistry } from '../route.ts';
import { textField } from '../schemas/field-rule-schema.ts';
import { InvoiceSummaryView, summary } from './invoice-routes.ts';

const date = (what: string) => textField(CALENDAR_DATE, checkCalendarDate).optional().describe(what);

/** Strict: a misspelt filter is a 400 naming it, never a wider list than was asked for. */
const InvoiceFinderQuery = z.strictObject({
  ...PageQuery.shape,
  number: textField(INVOICE_NUMBER_SEARCH, checkInvoiceNumberSearch)
    .optional()
    .describe('exactly this invoice (INV-2026-000123); unknown, or not your account\'s: 404 `invoice_not_found`'),
  accountId: z.uuid().optional().describe("one account's invoices (an account's token sees only its own anyway)"),
  status: z.enum(INVOICE_STATUSES).optional(),
  period: textField(BILLING_PERIOD, checkPeriod).optional().describe('billing period, YYYY-MM'),
  dueFrom: date('due on or after this date (inclusive); drafts, which have no due date, are left out'),
  dueTo: date('due before this date (exclusive)'),
});

const FoundInvoiceView = InvoiceSummaryView.extend({
  accountId: z.string(),
  amountDue: z.string().describe('total − paid − credited; 0 once paid'),
}).meta({ id: 'FoundInvoice' });

function found(row: InvoiceFinderRow) {
  const due = exact(row.total).minus(row.amount_paid ?? '0').minus(row.amount_credited ?? '0');
  return { ...summary(row), accountId: row.account_id, amountDue: isCurrency(row.currency) ? formatMoney(due, row.currency) : due.toFixed() };
}

export interface InvoiceFinderRoutesDeps {
  findInvoicesPage: Query<typeof findInvoicesPage>;
}

export function registerInvoiceFinderRoutes(routes: RouteRegistry, deps: InvoiceFinderRoutesDeps): void {
  routes.add({
    method: 'GET',
    url: '/invoices',
    summary:
      "Find an invoice by number, or list invoices by account, status, period and due date: overdue first, then by due date, drafts last (operators see every account's; a role that reads invoices, its own account's)",
    tags: ['invoices'],
    access: 'own-account:invoices:read',
    readModels: ['invoices'],
    query: InvoiceFinderQuery,
    responses: { 200: pageOf(FoundInvoiceView) },
    async handler({ query, principal }) {
      const scope = accountScopeOf(principal);
      // an account's token asking for another account's invoices finds none, as if there were none
      const elsewhere = scope !== null && query.accountId !== undefined && query.accountId !== scope;
      const after = decodeCursor(query.cursor, ['rank', 'date', 'id']);
      const number = query.number === undefined ? undefined : searchableInvoiceNumber(query.number);
      const rows = elsewhere
        ? []
        : await deps.findInvoicesPage({
            ...(scope !== null ? { accountId: scope } : query.accountId !== undefined ? { accountId: query.accountId } : {}),
            ...(number !== undefined ? { number } : {}),
            ...(query.status !== undefined ? { status: query.status } : {}),
            ...(query.period !== undefined ? { period: query.period } : {}),
            ...(query.dueFrom !== undefined ? { dueFrom: query.dueFrom } : {}),
            ...(query.dueTo !== undefined ? { dueTo: query.dueTo } : {}),
            ...(after ? { after: [Number(after[0]), after[1], after[2]] as const } : {}),
            limit: query.limit + 1,
          });
      // a number names one invoice: not there (or not yours) is 404, the same either way
      if (number !== undefined && rows.length === 0 && !after) throw new NotFoundError('invoice_not_found', `invoice ${number} does not exist`);
      return { status: 200, body: pageFrom(rows, query.limit, (last) => invoiceFinderKey(last).map(String), found) };
    },
  });
}
