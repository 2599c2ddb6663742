import type { Decimal } from 'decimal.js';
import type { FieldIssue } from '../errors.ts';
import type { DecimalTextRule } from '../shared/field-rule.ts';
import { Exact, exact, type ExactDecimal } from './exact-decimal.ts';

/**
 * Money is a Decimal with an ISO 4217 currency, carried as a decimal string in major units
 * (`{ "amount": "54.85", "currency": "BRL" }`). Never a JS number.
 */
export interface Money {
  amount: string;
  currency: Currency;
}

/** Digits after the decimal point of each currency's minor unit (ISO 4217). */
export const MINOR_UNITS = { BRL: 2, USD: 2, EUR: 2 } as const;
export type Currency = keyof typeof MINOR_UNITS;

export function isCurrency(value: unknown): value is Currency {
  return typeof value === 'string' && Object.hasOwn(MINOR_UNITS, value);
}

export function checkCurrency(value: unknown, path: string, issues: FieldIssue[]): value is Currency {
  if (isCurrency(value)) return true;
  issues.push({ path, message: `must be one of ${Object.keys(MINOR_UNITS).join(', ')}` });
  return false;
}

/**
 * The one rounding of the engine: to the currency's minor unit, half away from zero
 * (decimal.js calls it ROUND_HALF_UP: 2.345 → 2.35 and -2.345 → -2.35). A line is
 * rounded once, from its full-precision amount; nothing is rounded twice.
 */
export function roundLine(amount: Decimal.Value, currency: Currency): ExactDecimal {
  const rounded = exact(amount).toDecimalPlaces(MINOR_UNITS[currency], Exact.ROUND_HALF_UP);
  return rounded.isZero() ? exact(0) : rounded;
}

/** Major units with exactly the minor-unit digits, e.g. `"54.85"`, `"0.00"`, never `"-0.00"`. */
export function formatMoney(amount: Decimal.Value, currency: Currency): string {
  const value = exact(amount);
  if (value.decimalPlaces() > MINOR_UNITS[currency]) throw new Error(`formatMoney: ${value.toFixed()} ${currency} is not rounded to the minor unit; round it first`);
  return value.isZero() ? exact(0).toFixed(MINOR_UNITS[currency]) : value.toFixed(MINOR_UNITS[currency]);
}

/** `"54.85"` BRL, rounding once (for amounts that are not yet rounded). */
export function money(amount: Decimal.Value, currency: Currency): Money {
  return { amount: formatMoney(roundLine(amount, currency), currency), currency };
}

/** A non-negative decimal string in plain notation: `"0.15"`, `"10"`, `"0.000001"`. */
const DECIMAL = /^(0|[1-9]\d*)(\.\d+)?$/;

/**
 * The ranges of what is taken as input (docs/ranges.md). Inside them every figure is held
 * exactly by the rating engine's 80 significant digits, with room to multiply a price by a
 * quantity and to add up an invoice; beyond them a figure would be rounded on the way in
 * (a fee of 95 nines became 10^95) or make no sense for any account.
 *
 * - amounts (payments, credit notes, fees, minimums, tier flat fees): 0 to 10^12 major units,
 *   at most the currency's minor-unit digits;
 * - unit prices (per unit, per tier, per package): 0 to 10^12, at most 10 decimal places,
 *   since a GiB or a thousand requests may cost a fraction of a cent;
 * - quantities in a meter's unit (free units, tier bounds, package sizes): 0 to 10^15, at
 *   most 9 decimal places (a byte is 9.3 × 10^-10 GiB);
 * - tax rates: a fraction from 0 to 1, at most 6 decimal places.
 */
export const RANGES = {
  amount: { atMost: '1000000000000' },
  unitPrice: { atMost: '1000000000000', maxDecimals: 10 },
  quantity: { atMost: '1000000000000000', maxDecimals: 9 },
  taxRate: { atMost: '1', maxDecimals: 6 },
} as const;

/** RANGES as field rules: money taken in (payments, credit notes: more than zero), fees, tax rates. */
export const AMOUNT_TEXT: DecimalTextRule = { pattern: DECIMAL, minimum: '0', exclusiveMinimum: true, maximum: RANGES.amount.atMost };
export const FEE_TEXT: DecimalTextRule = { pattern: DECIMAL, minimum: '0', maximum: RANGES.amount.atMost };
export const TAX_RATE_TEXT: DecimalTextRule = { pattern: DECIMAL, minimum: '0', maximum: RANGES.taxRate.atMost, maxDecimals: RANGES.taxRate.maxDecimals };

/** The most decimal places of any currency's minor unit: amounts whose currency is not known yet. */
const MOST_MINOR_UNITS = Math.max(...Object.values(MINOR_UNITS));

/** An amount of money taken as input (RANGES.amount), in `currency` when it is known. */
export function checkAmount(value: unknown, path: string, issues: FieldIssue[], options: { currency?: Currency; positive?: boolean } = {}): ExactDecimal | null {
  const maxDecimals = options.currency === undefined ? MOST_MINOR_UNITS : MINOR_UNITS[options.currency];
  return checkDecimal(value, path, issues, { positive: options.positive, atMost: RANGES.amount.atMost, maxDecimals });
}

export function checkDecimal(value: unknown, path: string, issues: FieldIssue[], options: { positive?: boolean | undefined; atMost?: string; maxDecimals?: number } = {}): ExactDecimal | null {
  if (typeof value !== 'string' || !DECIMAL.test(value)) {
    issues.push({ path, message: 'must be a non-negative decimal string such as "0.15" (no exponent, no sign)' });
    return null;
  }
  // Judged on the text: parsing keeps 80 significant digits, and would round a longer value
  // before its size or its decimal places were looked at.
  const [whole, fraction = ''] = value.split('.') as [string, string?];
  const decimals = fraction.replace(/0+$/, '').length;
  if (options.atMost !== undefined && (whole.length > options.atMost.length || exact(value).gt(options.atMost))) {
    issues.push({ path, message: `must be at most ${options.atMost}` });
    return null;
  }
  if (options.maxDecimals !== undefined && decimals > options.maxDecimals) {
    issues.push({ path, message: `must have at most ${options.maxDecimals} decimal places` });
    return null;
  }
  const parsed = exact(value);
  if (options.positive && parsed.isZero()) {
    issues.push({ path, message: 'must be greater than zero' });
    return null;
  }
  return parsed;
}
