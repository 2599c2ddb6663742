import { BYTES_PER_GIB, exact } from '../../domain/rating/exact-decimal.ts';
import type { EmailLocale } from './email-kinds.ts';
import { dateTimeFormat, numberFormat } from '../../domain/shared/intl-formats.ts';

/**
 * Figures and dates as each language writes them. Amounts stay decimal strings all the way:
 * Intl.NumberFormat formats a numeric string exactly, so no amount passes through a JS number.
 * ICU puts no-break spaces in some outputs (`R$ 57,59`); plain spaces are used instead so the
 * text reads and searches the same everywhere.
 */
const plainSpaces = (s: string) => s.replace(/[\u00A0\u202F]/g, ' ');

const DECIMAL = /^-?\d+(\.\d+)?$/;

function checkDecimalString(value: string, what: string): void {
  if (typeof value !== 'string' || !DECIMAL.test(value)) throw new TypeError(`${what} must be a decimal string, got ${JSON.stringify(value)}`);
}

/**
 * pt-BR: `R$ 57,59`. en: `BRL 57.59`: the ISO code, because `R$`, `$` and `US$` read alike to
 * someone abroad, and an invoice must not leave the currency to a guess.
 */
export function formatMoney(amount: string, currency: string, locale: EmailLocale): string {
  checkDecimalString(amount, 'an amount');
  const format = numberFormat(locale, { style: 'currency', currency, currencyDisplay: locale === 'en' ? 'code' : 'symbol' });
  const fraction = amount.split('.')[1] ?? '';
  // Rounding for display would show a different sum than the one billed: refuse instead.
  if (fraction.length > format.resolvedOptions().maximumFractionDigits!) {
    throw new RangeError(`${amount} ${currency} has more digits than the currency's minor unit; amounts arrive rounded`);
  }
  return plainSpaces(format.format(amount as `${number}`));
}

/** A quantity shown, not billed: at most three decimals. */
export function formatQuantity(quantity: string, locale: EmailLocale): string {
  checkDecimalString(quantity, 'a quantity');
  return plainSpaces(numberFormat(locale, { maximumFractionDigits: 3 }).format(quantity as `${number}`));
}

/** Bytes as GiB with two decimals, computed exactly (a quota's usage can pass 2^53 bytes). */
export function formatGiB(bytes: string, locale: EmailLocale): string {
  if (!/^\d+$/.test(bytes)) throw new TypeError(`bytes must be an integer string, got ${JSON.stringify(bytes)}`);
  const gib = exact(bytes).div(BYTES_PER_GIB.toString()).toFixed(2);
  return plainSpaces(numberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(gib as `${number}`));
}

const YMD = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar date (`YYYY-MM-DD`, already the account's local date): pt-BR `10/07/2026`, en `Jul 10, 2026`. */
export function formatDate(ymd: string, locale: EmailLocale): string {
  const m = YMD.exec(ymd);
  if (!m) throw new TypeError(`a date must be YYYY-MM-DD, got ${JSON.stringify(ymd)}`);
  // Noon UTC, formatted in UTC: the calendar day as given, whatever zone the host runs in.
  const day = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 12));
  return plainSpaces(dateTimeFormat(locale, { dateStyle: locale === 'en' ? 'medium' : 'short', timeZone: 'UTC' }).format(day));
}

/** An instant in the account's time zone, naming the zone: `12/07/2026, 14:30 (America/Sao_Paulo)`. */
export function formatInstant(iso: string, timeZone: string, locale: EmailLocale): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new TypeError(`an instant must be ISO 8601, got ${JSON.stringify(iso)}`);
  const text = dateTimeFormat(locale, { dateStyle: locale === 'en' ? 'medium' : 'short', timeStyle: 'short', timeZone }).format(new Date(ms));
  return `${plainSpaces(text)} (${timeZone})`;
}

/** A billing period (`YYYY-MM`): pt-BR `julho de 2026`, en `July 2026`. */
export function formatPeriod(period: string, locale: EmailLocale): string {
  const m = /^(\d{4})-(\d{2})$/.exec(period);
  if (!m) throw new TypeError(`a period must be YYYY-MM, got ${JSON.stringify(period)}`);
  const month = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 15));
  return plainSpaces(dateTimeFormat(locale, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(month));
}

/** True for `"0"`, `"0.00"`, `"-0.00"`: a comparison on the string, not through a number. */
export function isZeroAmount(amount: string): boolean {
  checkDecimalString(amount, 'an amount');
  return /^-?0+(\.0+)?$/.test(amount);
}

/** Line breaks or tabs in a value would break a subject line (a header): one space instead. */
export function oneLine(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}
