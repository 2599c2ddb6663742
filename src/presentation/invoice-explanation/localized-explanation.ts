import type { Locale } from '../../domain/account/account-locale.ts';
import type { InvoiceDrafted } from '../../domain/invoice/invoice-events.ts';
import { exact, maxOf, ZERO } from '../../domain/rating/exact-decimal.ts';
import type { LinePricing, RatedLine } from '../../domain/rating/rated-lines.ts';
import { lineDescription } from '../email/invoice-lines.ts';
import { formatMoney, formatPeriod, formatQuantity } from '../email/locale-format.ts';
import { dateTimeFormat, numberFormat } from '../../domain/shared/intl-formats.ts';

/** What a storage line held, per bucket: the bucket's name, its GiB-month, and the stretches it held bytes. */
export interface BucketHolding {
  name: string;
  gibMonths: string;
  intervals: { gib: string; from: string; to: string }[];
}

export interface ExplanationFacts {
  drafted: InvoiceDrafted['data'];
  number: string | null;
  voided: boolean;
  locale: Locale;
  timeZone: string;
  /** the tax name each line bore, when recorded */
  taxName: string | null;
  /** per rated line index, the buckets a storage line held */
  storage: Map<number, BucketHolding[]>;
}

export interface LocalizedExplanation {
  header: string[];
  lines: { kind: string; amount: string; explanation: string }[];
  totals: string;
  text: string[];
}

const plainSpaces = (s: string) => s.replace(/[\u00A0\u202F]/g, ' ');
/** How many stretches of one bucket are listed before "and N more". */
const INTERVALS_SHOWN = 3;

const UNIT: Record<Locale, Record<string, string>> = {
  'pt-BR': { 'GiB-month': 'GiB-mês', GiB: 'GiB', '1,000 requests': 'mil requisições', month: 'mês' },
  en: { 'GiB-month': 'GiB-month', GiB: 'GiB', '1,000 requests': 'thousand requests', month: 'month' },
};

const WORDS = {
  'pt-BR': {
    invoice: (number: string | null, voided: boolean) => `Fatura ${number ?? '(rascunho)'}${voided ? ' (cancelada)' : ''}`,
    period: (month: string, from: string, to: string, zone: string) => `Período de ${month}: de ${from} a ${to} (horário de ${zone}).`,
    plans: (plans: string) => `Calculada com os planos ${plans}.`,
    late: (month: string, numbers: string) => `Inclui uso de ${month} que chegou depois da fatura desse mês (${numbers}), cobrado como ajuste.`,
    replaces: (numbers: string) => `Substitui uma fatura cancelada: desconta o que ${numbers} já cobraram deste período como ajuste.`,
    exact: 'Quantidades mostradas com até 3 casas decimais; os valores exatos estão na auditoria (GET /invoices/:id/audit).',
    between: (from: string, to: string) => `de ${from} a ${to}`,
    free: (free: string) => `franquia de ${free}`,
    times: (q: string, price: string) => `${q} × ${price}`,
    graduated: 'preço escalonado: cada unidade ao preço da sua faixa',
    volume: 'preço por volume: todas as unidades ao preço da faixa do total',
    tier: (upTo: string | null, price: string) => (upTo === null ? `acima: ${price}` : `até ${upTo}: ${price}`),
    packages: (count: string, size: string, price: string) => `${count} pacote(s) de ${size} × ${price}`,
    fee: (fee: string, share: string) => `mensalidade de ${fee} × ${share} do período`,
    minimum: (minimum: string, before: string) => `mínimo mensal de ${minimum}; os itens somam ${before}, a diferença é cobrada`,
    adjustment: (month: string, rerated: string, billed: string) => `recalculado para ${month}: ${rerated}; já cobrado: ${billed}; cobra-se a diferença`,
    billedElsewhere: (billed: string) => `já cobrado deste período em outras faturas: ${billed}; é descontado`,
    bucket: (name: string, gibMonths: string, stretches: string) => `bucket ${name}: ${gibMonths} GiB-mês (${stretches})`,
    stretch: (gib: string, from: string, to: string) => `${gib} GiB de ${from} a ${to}`,
    more: (n: number) => `e mais ${n} intervalo(s)`,
    nothingStored: 'nada armazenado',
    totals: (subtotal: string, taxName: string | null, tax: string, credit: string, total: string) =>
      `Subtotal ${subtotal}; impostos${taxName ? ` (${taxName})` : ''} ${tax}; crédito aplicado ${credit}; total ${total}.`,
  },
  en: {
    invoice: (number: string | null, voided: boolean) => `Invoice ${number ?? '(draft)'}${voided ? ' (voided)' : ''}`,
    period: (month: string, from: string, to: string, zone: string) => `Period ${month}: from ${from} to ${to} (${zone} time).`,
    plans: (plans: string) => `Computed with plans ${plans}.`,
    late: (month: string, numbers: string) => `Includes usage of ${month} that arrived after that month's invoice (${numbers}), billed as adjustments.`,
    replaces: (numbers: string) => `Replaces a voided invoice: takes off what ${numbers} already billed for this period as adjustments.`,
    exact: 'Quantities shown to at most 3 decimals; the exact figures are in the audit (GET /invoices/:id/audit).',
    between: (from: string, to: string) => `from ${from} to ${to}`,
    free: (free: string) => `${free} free`,
    times: (q: string, price: string) => `${q} × ${price}`,
    graduated: 'graduated: each unit at its own tier\'s price',
    volume: 'volume: every unit at the price of the tier the total falls in',
    tier: (upTo: string | null, price: string) => (upTo === null ? `above: ${price}` : `up to ${upTo}: ${price}`),
    packages: (count: string, size: string, price: string) => `${count} package(s) of ${size} × ${price}`,
    fee: (fee: string, share: string) => `monthly fee of ${fee} × ${share} of the period`,
    minimum: (minimum: string, before: string) => `monthly minimum of ${minimum}; the lines come to ${before}, the difference is billed`,
    adjustment: (month: string, rerated: string, billed: string) => `rated again for ${month}: ${rerated}; billed before: ${billed}; the difference is billed`,
    billedElsewhere: (billed: string) => `already billed for this period on other invoices: ${billed}; taken off`,
    bucket: (name: string, gibMonths: string, stretches: string) => `bucket ${name}: ${gibMonths} GiB-month (${stretches})`,
    stretch: (gib: string, from: string, to: string) => `${gib} GiB from ${from} to ${to}`,
    more: (n: number) => `and ${n} more stretch(es)`,
    nothingStored: 'nothing stored',
    totals: (subtotal: string, taxName: string | null, tax: string, credit: string, total: string) =>
      `Subtotal ${subtotal}; tax${taxName ? ` (${taxName})` : ''} ${tax}; credit applied ${credit}; total ${total}.`,
  },
} as const;

/** A local time in the account's zone, to the minute: pt-BR `01/06/2026 00:00`, en `Jun 1, 2026, 12:00 AM`. */
export function localTime(iso: string, timeZone: string, locale: Locale): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  return plainSpaces(dateTimeFormat(locale, { dateStyle: locale === 'en' ? 'medium' : 'short', timeStyle: 'short', timeZone }).format(at)).replace(', ', locale === 'en' ? ', ' : ' ');
}

/** A price per unit may have up to 10 decimals: shown with at least the currency's two. */
function price(amount: string, currency: string, locale: Locale): string {
  return plainSpaces(
    numberFormat(locale, { style: 'currency', currency, currencyDisplay: locale === 'en' ? 'code' : 'symbol', minimumFractionDigits: 2, maximumFractionDigits: 10 }).format(amount as `${number}`),
  );
}

const percent = (share: string, locale: Locale) => plainSpaces(numberFormat(locale, { style: 'percent', maximumFractionDigits: 2 }).format(share as `${number}`));

/**
 * The invoice explained to its customer, in the account's language: local times in its zone,
 * buckets by name, quantities to three decimals, amounts as billed. Pure. The exact figures
 * (every digit, the English working) stay in the rated lines and the audit.
 */
export function localizedExplanation(facts: ExplanationFacts): LocalizedExplanation {
  const { drafted, locale, timeZone } = facts;
  const w = WORDS[locale];
  const { rated, inputs } = drafted;
  const currency = rated.currency;
  const money = (amount: string) => formatMoney(amount, currency, locale);
  const quantity = (q: string, unit: string) => `${formatQuantity(exact(q).toDecimalPlaces(3).toFixed(), locale)} ${UNIT[locale][unit] ?? unit}`;
  const at = (iso: string) => localTime(iso, timeZone, locale);

  const header = [
    `${w.invoice(facts.number, facts.voided)}. ${w.period(formatPeriod(rated.period, locale), at(rated.periodStart), at(rated.periodEnd), timeZone)}`,
    w.plans(inputs.planVersions.map((p) => `${p.planId} v${p.version}`).join(', ')),
    ...(inputs.adjustedPeriods ?? []).map((a) => w.late(formatPeriod(a.period, locale), a.billedOn.map((r) => r.number).join(', '))),
    ...(inputs.billedElsewhere ? [w.replaces(inputs.billedElsewhere.billedOn.map((r) => r.number).join(', '))] : []),
    w.exact,
  ];

  const pricingWords = (line: RatedLine, pricing: LinePricing): string => {
    switch (pricing.model) {
      case 'monthly_fee':
        return w.fee(money(pricing.monthlyFee), percent(pricing.share, locale));
      case 'minimum':
        return w.minimum(money(pricing.minimum), money(pricing.subtotalBeforeTrueUp));
      case 'adjustment': {
        const unit = line.unit;
        const figure = (f: { quantity: string; amount: string }) => `${quantity(f.quantity, unit)} = ${money(f.amount)}`;
        return pricing.reason === 'billed_elsewhere'
          ? w.billedElsewhere(figure(pricing.billedBefore))
          : w.adjustment(formatPeriod(pricing.period, locale), pricing.rerated ? figure(pricing.rerated) : '-', figure(pricing.billedBefore));
      }
      case 'per_unit': {
        const free = exact(pricing.freeUnits ?? '0');
        const billable = maxOf(ZERO, exact(line.quantity).minus(free)).toFixed();
        return [...(free.isZero() ? [] : [w.free(quantity(free.toFixed(), line.unit))]), w.times(quantity(billable, line.unit), price(pricing.unitPrice, currency, locale))].join('; ');
      }
      case 'graduated':
      case 'volume': {
        const free = exact(pricing.freeUnits ?? '0');
        const tiers = pricing.tiers.map((t) => w.tier(t.upTo === null ? null : quantity(t.upTo, line.unit), price(t.unitPrice, currency, locale))).join(', ');
        return [...(free.isZero() ? [] : [w.free(quantity(free.toFixed(), line.unit))]), `${pricing.model === 'graduated' ? w.graduated : w.volume} (${tiers})`].join('; ');
      }
      case 'package': {
        const free = exact(pricing.freeUnits ?? '0');
        const billable = maxOf(ZERO, exact(line.quantity).minus(free));
        const count = billable.div(pricing.packageSize).ceil().toFixed();
        return [...(free.isZero() ? [] : [w.free(quantity(free.toFixed(), line.unit))]), w.packages(count, quantity(pricing.packageSize, line.unit), money(exact(pricing.packagePrice).toFixed(2)))].join('; ');
      }
      default:
        return '';
    }
  };

  const lines = rated.lines.map((line, index) => {
    const parts = [`${lineDescription({ ...line, adjusts: line.adjusts ?? null }, locale)}, ${w.between(at(line.from), at(line.to))}`];
    if (line.kind !== 'minimum_true_up' && line.kind !== 'monthly_fee') parts.push(quantity(line.quantity, line.unit));
    parts.push(pricingWords(line, line.pricing));
    const holdings = facts.storage.get(index);
    if (holdings) {
      parts.push(
        holdings.length === 0
          ? w.nothingStored
          : holdings
              .map((h) => {
                const shown = h.intervals.slice(0, INTERVALS_SHOWN).map((i) => w.stretch(formatQuantity(i.gib, locale), at(i.from), at(i.to)));
                const rest = h.intervals.length - shown.length;
                return w.bucket(h.name, formatQuantity(h.gibMonths, locale), [...shown, ...(rest > 0 ? [w.more(rest)] : [])].join(', '));
              })
              .join('; '),
      );
    }
    return { kind: line.kind, amount: line.amount, explanation: `${parts.filter((p) => p.length > 0).join(': ')} = ${money(line.amount)}.` };
  });

  const totals = w.totals(money(rated.subtotal), facts.taxName, money(rated.tax), money(rated.creditApplied), money(rated.total));
  return {
    header,
    lines,
    totals,
    text: [...header, ...lines.map((line, i) => `\n${i + 1}. ${line.explanation}`), `\n${totals}`],
  };
}
