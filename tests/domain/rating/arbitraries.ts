import fc from 'fast-check';
import type { ChargeModel, Tier } from '../../../src/domain/rating/index.ts';

/** A decimal string from an integer and a number of places, without passing through a JS float. */
export function decimalString(units: bigint, places: number): string {
  if (places === 0) return units.toString();
  const digits = units.toString().padStart(places + 1, '0');
  const whole = digits.slice(0, -places);
  const fraction = digits.slice(-places).replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : whole;
}

export const price = fc.tuple(fc.bigInt({ min: 0n, max: 100_000n }), fc.integer({ min: 0, max: 4 })).map(([u, p]) => decimalString(u, p));
export const positive = fc.tuple(fc.bigInt({ min: 1n, max: 100_000n }), fc.integer({ min: 0, max: 2 })).map(([u, p]) => decimalString(u, p));
export const quantity = fc.tuple(fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.integer({ min: 0, max: 6 })).map(([u, p]) => decimalString(u, p));

/** Increasing bounds, the last tier unbounded. */
export function tiers(options: { flatFees?: boolean } = {}): fc.Arbitrary<Tier[]> {
  return fc
    .array(fc.record({ step: positive, unitPrice: price, flatFee: options.flatFees ? fc.option(price, { nil: undefined }) : fc.constant(undefined) }), { minLength: 1, maxLength: 4 })
    .map((rows) => {
      let bound = 0n;
      return rows.map((row, i) => {
        // bounds in thousandths, strictly increasing
        const [w, f = ''] = row.step.split('.');
        bound += BigInt(w!) * 1000n + BigInt((f + '000').slice(0, 3));
        const tier: Tier = { upTo: i === rows.length - 1 ? null : decimalString(bound, 3), unitPrice: row.unitPrice };
        if (row.flatFee !== undefined) tier.flatFee = row.flatFee;
        return tier;
      });
    });
}

const free = fc.option(quantity, { nil: undefined });
const withFree = <M extends ChargeModel>(model: M, freeUnits: string | undefined): M => (freeUnits === undefined ? model : { ...model, freeUnits });

export function chargeModel(options: { kinds?: ChargeModel['model'][]; flatFees?: boolean; freeUnits?: boolean } = {}): fc.Arbitrary<ChargeModel> {
  const kinds = options.kinds ?? ['per_unit', 'graduated', 'volume', 'package'];
  const freeArb = options.freeUnits === false ? fc.constant(undefined) : free;
  const byKind: Record<ChargeModel['model'], fc.Arbitrary<ChargeModel>> = {
    per_unit: fc.tuple(price, freeArb).map(([unitPrice, f]) => withFree({ model: 'per_unit', unitPrice }, f)),
    graduated: fc.tuple(tiers(options), freeArb).map(([t, f]) => withFree({ model: 'graduated', tiers: t }, f)),
    volume: fc.tuple(tiers(options), freeArb).map(([t, f]) => withFree({ model: 'volume', tiers: t }, f)),
    package: fc.tuple(positive, price, freeArb).map(([packageSize, packagePrice, f]) => withFree({ model: 'package', packageSize, packagePrice }, f)),
  };
  return fc.oneof(...kinds.map((k) => byKind[k]));
}

/** A share of the period: a segment's milliseconds over a 30-day period's. */
export const share = fc.integer({ min: 1, max: 2_592_000_000 }).map((ms) => ({ ms, total: 2_592_000_000 }));
