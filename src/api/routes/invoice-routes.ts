import { BILLING_PERIOD, checkPeriod } from '../../domain/rating/billing-period.ts';
import { textField } from '../schemas/field-rule-schema.ts';
import { z } from 'zod';
import type { AccountOutcome, BillingRunSummary } from '../../commands/billing-run.ts';
import type { CommandContext } from '../../commands/command-handler.ts';
import type { InvoiceAudit } from '../../commands/invoice-audit.ts';
import { NotFoundError } from '../../domain/errors.ts';
import type { accountInvoicesPage, findAccountInvoiceWithLinks, InvoiceLinks, InvoiceSummaryRow } from '../../projections/invoices/invoice-queries.ts';
import { INVOICE_STATUSES, type InvoicesTable } from '../../projections/invoices/invoice-tables.ts';
import { decodeCursor, PageQuery, pageFrom, pageOf } from '../pagination.ts';
import type { Query, RouteRegistry } from '../route.ts';
import { AccountIdParams } from '../schemas/account-schemas.ts';
import { iso, isoOrNull } from './iso.ts';
import { invoicePartiesFields, invoicePartiesView } from '../schemas/invoice-party-schemas.ts';

const tags = ['invoices'];

export const InvoiceSummaryView = z
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

export const InvoiceDetailView = InvoiceSummaryView.extend({
  lines: z.array(
    z
      .object({
        kind: z.string(),
        quantity: z.string(),
        unit: z.string(),
        amount: z.string(),
        explanation: z.string(),
        taxName: z.string().nullable().describe('the tax the line bears (ISS by default); null for the credit line, drafts and invoices issued before it was recorded'),
        taxRate: z.string().nullable().describe("the line's tax rate, a fraction (0.05 is 5 %): its plan version's"),
      })
      .loose(),
  ),
  ...invoicePartiesFields,
  digest: z.string(),
  tzDataVersion: z
    .string()
    .nullable()
    .describe("the IANA time-zone database its dates were computed with (e.g. 2025b); null while a draft and for invoices issued before it was recorded"),
}).meta({ id: 'Invoice' });

const BillingRunBody = z.strictObject({ period: textField(BILLING_PERIOD, checkPeriod) });
const InvoiceParams = z.object({ accountId: z.uuid(), invoiceId: z.uuid() });

export function summary(row: InvoiceSummaryRow) {
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

/** The invoice with its lines, each with the tax it bears, and who it names. */
export function invoiceDetail(row: InvoicesTable & InvoiceLinks) {
  const taxes = row.legal?.lineTaxes ?? [];
  const lines = row.lines.map((line, index) => ({ ...line, taxName: taxes[index]?.taxName ?? null, taxRate: taxes[index]?.taxRate ?? null }));
  return {
    ...summary(row),
    lines,
    digest: row.digest,
    tzDataVersion: row.tz_data_version ?? null,
    ...invoicePartiesView(row.legal),
    voided: row.status === 'void' && row.voided_at !== null ? { reason: row.void_reason ?? '', voidedAt: iso(row.voided_at) } : null,
    replaces: row.replaces && { invoiceId: row.replaces.invoice_id, number: row.replaces.number, voidReason: row.replaces.void_reason, voidedAt: isoOrNull(row.replaces.voided_at) },
    replacedBy: row.replacedBy && { invoiceId: row.replacedBy.invoice_id, number: row.replacedBy.number },
  };
}

export interface InvoiceRoutesDeps {
  /** closes a period for every account (the billing run of the schedule, on demand) */
  runBilling(period: string, now: Date, context: CommandContext, onProgress: (done: number, total: number, outcome: AccountOutcome) => void): Promise<BillingRunSummary>;
  accountInvoicesPage: Query<typeof accountInvoicesPage>;
  findAccountInvoiceWithLinks: Query<typeof findAccountInvoiceWithLinks>;
  /** null: no such invoice */
  auditInvoice(invoiceId: string): Promise<InvoiceAudit | null>;
}

export function registerInvoiceRoutes(routes: RouteRegistry, deps: InvoiceRoutesDeps): void {
  routes.add({
    method: 'POST',
    url: '/operator/billing-runs',
    summary: "Close a period: draft every account's invoice from a replay of its usage, issue those past the grace period",
    tags,
    access: 'operator',
    body: BillingRunBody,
    responses: { 200: null },
    async handler({ body, context, request }) {
      const result = await deps.runBilling(body.period, new Date(context.occurredAt), context, (done, total) => {
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
    readModels: ['invoices'],
    params: AccountIdParams,
    query: PageQuery.extend({ status: z.enum(INVOICE_STATUSES).optional() }),
    responses: { 200: pageOf(InvoiceSummaryView) },
    async handler({ params, query }) {
      const after = decodeCursor(query.cursor, ['period']);
      const rows = await deps.accountInvoicesPage(params.accountId, {
        ...(query.status ? { status: query.status } : {}),
        ...(after ? { beforePeriod: after[0] } : {}),
        limit: query.limit + 1,
      });
      return { status: 200, body: pageFrom(rows, query.limit, (last) => [last.period], summary) };
    },
  });

  routes.add({
    method: 'GET',
    url: '/accounts/:accountId/invoices/:invoiceId',
    summary: 'One invoice with its lines, each explained',
    tags,
    access: 'invoices:read',
    readModels: ['invoices'],
    params: InvoiceParams,
    responses: { 200: InvoiceDetailView },
    async handler({ params }) {
      const row = await deps.findAccountInvoiceWithLinks(params.accountId, params.invoiceId);
      if (!row) throw new NotFoundError('invoice_not_found', `invoice ${params.invoiceId} does not exist`);
      return { status: 200, body: invoiceDetail(row) };
    },
  });

  routes.add({
    method: 'GET',
    url: '/invoices/:invoiceId/audit',
    summary: "Replay the invoice's recorded inputs and compare with what was issued, line by line (finance, operators)",
    tags,
    access: 'operator',
    readModels: ['invoices'],
    params: z.object({ invoiceId: z.uuid() }),
    responses: { 200: null },
    async handler({ params }) {
      const audit = await deps.auditInvoice(params.invoiceId);
      if (!audit) throw new NotFoundError('invoice_not_found', `invoice ${params.invoiceId} does not exist`);
      const { replayed: _replayed, ...report } = audit;
      return { status: 200, body: report };
    },
  });
}
