import type { EmailLocale, InvoiceIssuedInput } from '../email-kinds.ts';
import { lineDescription, lineQuantity } from '../invoice-lines.ts';
import { formatMoney, isZeroAmount } from '../locale-format.ts';

const WORDS = {
  'pt-BR': { headers: ['Descrição', 'Quantidade', 'Valor'], subtotal: 'Subtotal', tax: 'Impostos', credit: 'Crédito aplicado', total: 'Total' },
  en: { headers: ['Description', 'Quantity', 'Amount'], subtotal: 'Subtotal', tax: 'Tax', credit: 'Credit applied', total: 'Total' },
} as const;

export interface InvoiceFigures {
  headers: [string, string, string];
  rows: { description: string; quantity: string; amount: string }[];
  totals: { label: string; amount: string; strong?: boolean }[];
}

/** Lines and totals as one language shows them; the message and its attachment show the same. */
export function invoiceFigures(input: InvoiceIssuedInput, locale: EmailLocale): InvoiceFigures {
  const w = WORDS[locale];
  const money = (amount: string) => formatMoney(amount, input.currency, locale);
  const rows = input.lines.map((line) => ({ description: lineDescription(line, locale), quantity: lineQuantity(line, locale), amount: money(line.amount) }));
  const totals: InvoiceFigures['totals'] = [
    { label: w.subtotal, amount: money(input.subtotal) },
    { label: w.tax, amount: money(input.tax) },
  ];
  // Credit is taken off the total, so it is shown with a minus sign (prefixed on the string).
  if (!isZeroAmount(input.creditApplied)) totals.push({ label: w.credit, amount: money(`-${input.creditApplied.replace(/^-/, '')}`) });
  totals.push({ label: w.total, amount: money(input.total), strong: true });
  return { headers: [...w.headers], rows, totals };
}
