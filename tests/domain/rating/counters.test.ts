import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/domain/errors.ts';
import { counterWindow, formatInstant, type CounterReading } from '../../../src/domain/rating/index.ts';

const reading = (at: string, sent: bigint, received = 0n, a = 0n, b = 0n): CounterReading => ({ at, sentBytes: sent.toString(), receivedBytes: received.toString(), requestsA: a.toString(), requestsB: b.toString() });

describe('counter readings to traffic windows', () => {
  it('the first reading is a baseline and records nothing', () => {
    expect(counterWindow(null, reading('2026-06-01T00:00:00Z', 5_000n))).toBeNull();
  });

  it('usage is the increase over the window [t1, t2)', () => {
    expect(counterWindow(reading('2026-06-01T00:00:00Z', 5_000n, 10n, 3n, 4n), reading('2026-06-01T01:00:00Z', 7_500n, 10n, 13n, 4n))).toEqual({
      windowStart: '2026-06-01T00:00:00.000Z',
      windowEnd: '2026-06-01T01:00:00.000Z',
      egressBytes: '2500',
      ingressBytes: '0',
      requestsA: '10',
      requestsB: '0',
      restarted: false,
    });
  });

  it('a lower reading is a restart: every counter counts its new value', () => {
    // sent went down, so the server restarted; received climbed past its old value since
    const window = counterWindow(reading('2026-06-01T00:00:00Z', 5_000n, 100n), reading('2026-06-01T01:00:00Z', 1_200n, 150n));
    expect(window).toMatchObject({ egressBytes: '1200', ingressBytes: '150', restarted: true });
  });

  it('rejects a reading that is not later than the previous one', () => {
    expect(() => counterWindow(reading('2026-06-01T01:00:00Z', 1n), reading('2026-06-01T01:00:00Z', 2n))).toThrow(ValidationError);
  });

  it('property: with random restarts, never negative, never doubled; the sum equals the increases counted independently', () => {
    const step = fc.record({ restart: fc.boolean(), grow: fc.array(fc.bigInt({ min: 0n, max: 10n ** 15n }), { minLength: 4, maxLength: 4 }) });
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: 0n, max: 10n ** 15n }), { minLength: 4, maxLength: 4 }), fc.array(step, { minLength: 1, maxLength: 40 }), (start, steps) => {
        let counters = [...start];
        let previous: CounterReading | null = null;
        const seen = [0n, 0n, 0n, 0n];
        const truth = [0n, 0n, 0n, 0n];
        let t = Date.UTC(2026, 5, 1);
        const take = () => {
          const r = reading(formatInstant(t), counters[0]!, counters[1]!, counters[2]!, counters[3]!);
          t += 300_000;
          const window = counterWindow(previous, r);
          previous = r;
          return window;
        };
        expect(take()).toBeNull(); // baseline
        for (const s of steps) {
          // a restart zeroes the counters, then they count this step's growth
          const before = [...counters];
          counters = s.restart ? [...s.grow] : counters.map((c, i) => c + s.grow[i]!);
          const detectable = s.restart && counters.some((c, i) => c < before[i]!);
          const window = take()!;
          const got = [window.egressBytes, window.ingressBytes, window.requestsA, window.requestsB].map(BigInt);
          got.forEach((g, i) => {
            expect(g >= 0n).toBe(true);
            expect(g <= s.grow[i]!).toBe(true); // never more than happened (never doubled)
            seen[i]! += g;
            if (!s.restart || detectable) truth[i]! += s.grow[i]!;
            else truth[i]! += counters[i]! - before[i]!; // an invisible restart reads as a plain increase
          });
          expect(window.restarted).toBe(detectable);
        }
        expect(seen).toEqual(truth);
      }),
      { numRuns: 300 },
    );
  });
});
