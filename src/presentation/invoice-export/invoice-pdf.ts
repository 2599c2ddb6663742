import PDFDocument from 'pdfkit';
import { formatTaxDocument } from '../../domain/account/tax-document.ts';
import { addressLines } from '../../domain/account/postal-address.ts';
import type { InvoiceParty } from '../../domain/invoice/invoice-parties.ts';
import { exact } from '../../domain/rating/exact-decimal.ts';
import { lineDescription, lineQuantity } from '../email/invoice-lines.ts';
import { formatDate, formatMoney, formatPeriod, isZeroAmount } from '../email/locale-format.ts';
import type { ExportedInvoice } from './exported-invoice.ts';

const WORDS = {
  'pt-BR': {
    title: 'Fatura',
    draft: 'Fatura (rascunho)',
    issuer: 'Emitente',
    customer: 'Cliente (tomador)',
    document: (kind: string) => (kind === 'cnpj' ? 'CNPJ' : 'CPF'),
    registration: 'Inscrição municipal',
    period: 'Período de referência',
    service: (from: string, to: string, zone: string) => `Serviço prestado de ${from} a ${to} (${zone})`,
    issued: 'Emissão',
    due: 'Vencimento',
    headers: ['Descrição', 'Quantidade', 'Imposto', 'Valor'],
    subtotal: 'Subtotal',
    tax: (name: string) => `Impostos${name ? ` (${name})` : ''}`,
    credit: 'Crédito aplicado',
    total: 'Total',
    replaces: (number: string, reason: string) => `Substitui a fatura ${number}, cancelada. Motivo: ${reason}`,
    voided: (reason: string) => `FATURA CANCELADA. Motivo: ${reason}`,
    replacedBy: (number: string) => `Substituída pela fatura ${number}.`,
    noAddress: 'Endereço não informado',
  },
  en: {
    title: 'Invoice',
    draft: 'Invoice (draft)',
    issuer: 'Issued by',
    customer: 'Customer',
    document: (kind: string) => (kind === 'cnpj' ? 'CNPJ' : 'CPF'),
    registration: 'Municipal registration',
    period: 'Billing period',
    service: (from: string, to: string, zone: string) => `Service from ${from} to ${to} (${zone})`,
    issued: 'Issue date',
    due: 'Due date',
    headers: ['Description', 'Quantity', 'Tax', 'Amount'],
    subtotal: 'Subtotal',
    tax: (name: string) => `Tax${name ? ` (${name})` : ''}`,
    credit: 'Credit applied',
    total: 'Total',
    replaces: (number: string, reason: string) => `Replaces invoice ${number}, voided. Reason: ${reason}`,
    voided: (reason: string) => `VOIDED INVOICE. Reason: ${reason}`,
    replacedBy: (number: string) => `Replaced by invoice ${number}.`,
    noAddress: 'No address given',
  },
} as const;

/** A rate as a percentage: `0.05` → `5%` (pt-BR `5%`, exact, no rounding). */
const percent = (rate: string) => `${exact(rate).times(100).toFixed()}%`;

/**
 * The invoice as a printable A4 PDF in the account's language, from the same read model the API
 * answers with: parties, dates, each line with its tax, the totals, and what it replaces or was
 * replaced by. Built with pdfkit's standard fonts (nothing downloaded or embedded); its dates are
 * the invoice's own, so the same invoice gives the same text.
 */
export function invoicePdf({ invoice, locale, timeZone }: ExportedInvoice): Promise<Buffer> {
  const w = WORDS[locale];
  const money = (amount: string) => formatMoney(amount, invoice.currency, locale);
  const stamp = new Date(invoice.issued_at ?? invoice.drafted_at);
  const doc = new PDFDocument({
    size: 'A4',
    margin: 48,
    info: { Title: `${w.title} ${invoice.number ?? invoice.invoice_id}`, Producer: 'CloudPro Ledger', CreationDate: stamp, ModDate: stamp },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const legal = invoice.legal ?? null;
  doc.font('Helvetica-Bold').fontSize(18).text(invoice.number ? `${w.title} ${invoice.number}` : w.draft);
  doc.moveDown(0.5);
  if (invoice.status === 'void' && invoice.void_reason !== null) doc.font('Helvetica-Bold').fontSize(11).fillColor('#b00020').text(w.voided(invoice.void_reason)).fillColor('black');
  if (invoice.replacedBy?.number) doc.font('Helvetica').fontSize(10).text(w.replacedBy(invoice.replacedBy.number));
  if (invoice.replaces?.number) doc.font('Helvetica').fontSize(10).text(w.replaces(invoice.replaces.number, invoice.replaces.void_reason ?? ''));

  const party = (heading: string, who: InvoiceParty) => {
    doc.moveDown(0.5).font('Helvetica-Bold').fontSize(11).text(heading);
    doc.font('Helvetica').fontSize(10).text(who.legalName);
    doc.text(`${w.document(who.document.kind)} ${formatTaxDocument(who.document)}`);
    if (who.municipalRegistration) doc.text(`${w.registration} ${who.municipalRegistration}`);
    for (const line of who.address ? addressLines(who.address) : [w.noAddress]) doc.text(line);
    doc.text(who.email);
  };
  if (legal) {
    party(w.issuer, legal.issuer);
    party(w.customer, legal.customer);
  }

  doc.moveDown(0.5).font('Helvetica').fontSize(10);
  doc.text(`${w.period}: ${formatPeriod(invoice.period, locale)}`);
  if (legal) doc.text(w.service(formatDate(legal.servicePeriod.from, locale), formatDate(legal.servicePeriod.to, locale), legal.servicePeriod.timeZone));
  else doc.text(timeZone);
  if (invoice.issue_date) doc.text(`${w.issued}: ${formatDate(invoice.issue_date, locale)}`);
  if (invoice.due_date) doc.text(`${w.due}: ${formatDate(invoice.due_date, locale)}`);

  // the lines: description, quantity, tax rate, amount
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const columns = [
    { x: left, width: width * 0.5, align: 'left' as const },
    { x: left + width * 0.5, width: width * 0.2, align: 'right' as const },
    { x: left + width * 0.7, width: width * 0.12, align: 'right' as const },
    { x: left + width * 0.82, width: width * 0.18, align: 'right' as const },
  ];
  const row = (cells: string[], bold = false) => {
    if (doc.y > doc.page.height - doc.page.margins.bottom - 40) doc.addPage();
    const y = doc.y;
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(9);
    let bottom = y;
    cells.forEach((cell, i) => {
      const column = columns[i]!;
      doc.text(cell, column.x, y, { width: column.width, align: column.align });
      bottom = Math.max(bottom, doc.y);
    });
    doc.x = left;
    doc.y = bottom + 4;
  };
  doc.moveDown(1);
  row([...w.headers], true);
  const taxes = legal?.lineTaxes ?? [];
  invoice.lines.forEach((line, index) => {
    const description =
      line.kind === 'credit_applied' ? w.credit : lineDescription({ ...line, adjusts: 'adjusts' in line ? (line.adjusts ?? null) : null }, locale);
    const quantity = line.kind === 'credit_applied' ? '' : lineQuantity(line, locale);
    const tax = taxes[index] ? `${taxes[index]!.taxName} ${percent(taxes[index]!.taxRate)}` : '';
    row([description, quantity, tax, money(line.amount)]);
  });
  doc.moveDown(0.5);
  const taxName = taxes[0]?.taxName ?? '';
  row([w.subtotal, '', '', money(invoice.subtotal)]);
  row([w.tax(taxName), '', '', money(invoice.tax)]);
  if (!isZeroAmount(invoice.credit_applied)) row([w.credit, '', '', money(`-${invoice.credit_applied.replace(/^-/, '')}`)]);
  row([w.total, '', '', money(invoice.total)], true);
  doc.end();
  return done;
}
