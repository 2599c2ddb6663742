import type { EmailLocale, InvoiceLineInput } from './email-kinds.ts';
import { formatPeriod, formatQuantity } from './locale-format.ts';

/** What each kind of invoice line is called, per language. */
const LINE_NAMES: Record<EmailLocale, Record<string, string>> = {
  'pt-BR': {
    monthly_fee: 'Mensalidade',
    storage_gib_month: 'Armazenamento',
    egress_gib: 'Tráfego de saída',
    ingress_gib: 'Tráfego de entrada',
    requests_a: 'Requisições classe A (PUT, POST, COPY, LIST)',
    requests_b: 'Requisições classe B (GET, HEAD e outras)',
    minimum_true_up: 'Complemento do valor mínimo mensal',
  },
  en: {
    monthly_fee: 'Monthly fee',
    storage_gib_month: 'Storage',
    egress_gib: 'Egress (data out)',
    ingress_gib: 'Ingress (data in)',
    requests_a: 'Class A requests (PUT, POST, COPY, LIST)',
    requests_b: 'Class B requests (GET, HEAD and others)',
    minimum_true_up: 'Monthly minimum true-up',
  },
};

const UNIT_NAMES: Record<EmailLocale, Record<string, string>> = {
  'pt-BR': { 'GiB-month': 'GiB-mês', GiB: 'GiB', '1,000 requests': 'mil requisições', month: 'mês', minimum: '' },
  en: { 'GiB-month': 'GiB-month', GiB: 'GiB', '1,000 requests': 'thousand requests', month: 'month', minimum: '' },
};

function kindName(kind: string, locale: EmailLocale): string {
  return LINE_NAMES[locale][kind] ?? kind;
}

/** `Armazenamento`, `Mensalidade (plano pro)`, `Ajuste de junho de 2026: Armazenamento`. */
export function lineDescription(line: InvoiceLineInput, locale: EmailLocale): string {
  if (line.kind === 'adjustment' && line.adjusts) {
    const what = kindName(line.adjusts.kind, locale);
    const when = formatPeriod(line.adjusts.period, locale);
    return locale === 'en' ? `Adjustment for ${when}: ${what}` : `Ajuste de ${when}: ${what}`;
  }
  const name = kindName(line.kind, locale);
  if (line.kind === 'monthly_fee' && line.planId) return locale === 'en' ? `${name} (plan ${line.planId})` : `${name} (plano ${line.planId})`;
  return name;
}

/** `1.234,568 GiB-mês`; empty for a line whose quantity says nothing (the minimum true-up). */
export function lineQuantity(line: InvoiceLineInput, locale: EmailLocale): string {
  if (line.kind === 'minimum_true_up') return '';
  const unit = UNIT_NAMES[locale][line.unit] ?? line.unit;
  const quantity = formatQuantity(line.quantity, locale);
  return unit ? `${quantity} ${unit}` : quantity;
}
