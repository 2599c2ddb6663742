import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { daysInMonth, formatInstant, parseInstant } from '../../../src/domain/rating/instant.ts';
import { checkCount, MAX_COUNT } from '../../../src/domain/rating/usage-meters.ts';

/** The rule as first written (a strict pattern, then Date's own calendar): the fast path must agree with it on every string. */
function referenceParse(value: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:\d{2})$/.exec(value);
  if (!m) return null;
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [number, number, number, number, number];
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const millis = m[7] === undefined ? 0 : Number(m[7].padEnd(3, '0'));
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (year < 1000 || month < 1 || month > 12 || day < 1 || day > days || hour > 23 || minute > 59 || second > 59) return null;
  let offset = 0;
  if (m[8] !== 'Z') {
    const oh = Number(m[8]!.slice(1, 3));
    const om = Number(m[8]!.slice(4, 6));
    if (oh > 23 || om > 59) return null;
    offset = (m[8]![0] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, millis) - offset * 60_000;
}

const digits = (n: number) => fc.array(fc.constantFrom(...'0123456789'), { minLength: n, maxLength: n }).map((d) => d.join(''));
/** Canonical-looking instants, some of them invalid (day 31 of April, hour 24, 29 February of 2100, a stray character). */
const nearlyCanonical = fc
  .tuple(digits(4), fc.constantFrom('01', '02', '04', '09', '12', '13', '00'), fc.constantFrom('01', '28', '29', '30', '31', '32', '00'), digits(2), digits(2), digits(2), digits(3), fc.constantFrom('Z', 'z', 'X'), fc.constantFrom('-', '/'))
  .map(([y, mo, d, h, mi, s, ms, z, sep]) => `${y}${sep}${mo}-${d}T${h}:${mi}:${s}.${ms}${z}`);

describe('parsing instants', () => {
  it('property: the canonical fast path agrees with the strict pattern on every nearly-canonical string', () => {
    fc.assert(fc.property(nearlyCanonical, (value) => {
      expect(parseInstant(value)).toBe(referenceParse(value));
    }), { numRuns: 5000 });
  });

  it('property: every instant written canonically reads back as itself', () => {
    fc.assert(fc.property(fc.integer({ min: Date.UTC(1000, 0, 1), max: Date.UTC(9999, 11, 31) }), (ms) => {
      expect(parseInstant(formatInstant(ms))).toBe(ms);
    }), { numRuns: 2000 });
  });

  it('29 February only in leap years, as the Gregorian calendar has it', () => {
    expect([2024, 2026, 2100, 2000, 1900].map((year) => daysInMonth(year, 2))).toEqual([29, 28, 28, 29, 28]);
    expect(parseInstant('2100-02-29T00:00:00.000Z')).toBeNull();
    expect(parseInstant('2000-02-29T00:00:00.000Z')).toBe(Date.UTC(2000, 1, 29));
  });

  it('counts: up to 2^63 − 1, whatever their length', () => {
    expect(checkCount(MAX_COUNT.toString(), 'n', [])).toBe(MAX_COUNT);
    expect(checkCount((MAX_COUNT + 1n).toString(), 'n', [])).toBeNull();
    expect(checkCount('999999999999999999', 'n', [])).toBe(999_999_999_999_999_999n);
    expect(checkCount('0123', 'n', [])).toBeNull();
  });
});
