import { z } from 'zod';
import { auditInvoice } from '../../commands/invoice-audit.ts';
import { runBilling } from '../../commands/billing-run.ts';
import { NotFoundError } from '../../domain/errors.ts';
import { INVOICE_STATUSES, type InvoicesTable } from '../../projections/invoices/invoice-tables.ts';
import type { ModuleDeps } from '../module-deps.ts';
import { decodeCursor, PageQuery, pageFrom, pageOf } from '../pagination.ts';
import type { RouteRegistry } from '../route.ts';
import { AccountIdParams } from '../schemas/account-schemas.ts';
import { iso, isoOrNull } from './iso.ts';

const tags = ['invoices'];

const InvoiceSummaryView = z
  .object({
    invoiceId: z.string(),
    period: z.string(),
    status: z.enum(INVOICE_STATUSES),
    number: z.string().nullable(),
    currency: z.string(),
    subtotal: z.string(),
    tax: z.string(),
    creditApplied: z.string(),
    total: z.string(),
    issueDate: z.string().nullable(),
    dueDate: z.string().nullable(),
    draftedAt: z.string(),
    issuedAt: z.string().nullable(),
  })
  .meta({ id: 'InvoiceSummary' });

const InvoiceDetailView = InvoiceSummaryView.extend({
  lines: z.array(z.object({ kind: z.string(), quantity: z.string(), unit: z.string(), amount: z.string(), explanation: z.string() }).loose()),
  digest: z.string(),
}).meta({ id: 'Invoice' });

const BillingRunBody = z.strictObject({ period: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be YYYY-MM') });
const InvoiceParams = z.object({ accountId: z.uuid(), invoiceId: z.uuid() });

/** The columns a summary shows: a list has no use for each invoice's lines. */
const SUMMARY_COLUMNS = [
  'invoice_id',
  'period',
  'status',
  'number',
  'currency',
  'subtotal',
  'tax',
  'credit_applied',
  'total',
  'issue_date',
  'due_date',
  'drafted_at',
  'issued_at',
] as const satisfies readonly (keyof InvoicesTable)[];

function summary(row: Pick<InvoicesTable, (typeof SUMMARY_COLUMNS)[number]>) {
  return {
    invoiceId: row.invoice_id,
    period: row.period,
    status: row.status,
    number: row.number,
    currency: row.currency,
    subtotal: row.subtotal,
    tax: row.tax,
    creditApplied: row.credit_applied,
    total: row.total,
    issueDate: row.issue_date,
    dueDate: row.due_date,
    draftedAt: iso(row.drafted_at),
    issuedAt: isoOrNull(row.issued_at),
  };
}

export function registerInvoiceRoutes(routes: RouteRegistry, deps: ModuleDeps): void {
  const db = deps.readModels;
  const billing = {
    eventStore: deps.eventStore,
    readModels: deps.readModels,
    loadRatingPlan: deps.loadRatingPlan,
    graceHours: deps.settings.billingGraceHours,
    concurrency: deps.settings.billingConcurrency,
    minDaysToPay: deps.settings.invoiceMinDaysToPay,
    tzDataVersion: deps.settings.tzDataVersion,
  };

  routes.add({
    method: 'POST',
    url: '/operator/billing-runs',
    summary: "Close a period: draft every account's invoice from a replay of its usage, issue those past the grace period",
    tags,
    access: 'operator',
    body: BillingRunBody,
    responses: { 200: null },
    async handler({ body, context, request }) {
      const result = await runBilling(billing, body.period, new Date(context.occurredAt), context, (done, total) => {
        if (done % 100 === 0 || done === total) request.log.info({ period: body.period, done, total }, 'billing run progress');
      });
      return { status: 200, body: result };
    },
  });

  routes.add({
    method: 'GET',
    url: '/accounts/:accountId/invoices',
    summary: "An account's invoices, newest period first",
    tags,
    access: 'invoices:read',
    params: AccountIdParams,
    query: PageQuery.extend({ status: z.enum(INVOICE_STATUSES).optional() }),
    responses: { 200: pageOf(InvoiceSummaryView) },
    async handler({ params, query }) {
      const after = decodeCursor(query.cursor, ['period']);
      let q = db.selectFrom('invoices').select(SUMMARY_COLUMNS).where('account_id', '=', params.accountId);
      if (query.status) q = q.where('status', '=', query.status);
      if (after) q = q.where('period', '<', after[0]);
      const rows = await q.orderBy('period', 'desc').limit(query.limit + 1).execute();
      return { status: 200, body: pageFrom(rows, query.limit, (last) => [last.period], summary) };
    },
  });

  routes.add({
    method: 'GET',
    url: '/accounts/:accountId/invoices/:invoiceId',
    summary: 'One invoice with its lines, each explained',
    tags,
    access: 'invoices:read',
    params: InvoiceParams,
    responses: { 200: InvoiceDetailView },
    async handler({ params }) {
      const row = await db.selectFrom('invoices').selectAll().where('invoice_id', '=', params.invoiceId).where('account_id', '=', params.accountId).executeTakeFirst();
      if (!row) throw new NotFoundError('invoice_not_found', `invoice ${params.invoiceId} does not exist`);
      return { status: 200, body: { ...summary(row), lines: row.lines, digest: row.digest } };
    },
  });

  routes.add({
    method: 'GET',
    url: '/invoices/:invoiceId/audit',
    summary: "Replay the invoice's recorded inputs and compare with what was issued, line by line (finance, operators)",
    tags,
    access: 'operator',
    params: z.object({ invoiceId: z.uuid() }),
    responses: { 200: null },
    async handler({ params }) {
      const row = await db.selectFrom('invoices').select(['account_id', 'period']).where('invoice_id', '=', params.invoiceId).executeTakeFirst();
      if (!row) throw new NotFoundError('invoice_not_found', `invoice ${params.invoiceId} does not exist`);
      const audit = await auditInvoice(deps.eventStore, row.account_id, row.period, params.invoiceId);
      const { replayed: _replayed, ...report } = audit;
      return { status: 200, body: report };
    },
  });
}
