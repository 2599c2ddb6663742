import { z } from 'zod';
import { NotFoundError } from '../../domain/errors.ts';
import type { findInvoiceForExport } from '../../projections/invoices/invoice-queries.ts';
import { exportFilename } from '../../presentation/invoice-export/exported-invoice.ts';
import { invoiceCsv } from '../../presentation/invoice-export/invoice-csv.ts';
import { invoicePdf } from '../../presentation/invoice-export/invoice-pdf.ts';
import { accountScopeOf, type Query, type RouteRegistry } from '../route.ts';
import { InvoiceDetailView, invoiceDetail } from './invoice-routes.ts';

/** What the Accept header asks for, in the order it is listed: the first of ours it names; JSON otherwise. */
export function negotiatedFormat(accept: string | undefined): 'json' | 'csv' | 'pdf' {
  for (const range of (accept ?? '').split(',')) {
    const type = range.split(';')[0]!.trim().toLowerCase();
    if (type === 'application/pdf') return 'pdf';
    if (type === 'text/csv') return 'csv';
    if (type === 'application/json') return 'json';
  }
  return 'json';
}

export interface InvoiceExportRoutesDeps {
  findInvoiceForExport: Query<typeof findInvoiceForExport>;
}

export function registerInvoiceExportRoutes(routes: RouteRegistry, deps: InvoiceExportRoutesDeps): void {
  routes.add({
    method: 'GET',
    url: '/invoices/:invoiceId',
    summary:
      "One invoice by id: JSON (its lines, parties and links), or as the customer books it: `Accept: text/csv` (one row per line, then subtotal, tax, total) or `Accept: application/pdf` (printable, in the account's language). Operators, any account's; a role that reads invoices, its own account's",
    tags: ['invoices'],
    access: 'own-account:invoices:read',
    readModels: ['accounts', 'invoices'],
    params: z.object({ invoiceId: z.uuid() }),
    responses: { 200: InvoiceDetailView.extend({ accountId: z.string() }).meta({ id: 'InvoiceWithAccount' }) },
    produces: {
      'text/csv': 'RFC 4180, UTF-8: invoice_number, invoice_id, period, status, issue_date, due_date, line, kind, adjusts_period, description, from, to, quantity, unit, amount, tax_name, tax_rate, currency',
      'application/pdf': "the invoice as a printable A4 document in the account's language",
    },
    async handler({ params, principal, request }) {
      const exported = await deps.findInvoiceForExport(params.invoiceId);
      const scope = accountScopeOf(principal);
      // another account's invoice is as absent as one that never existed
      if (!exported || (scope !== null && exported.invoice.account_id !== scope)) throw new NotFoundError('invoice_not_found', `invoice ${params.invoiceId} does not exist`);
      switch (negotiatedFormat(request.headers.accept)) {
        case 'csv':
          return {
            status: 200,
            body: invoiceCsv(exported),
            headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${exportFilename(exported.invoice, 'csv')}"` },
          };
        case 'pdf':
          return {
            status: 200,
            body: await invoicePdf(exported),
            headers: { 'content-type': 'application/pdf', 'content-disposition': `inline; filename="${exportFilename(exported.invoice, 'pdf')}"` },
          };
        case 'json':
          return { status: 200, body: { ...invoiceDetail(exported.invoice), accountId: exported.invoice.account_id } };
      }
    },
  });
}
