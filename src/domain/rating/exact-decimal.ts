import { Decimal } from 'decimal.js';

/**
 * The rating engine's own Decimal constructor, a clone so that the global `Decimal` (and
 * every other module that uses it) keeps its defaults: nothing here mutates shared config.
 *
 * Precision: 80 significant digits for every operation, and amounts are "settled" to 60
 * digits (`settled`) before the one rounding to the minor unit. Why: quantities and shares
 * are ratios (byte-milliseconds over 2^30 × the period's milliseconds, a segment's
 * milliseconds over the period's). Bytes over 2^30 and requests over 1,000 terminate and
 * are exact. A ratio that does not terminate is cut at the 80th digit, and that cut can put
 * an amount that is exactly on a half-cent (1/3 GiB-month at 0.015 = 0.005) a hair below
 * it. Settling to 60 digits removes that noise (20 digits of headroom), and cannot move an
 * amount that is not on a half-cent onto one: with our denominators (below 10^38 even for
 * a prorated tier of a storage meter) such an amount is at least 10^-41 away from it,
 * while settling moves a value by less than 10^-49 for any amount below 10^10.
 *
 * `toExpNeg`/`toExpPos` keep `toString()` in plain positional notation: amounts and
 * quantities travel as decimal strings and must never read `1e-7`.
 */
export const Exact = Decimal.clone({
  precision: 80,
  rounding: Decimal.ROUND_HALF_UP,
  toExpNeg: -9e15,
  toExpPos: 9e15,
});

/** An instance of `Exact` (decimal.js types every clone's instances as `Decimal`). */
export type ExactDecimal = Decimal;

export const ZERO = new Exact(0);
export const ONE = new Exact(1);

/** 2^30: bytes in a GiB. */
export const BYTES_PER_GIB = 1n << 30n;

/** Takes a value onto the engine's constructor, so later operations use its precision. */
export function exact(value: Decimal.Value): ExactDecimal {
  return new Exact(value);
}

/** Significant digits kept by `settled`. */
export const SETTLED_DIGITS = 60;

/**
 * A value with the last digits' noise removed (see above): amounts before their one
 * rounding, and both sides of a comparison that picks a tier or counts whole packages, so
 * that a quantity exactly on a prorated bound stays on it.
 */
export function settled(value: ExactDecimal): ExactDecimal {
  return value.toSignificantDigits(SETTLED_DIGITS, Exact.ROUND_HALF_UP);
}

export function maxOf(a: ExactDecimal, b: ExactDecimal): ExactDecimal {
  return a.gte(b) ? a : b;
}

export function minOf(a: ExactDecimal, b: ExactDecimal): ExactDecimal {
  return a.lte(b) ? a : b;
}

/** Plain positional notation, and never `-0`. */
export function plain(value: ExactDecimal): string {
  return value.isZero() ? '0' : value.toFixed();
}

/**
 * For explanations read by people: a (settled) value with up to six decimals as it is,
 * anything longer to six decimals with "≈" (the line's own fields keep the full value).
 */
export function readable(value: ExactDecimal): string {
  const v = settled(value);
  if (v.decimalPlaces() <= 6) return plain(v);
  return `≈${plain(v.toDecimalPlaces(6, Exact.ROUND_HALF_UP))}`;
}
