import { z } from 'zod';
import type { InvoiceExplanation } from '../../commands/invoice-explanation.ts';
import { NotFoundError } from '../../domain/errors.ts';
import type { findAccountInvoice } from '../../projections/invoices/invoice-queries.ts';
import type { Query, RouteRegistry } from '../route.ts';

const InvoiceExplanationView = z
  .object({
    invoiceId: z.string(),
    number: z.string().nullable(),
    period: z.string(),
    voided: z.boolean(),
    currency: z.string(),
    header: z.array(z.string()).describe('what the invoice was computed from'),
    lines: z.array(z.object({ kind: z.string(), amount: z.string(), explanation: z.string() })),
    totals: z.string(),
    text: z.array(z.string()).describe('the whole explanation as `ops explain-invoice` prints it, a paragraph an entry'),
    locale: z.enum(['pt-BR', 'en']).optional().describe("the language it is written in: the account's; local times are in the account's zone, buckets named, quantities to 3 decimals"),
    exact: z
      .object({ header: z.array(z.string()), lines: z.array(z.object({ kind: z.string(), amount: z.string(), explanation: z.string() })), totals: z.string() })
      .optional()
      .describe("the engine's own working in English with every digit, as the audit replays it"),
  })
  .meta({ id: 'InvoiceExplanation' });

export interface InvoiceExplanationRoutesDeps {
  findAccountInvoice: Query<typeof findAccountInvoice>;
  explainInvoice(invoice: { accountId: string; period: string; invoiceId: string }): Promise<InvoiceExplanation>;
}

export function registerInvoiceExplanationRoutes(routes: RouteRegistry, deps: InvoiceExplanationRoutesDeps): void {
  routes.add({
    method: 'GET',
    url: '/accounts/:accountId/invoices/:invoiceId/explanation',
    summary: "How each line of an invoice was computed, in words, in the account's language and zone (what `ops explain-invoice` prints), with the engine's exact working",
    tags: ['invoices'],
    access: 'invoices:read',
    readModels: ['invoices'],
    params: z.object({ accountId: z.uuid(), invoiceId: z.uuid() }),
    responses: { 200: InvoiceExplanationView },
    async handler({ params }) {
      const row = await deps.findAccountInvoice(params.accountId, params.invoiceId);
      if (!row) throw new NotFoundError('invoice_not_found', `invoice ${params.invoiceId} does not exist`);
      return { status: 200, body: await deps.explainInvoice({ accountId: params.accountId, period: row.period, invoiceId: params.invoiceId }) };
    },
  });
}
