import type { Decimal } from 'decimal.js';
import type { FieldIssue } from '../errors.ts';
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

export function checkDecimal(value: unknown, path: string, issues: FieldIssue[], options: { positive?: boolean; atMost?: string; maxDecimals?: number } = {}): ExactDecimal | null {
  if (typeof value !== 'string' || !DECIMAL.test(value)) {
    issues.push({ path, message: 'must be a non-negative decimal string such as "0.15" (no exponent, no sign)' });
    return null;
  }
  const parsed = exact(value);
  if (options.positive && parsed.isZero()) {
    issues.push({ path, message: 'must be greater than zero' });
    return null;
  }
  if (options.atMost !== undefined && parsed.gt(options.atMost)) {
    issues.push({ path, message: `must be at most ${options.atMost}` });
    return null;
  }
  if (options.maxDecimals !== undefined && parsed.decimalPlaces() > options.maxDecimals) {
    issues.push({ path, message: `must have at most ${options.maxDecimals} decimal places` });
    return null;
  }
  return parsed;
}
