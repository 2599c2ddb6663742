import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/domain/errors.ts';
import { formatInstant, nextPeriod, periodBounds, periodOf, previousPeriod } from '../../../src/domain/rating/index.ts';

describe('billing periods: calendar months in the account zone, real seconds', () => {
  it('2026-06 in São Paulo (UTC-3, no DST): 30 days', () => {
    expect(periodBounds('2026-06', 'America/Sao_Paulo')).toMatchObject({ start: '2026-06-01T03:00:00.000Z', end: '2026-07-01T03:00:00.000Z', seconds: 2_592_000n });
  });

  it('2026-03 in New York loses an hour on 8 March: 30 days 23 hours', () => {
    // 31 × 86,400 − 3,600 = 2,674,800
    expect(periodBounds('2026-03', 'America/New_York')).toMatchObject({ start: '2026-03-01T05:00:00.000Z', end: '2026-04-01T04:00:00.000Z', seconds: 2_674_800n });
  });

  it('2026-11 in New York gains an hour on 1 November: 30 days 1 hour', () => {
    expect(periodBounds('2026-11', 'America/New_York').seconds).toBe(30n * 86_400n + 3_600n);
  });

  it('a month whose local midnight is skipped by DST starts at the transition', () => {
    // Asunción moved clocks from 00:00 to 01:00 on 2023-10-01: the day began at 01:00 -03:00.
    const october = periodBounds('2023-10', 'America/Asuncion');
    expect(october.start).toBe('2023-10-01T04:00:00.000Z');
    expect(periodBounds('2023-09', 'America/Asuncion').end).toBe(october.start);
    expect(periodOf('2023-10-01T03:59:59.999Z', 'America/Asuncion')).toBe('2023-09');
    expect(periodOf('2023-10-01T04:00:00Z', 'America/Asuncion')).toBe('2023-10');
  });

  it('periodOf reads the local calendar, whatever offset the instant is written with', () => {
    expect(periodOf('2026-07-01T02:59:59.999Z', 'America/Sao_Paulo')).toBe('2026-06');
    expect(periodOf('2026-07-01T00:00:00-03:00', 'America/Sao_Paulo')).toBe('2026-07');
    expect(periodOf('2026-06-30T23:30:00-03:00', 'UTC')).toBe('2026-07');
  });

  it('next and previous periods cross years', () => {
    expect(nextPeriod('2026-12')).toBe('2027-01');
    expect(previousPeriod('2026-01')).toBe('2025-12');
    expect(nextPeriod('2026-06')).toBe('2026-07');
  });

  it('rejects bad input with the field path', () => {
    const issues = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(ValidationError);
        return (e as ValidationError).issues.map((i) => i.path);
      }
      throw new Error('did not throw');
    };
    expect(issues(() => periodBounds('2026-13', 'America/Sao_Paulo'))).toEqual(['period']);
    expect(issues(() => periodBounds('2026-6', 'Mars/Olympus'))).toEqual(['period', 'timeZone']);
    expect(issues(() => periodOf('2026-06-01T00:00:00', 'UTC'))).toEqual(['instant']); // no offset: ambiguous
    expect(issues(() => periodOf('2026-02-30T00:00:00Z', 'UTC'))).toEqual(['instant']);
    expect(issues(() => nextPeriod('9999-12'))).toEqual(['period']);
  });
});

const ZONES = ['America/Sao_Paulo', 'America/New_York', 'Europe/Berlin', 'Australia/Lord_Howe', 'Asia/Kolkata', 'America/Asuncion', 'Pacific/Chatham', 'UTC'];

describe('property: every instant belongs to exactly one period', () => {
  it('periodOf agrees with periodBounds, and consecutive periods meet', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) }), fc.constantFrom(...ZONES), (ms, zone) => {
        const period = periodOf(formatInstant(ms), zone);
        const bounds = periodBounds(period, zone);
        expect(bounds.startMs <= ms && ms < bounds.endMs).toBe(true);
        expect(periodBounds(nextPeriod(period), zone).startMs).toBe(bounds.endMs);
        expect(periodBounds(previousPeriod(period), zone).endMs).toBe(bounds.startMs);
        expect(BigInt(bounds.endMs - bounds.startMs)).toBe(bounds.seconds * 1000n);
      }),
      { numRuns: 300 },
    );
  });
});
