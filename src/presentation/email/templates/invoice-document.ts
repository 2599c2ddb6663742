import type { EmailLocale, InvoiceIssuedInput } from '../email-kinds.ts';
import { html } from '../html.ts';
import { linesTable } from '../layout.ts';
import { formatDate, formatPeriod } from '../locale-format.ts';
import { invoiceFigures } from './invoice-figures.ts';

const WORDS = {
  'pt-BR': { title: 'Fatura', issuer: 'Emitente', customer: 'Cliente', period: 'Período', issued: 'Emissão', due: 'Vencimento' },
  en: { title: 'Invoice', issuer: 'Issued by', customer: 'Customer', period: 'Period', issued: 'Issue date', due: 'Due date' },
} as const;

/** `INV-2026-000001.html`; anything but letters, digits, dot, hyphen and underscore becomes `_`. */
export function invoiceFilename(number: string): string {
  return `${number.replace(/[^A-Za-z0-9._-]/g, '_')}.html`;
}

/** The invoice as a standalone HTML document, the email's attachment: readable offline and printable. */
export function invoiceDocument(input: InvoiceIssuedInput, locale: EmailLocale): string {
  const w = WORDS[locale];
  const figures = invoiceFigures(input, locale);
  const row = (label: string, value: string) => html`<tr><th style="text-align:left;padding:2px 12px 2px 0">${label}</th><td>${value}</td></tr>`;
  return html`<!doctype html>
<html lang="${locale}">
<head><meta charset="utf-8"><title>${w.title} ${input.number}</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;color:#1f2933;max-width:760px;margin:24px auto">
<h1 style="font-size:22px">${w.title} ${input.number}</h1>
<table style="margin-bottom:16px;font-size:14px">
${row(w.issuer, input.brandName)}
${row(w.customer, input.accountName)}
${row(w.period, formatPeriod(input.period, locale))}
${row(w.issued, formatDate(input.issueDate, locale))}
${row(w.due, formatDate(input.dueDate, locale))}
</table>
${linesTable(figures)}
</body>
</html>
`.value;
}
