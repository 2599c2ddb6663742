import type { EmailLocale, InvoiceIssuedInput, RenderedEmail } from '../email-kinds.ts';
import { html } from '../html.ts';
import { emailLayout, linesTable } from '../layout.ts';
import { formatDate, formatMoney, formatPeriod, oneLine } from '../locale-format.ts';
import { invoiceDocument, invoiceFilename } from './invoice-document.ts';
import { invoiceFigures } from './invoice-figures.ts';

const WORDS = {
  'pt-BR': {
    subject: (number: string, total: string, due: string) => `Fatura ${number}: ${total}, vencimento em ${due}`,
    greeting: (name: string) => `Olá, ${name}.`,
    intro: (brand: string, number: string, period: string, issued: string, due: string) =>
      `A fatura ${number} de ${brand}, referente a ${period}, foi emitida em ${issued} e vence em ${due}.`,
    items: 'Itens',
    attached: (file: string) => `A fatura completa segue em anexo (${file}).`,
    replaces: (number: string, reason: string) => `Esta fatura substitui a fatura ${number}, cancelada. Motivo: ${reason}`,
  },
  en: {
    subject: (number: string, total: string, due: string) => `Invoice ${number}: ${total}, due ${due}`,
    greeting: (name: string) => `Hello ${name},`,
    intro: (brand: string, number: string, period: string, issued: string, due: string) =>
      `Invoice ${number} from ${brand}, for ${period}, was issued on ${issued} and is due on ${due}.`,
    items: 'Items',
    attached: (file: string) => `The full invoice is attached (${file}).`,
    replaces: (number: string, reason: string) => `This invoice replaces invoice ${number}, which was voided. Reason: ${reason}`,
  },
} as const;

export function renderInvoiceIssued(input: InvoiceIssuedInput, locale: EmailLocale): RenderedEmail {
  const w = WORDS[locale];
  const total = formatMoney(input.total, input.currency, locale);
  const issued = formatDate(input.issueDate, locale);
  const due = formatDate(input.dueDate, locale);
  const period = formatPeriod(input.period, locale);
  const filename = invoiceFilename(input.number);
  const figures = invoiceFigures(input, locale);
  const subject = oneLine(w.subject(input.number, total, due));
  const replacing = input.replaces ? [w.replaces(input.replaces.number, oneLine(input.replaces.reason))] : [];

  const text = [
    w.greeting(input.accountName),
    '',
    w.intro(input.brandName, input.number, period, issued, due),
    '',
    ...replacing.flatMap((p) => [p, '']),
    `${w.items}:`,
    ...figures.rows.map((r) => `- ${r.description}${r.quantity ? `, ${r.quantity}` : ''}: ${r.amount}`),
    '',
    ...figures.totals.map((t) => `${t.label}: ${t.amount}`),
    '',
    w.attached(filename),
    '',
    input.brandName,
    '',
  ].join('\n');

  const body = html`<p>${w.greeting(input.accountName)}</p>
<p>${w.intro(input.brandName, input.number, period, issued, due)}</p>
${replacing.map((p) => html`<p>${p}</p>
`)}${linesTable(figures)}
<p>${w.attached(filename)}</p>`;

  return {
    subject,
    text,
    html: emailLayout({ locale, brandName: input.brandName, title: subject, body }),
    attachments: [{ filename, contentType: 'text/html; charset=utf-8', content: invoiceDocument(input, locale) }],
  };
}
