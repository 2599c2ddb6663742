import { lineDescription } from '../email/invoice-lines.ts';
import { localIsoTime, type ExportedInvoice } from './exported-invoice.ts';

/**
 * The invoice as CSV lines for a bookkeeping import (RFC 4180: comma-separated, CRLF, quoted
 * where needed). Figures are machine-readable whatever the account's language: decimal point,
 * no thousands separator, the exact quantity as recorded, amounts with the currency's minor-unit
 * digits. One row per line (the credit applied last, negative), then `subtotal`, `tax` and
 * `total` rows carrying only their amount. The description is in the account's language.
 */
export const INVOICE_CSV_COLUMNS = [
  'invoice_number',
  'invoice_id',
  'period',
  'status',
  'issue_date',
  'due_date',
  'line',
  'kind',
  'adjusts_period',
  'description',
  'from',
  'to',
  'quantity',
  'unit',
  'amount',
  'tax_name',
  'tax_rate',
  'currency',
] as const;

type Row = Record<(typeof INVOICE_CSV_COLUMNS)[number], string>;

const quoted = (value: string) => (/[",\r\n]/.test(value) || /^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
// A cell a spreadsheet would run as a formula is prefixed with a quote (CSV injection).
const inert = (value: string) => (/^[=+@\t\r]/.test(value) || (/^-/.test(value) && !/^-\d+(\.\d+)?$/.test(value)) ? `'${value}` : value);

export function invoiceCsv({ invoice, locale, timeZone }: ExportedInvoice): string {
  const taxes = invoice.legal?.lineTaxes ?? [];
  const base = {
    invoice_number: invoice.number ?? '',
    invoice_id: invoice.invoice_id,
    period: invoice.period,
    status: invoice.status,
    issue_date: invoice.issue_date ?? '',
    due_date: invoice.due_date ?? '',
    currency: invoice.currency,
  };
  const rows: Row[] = invoice.lines.map((line, index) => ({
    ...base,
    line: String(index + 1),
    kind: line.kind,
    adjusts_period: 'adjusts' in line && line.adjusts ? line.adjusts.period : '',
    description: line.kind === 'credit_applied' ? (locale === 'en' ? 'Credit applied' : 'Crédito aplicado') : lineDescription({ ...line, adjusts: 'adjusts' in line ? (line.adjusts ?? null) : null }, locale),
    from: localIsoTime(line.from, timeZone),
    to: localIsoTime(line.to, timeZone),
    quantity: line.quantity,
    unit: line.unit,
    amount: line.amount,
    tax_name: taxes[index]?.taxName ?? '',
    tax_rate: taxes[index]?.taxRate ?? '',
  }));
  const total = (kind: string, amount: string): Row => ({
    ...base,
    line: '',
    kind,
    adjusts_period: '',
    description: '',
    from: '',
    to: '',
    quantity: '',
    unit: '',
    amount,
    tax_name: kind === 'tax' ? (taxes[0]?.taxName ?? '') : '',
    tax_rate: '',
  });
  rows.push(total('subtotal', invoice.subtotal), total('tax', invoice.tax), total('total', invoice.total));
  const lines = [INVOICE_CSV_COLUMNS.join(','), ...rows.map((row) => INVOICE_CSV_COLUMNS.map((column) => quoted(inert(row[column]))).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}
