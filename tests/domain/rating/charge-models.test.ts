import fc from 'fast-check';
import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { charge, type ChargeModel } from '../../../src/domain/rating/index.ts';
import { chargeModel, quantity, share, tiers } from './arbitraries.ts';

const D = Decimal.clone({ precision: 80 });
const amount = (model: ChargeModel, q: string, s: Decimal.Value = 1) => charge(model, new D(q), new D(s)).amount.toFixed();

const TIERS = [
  { upTo: '100', unitPrice: '0.10' },
  { upTo: '1000', unitPrice: '0.08' },
  { upTo: null, unitPrice: '0.05' },
];

describe('charge models, by hand', () => {
  it('per unit, with free units off first', () => {
    // 1,234.567 − 1,000 free = 234.567 × 0.01 = 2.34567
    expect(amount({ model: 'per_unit', unitPrice: '0.01', freeUnits: '1000' }, '1234.567')).toBe('2.34567');
    expect(amount({ model: 'per_unit', unitPrice: '0.01', freeUnits: '1000' }, '999')).toBe('0');
  });

  it('graduated: each unit in its own tier', () => {
    // 1,510 − 10 free = 1,500: 100 × 0.10 + 900 × 0.08 + 500 × 0.05 = 10 + 72 + 25 = 107
    const model: ChargeModel = { model: 'graduated', tiers: TIERS, freeUnits: '10' };
    expect(amount(model, '1510')).toBe('107');
    expect(charge(model, new D('1510'), new D(1), 'GiB').explanation).toContain('100 GiB from 0 to 100 at 0.10 = 10; 900 GiB from 100 to 1000 at 0.08 = 72; 500 GiB above 1000 at 0.05 = 25');
    // 50: all in the first tier
    expect(amount({ model: 'graduated', tiers: TIERS }, '50')).toBe('5');
  });

  it('volume: every unit at the tier the total falls in; a bound belongs to its tier', () => {
    expect(amount({ model: 'volume', tiers: TIERS }, '100')).toBe('10'); // 100 × 0.10
    expect(amount({ model: 'volume', tiers: TIERS }, '100.5')).toBe('8.04'); // 100.5 × 0.08: the volume cliff
    expect(amount({ model: 'volume', tiers: TIERS }, '1000')).toBe('80'); // 1,000 × 0.08
    expect(amount({ model: 'volume', tiers: TIERS }, '1500')).toBe('75'); // 1,500 × 0.05
    expect(amount({ model: 'volume', tiers: TIERS }, '0')).toBe('0');
  });

  it('package: blocks of N, rounded up', () => {
    // 351 − 50 free = 301 → 4 packages of 100 × 5 = 20; 350 − 50 = 300 → exactly 3 → 15
    const model: ChargeModel = { model: 'package', packageSize: '100', packagePrice: '5', freeUnits: '50' };
    expect(amount(model, '351')).toBe('20');
    expect(amount(model, '350')).toBe('15');
    expect(amount(model, '50')).toBe('0');
  });

  it("tier flat fees are charged once a tier is reached, and not for no usage", () => {
    const model: ChargeModel = { model: 'graduated', tiers: [{ upTo: '10', unitPrice: '0', flatFee: '2' }, { upTo: null, unitPrice: '1', flatFee: '3' }] };
    expect(amount(model, '0')).toBe('0');
    expect(amount(model, '5')).toBe('2');
    expect(amount(model, '10')).toBe('2');
    expect(amount(model, '12')).toBe('7'); // 2 + 2 × 1 + 3
  });

  it('a share prorates free units, tier bounds, flat fees and a package (size and price), not unit prices', () => {
    // half a period: bounds 50 / 500, 5 free: 155 − 5 = 150 → 50 × 0.10 + 100 × 0.08 = 13
    expect(amount({ model: 'graduated', tiers: TIERS, freeUnits: '10' }, '155', '0.5')).toBe('13');
    // packages of 50 at 2.50: 120 → 3 packages = 7.5
    expect(amount({ model: 'package', packageSize: '100', packagePrice: '5' }, '120', '0.5')).toBe('7.5');
    const priced = charge({ model: 'volume', tiers: [{ upTo: '100', unitPrice: '1', flatFee: '10' }, { upTo: null, unitPrice: '0.5' }] }, new D(30), new D('0.25'));
    expect(priced.pricing).toEqual({ model: 'volume', tiers: [{ upTo: '25', unitPrice: '1', flatFee: '2.5' }, { upTo: null, unitPrice: '0.5' }], share: '0.25' });
    expect(priced.amount.toFixed()).toBe('15'); // 30 > 25: every unit at 0.5
  });

  it('a quantity exactly on a prorated bound stays on it (1/3 of the period)', () => {
    // bound 300 × 1/3 = 100 (not exactly representable as a share): 100 units are one package, not two
    const third = new D(1).div(3);
    expect(charge({ model: 'package', packageSize: '300', packagePrice: '3' }, new D(100), third).amount.toFixed()).toBe('1');
    expect(charge({ model: 'volume', tiers: [{ upTo: '300', unitPrice: '1' }, { upTo: null, unitPrice: '0' }] }, new D(100), third).amount.toFixed()).toBe('100');
  });
});

const RUNS = { numRuns: 300 };
const toShare = (s: { ms: number; total: number }) => new D(s.ms).div(s.total);

describe('charge model properties', () => {
  it('free units: charge(q) = charge(max(0, q − free)) without them, at any share', () => {
    fc.assert(
      fc.property(chargeModel({ freeUnits: true }), quantity, share, (model, q, s) => {
        const sh = toShare(s);
        const free = new D(model.freeUnits ?? '0').times(sh);
        const { freeUnits: _, ...without } = model;
        const billable = D.max(0, new D(q).minus(free));
        expect(charge(model, new D(q), sh).amount.toFixed()).toBe(charge(without as ChargeModel, billable, sh).amount.toFixed());
      }),
      RUNS,
    );
  });

  it('graduated pricing is continuous at every tier bound', () => {
    fc.assert(
      fc.property(tiers(), share, fc.boolean(), (t, s, prorated) => {
        const sh = prorated ? toShare(s) : new D(1);
        const model: ChargeModel = { model: 'graduated', tiers: t };
        const maxPrice = D.max(...t.map((tier) => tier.unitPrice));
        const eps = new D('1e-20');
        for (const tier of t.slice(0, -1)) {
          const bound = new D(tier.upTo!).times(sh);
          const at = charge(model, bound, sh).amount;
          for (const q of [bound.minus(eps), bound.plus(eps)]) {
            expect(charge(model, q, sh).amount.minus(at).abs().lte(eps.times(maxPrice))).toBe(true);
          }
        }
      }),
      RUNS,
    );
  });

  it('more usage never lowers a charge (per unit, graduated, package; volume tiers are a deliberate cliff)', () => {
    fc.assert(
      fc.property(chargeModel({ kinds: ['per_unit', 'graduated', 'package'], flatFees: true }), quantity, quantity, share, (model, a, b, s) => {
        const [lo, hi] = new D(a).lte(b) ? [a, b] : [b, a];
        const sh = toShare(s);
        expect(charge(model, new D(hi), sh).amount.gte(charge(model, new D(lo), sh).amount)).toBe(true);
      }),
      RUNS,
    );
  });

  it('no usage costs nothing, under every model', () => {
    fc.assert(
      fc.property(chargeModel({ flatFees: true }), share, (model, s) => {
        expect(charge(model, new D(0), toShare(s)).amount.isZero()).toBe(true);
      }),
      RUNS,
    );
  });

  it('prorating is homogeneous: usage proportional to the share costs the share of the whole', () => {
    // What makes a mid-period change between equal plans cost what no change costs, for
    // storage held constant (q × s in a segment of share s).
    fc.assert(
      fc.property(chargeModel({ flatFees: true }), quantity, share, (model, q, s) => {
        const sh = toShare(s);
        const whole = charge(model, new D(q), new D(1)).amount;
        const part = charge(model, new D(q).times(sh), sh).amount;
        expect(part.minus(whole.times(sh)).abs().lte(new D('1e-40').times(whole.plus(1)))).toBe(true);
      }),
      RUNS,
    );
  });
});
