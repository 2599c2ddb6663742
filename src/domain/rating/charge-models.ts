import type { Decimal } from 'decimal.js';
import { ONE, ZERO, exact, maxOf, minOf, plain, readable, settled, type ExactDecimal } from './exact-decimal.ts';
import type { ChargeModel, Tier } from './plan.ts';

/**
 * Pricing a quantity with a charge model, at full precision (the caller rounds the line
 * once). Free units come off first: charge(q) = tiers(max(0, q − free)).
 *
 * `share` (0 < share ≤ 1) is a segment's fraction of the period's seconds when a plan
 * changes mid-period. Everything in the model that is an allowance or a fee scales with
 * it: free units, tier bounds, tier flat fees, and a package's size AND its price. Unit
 * prices do not. Scaling the package's size and price together keeps its price per unit
 * and makes a package behave like the other models: a bucket holding the same bytes all
 * month costs the same whether or not the month was split. Scaling neither (or only the
 * size) would charge a whole package per segment and bill a split month up to twice.
 *
 * Tier semantics: `upTo` is inclusive (a quantity equal to a bound stays in that tier);
 * a tier's flat fee is charged only when some units fall in it, so no usage costs nothing.
 * Volume: every unit at the price of the tier the total falls in (plus that tier's flat fee).
 * Package: ceil(q / size) whole packages, each at the package price.
 */
export interface ChargeResult {
  /** unrounded (full precision, settled to 60 digits), in major units */
  amount: ExactDecimal;
  /** plain English: free units, tiers or packages used, and the arithmetic */
  explanation: string;
  /** the model as applied, with its prorated numbers */
  pricing: ChargeModel & { share: string };
}

export function charge(model: ChargeModel, quantity: Decimal, share: Decimal = ONE, unit = 'units'): ChargeResult {
  const q = exact(quantity);
  const s = exact(share);
  if (q.isNegative() && !q.isZero()) throw new RangeError(`charge: quantity ${q.toFixed()} is negative`);
  if (!s.gt(0) || s.gt(1)) throw new RangeError(`charge: share ${s.toFixed()} is outside (0, 1]`);
  const prorated = prorate(model, s);
  const free = exact(prorated.freeUnits ?? 0);
  const billable = maxOf(ZERO, q.minus(free));
  const words: string[] = [];
  if (!s.eq(1)) words.push(`This segment is ${readable(s.times(100))}% of the period, so allowances, tier bounds and fees below are that share of the plan's.`);
  if (!free.isZero()) words.push(`${readable(q)} ${unit} used, ${readable(free)} free, ${readable(billable)} billable.`);
  const priced = price(prorated, billable, unit);
  words.push(priced.words);
  return { amount: settled(priced.amount), explanation: words.join(' '), pricing: { ...prorated, share: plain(s) } };
}

/** The model with its allowances, bounds and fees scaled by `share` (see above). */
export function prorate(model: ChargeModel, share: Decimal): ChargeModel {
  const s = exact(share);
  const scale = (value: string) => plain(exact(value).times(s));
  const free = model.freeUnits === undefined ? {} : { freeUnits: scale(model.freeUnits) };
  switch (model.model) {
    case 'per_unit':
      return { model: 'per_unit', unitPrice: model.unitPrice, ...free };
    case 'graduated':
    case 'volume':
      return {
        model: model.model,
        tiers: model.tiers.map((t) => ({
          upTo: t.upTo === null ? null : scale(t.upTo),
          unitPrice: t.unitPrice,
          ...(t.flatFee === undefined ? {} : { flatFee: scale(t.flatFee) }),
        })),
        ...free,
      };
    case 'package':
      return { model: 'package', packageSize: scale(model.packageSize), packagePrice: scale(model.packagePrice), ...free };
  }
}

function price(model: ChargeModel, billable: ExactDecimal, unit: string): { amount: ExactDecimal; words: string } {
  switch (model.model) {
    case 'per_unit': {
      const amount = billable.times(model.unitPrice);
      return { amount, words: `${readable(billable)} ${unit} × ${model.unitPrice} = ${readable(amount)}.` };
    }
    case 'graduated':
      return graduated(model.tiers, billable, unit);
    case 'volume':
      return volume(model.tiers, billable, unit);
    case 'package': {
      const size = exact(model.packageSize);
      const packages = settled(billable.div(size)).ceil();
      const amount = packages.times(model.packagePrice);
      return {
        amount,
        words: `${readable(billable)} ${unit} in packages of ${readable(size)}: ${packages.toFixed()} package${packages.eq(1) ? '' : 's'} (rounded up) × ${readable(exact(model.packagePrice))} = ${readable(amount)}.`,
      };
    }
  }
}

/** Each unit priced in its own tier: continuous at every bound (flat fees aside). */
function graduated(tiers: Tier[], billable: ExactDecimal, unit: string): { amount: ExactDecimal; words: string } {
  let amount = ZERO;
  let lower = ZERO;
  const parts: string[] = [];
  for (const tier of tiers) {
    const upper = tier.upTo === null ? null : exact(tier.upTo);
    if (!settled(billable).gt(settled(lower))) break;
    const units = upper === null ? billable.minus(lower) : minOf(billable, upper).minus(lower);
    const flat = exact(tier.flatFee ?? 0);
    const tierAmount = units.times(tier.unitPrice).plus(flat);
    amount = amount.plus(tierAmount);
    const range = upper === null ? `above ${readable(lower)}` : `from ${readable(lower)} to ${readable(upper)}`;
    parts.push(`${readable(units)} ${unit} ${range} at ${tier.unitPrice} = ${readable(units.times(tier.unitPrice))}${flat.isZero() ? '' : ` plus a flat ${readable(flat)}`}`);
    if (upper === null) break;
    lower = upper;
  }
  if (parts.length === 0) return { amount, words: `No billable ${unit}, nothing to charge.` };
  return { amount, words: `Graduated tiers, each unit at its own tier's price: ${parts.join('; ')}. Total ${readable(amount)}.` };
}

/** Every unit at the price of the tier the total falls in: a bound belongs to its tier. */
function volume(tiers: Tier[], billable: ExactDecimal, unit: string): { amount: ExactDecimal; words: string } {
  if (billable.isZero()) return { amount: ZERO, words: `No billable ${unit}, nothing to charge.` };
  let lower = ZERO;
  for (const tier of tiers) {
    const upper = tier.upTo === null ? null : exact(tier.upTo);
    if (upper === null || settled(billable).lte(settled(upper))) {
      const flat = exact(tier.flatFee ?? 0);
      const amount = billable.times(tier.unitPrice).plus(flat);
      const range = upper === null ? `above ${readable(lower)}` : `from ${readable(lower)} to ${readable(upper)}`;
      return {
        amount,
        words: `Volume pricing: ${readable(billable)} ${unit} falls in the tier ${range}, so every unit is at ${tier.unitPrice}: ${readable(billable)} × ${tier.unitPrice}${flat.isZero() ? '' : ` plus a flat ${readable(flat)}`} = ${readable(amount)}.`,
      };
    }
    lower = upper;
  }
  /* v8 ignore next: validation guarantees a last tier without a bound */
  throw new RangeError('volume: the last tier must have no upper bound');
}
