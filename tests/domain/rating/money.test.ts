import fc from 'fast-check';
import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { formatMoney, money, roundLine } from '../../../src/domain/rating/index.ts';

describe('money: one rounding, half away from zero, to the minor unit', () => {
  it.each([
    ['2.345', '2.35'],
    ['-2.345', '-2.35'],
    ['2.344999', '2.34'],
    ['-2.344999', '-2.34'],
    ['0.005', '0.01'],
    ['-0.005', '-0.01'],
    ['12.34567', '12.35'],
    ['2.7425', '2.74'],
    ['-0.004', '0.00'], // never "-0.00"
  ])('%s → %s', (amount, expected) => {
    expect(formatMoney(roundLine(amount, 'BRL'), 'BRL')).toBe(expected);
  });

  it('formats in major units with the minor digits', () => {
    expect(money('54.85', 'BRL')).toEqual({ amount: '54.85', currency: 'BRL' });
    expect(money('20', 'USD')).toEqual({ amount: '20.00', currency: 'USD' });
    expect(() => formatMoney('1.234', 'EUR')).toThrow(/not rounded/);
  });

  it('leaves the global Decimal configuration alone', () => {
    roundLine('1.005', 'BRL');
    expect(Decimal.precision).toBe(20);
    expect(Decimal.rounding).toBe(Decimal.ROUND_HALF_UP);
  });

  it('property: rounding is sign-symmetric', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 24n }), fc.integer({ min: 0, max: 12 }), (digits, places) => {
        const x = new Decimal(digits.toString()).div(10 ** places);
        expect(roundLine(x.neg(), 'BRL').eq(roundLine(x, 'BRL').neg())).toBe(true);
        // and it is the nearest cent, ties away from zero
        const cents = x.times(100);
        const expected = cents.minus(cents.floor()).gte(0.5) ? cents.floor().plus(1) : cents.floor();
        expect(roundLine(x, 'BRL').times(100).eq(expected)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
