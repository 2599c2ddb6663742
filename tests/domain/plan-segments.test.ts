import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IllegalStateError, ValidationError } from '../../src/domain/errors.ts';
import { periodBounds } from '../../src/domain/rating/billing-period.ts';
import { rateInvoice } from '../../src/domain/rating/rate-invoice.ts';
import type { PlanVersion } from '../../src/domain/rating/plan.ts';
import { planSegments, type PlanSegmentsInput } from '../../src/domain/subscription/plan-segments.ts';

const ZONE = 'America/Sao_Paulo';

const plan = (planId: string, version: number, overrides: Partial<PlanVersion> = {}): PlanVersion => ({
  planId,
  version,
  currency: 'BRL',
  monthlyFee: '0',
  monthlyMinimum: '0',
  taxRate: '0.05',
  meters: { storage_gib_month: { model: 'per_unit', unitPrice: '0.15' } },
  ...overrides,
});
const version = (planId: string, v: number, effectiveFrom: string, overrides: Partial<PlanVersion> = {}) => ({ version: v, effectiveFrom, plan: plan(planId, v, overrides) });

const VERSIONS: PlanSegmentsInput['planVersionsByPlan'] = {
  basic: [version('basic', 1, '2026-01'), version('basic', 2, '2026-07', { monthlyFee: '9.90' })],
  pro: [version('pro', 1, '2026-03', { monthlyMinimum: '50.00' })],
};

const segments = (subscriptionChanges: PlanSegmentsInput['subscriptionChanges'], period = '2026-06', planVersionsByPlan = VERSIONS) =>
  planSegments({ period, timeZone: ZONE, subscriptionChanges, planVersionsByPlan });

describe('planSegments: worked examples', () => {
  it('a change on 2026-06-16T00:00-03:00 splits 2026-06 into [06-01, 06-16) and [06-16, 07-01)', () => {
    const result = segments([
      { planId: 'basic', effectiveAt: '2026-01-10T12:00:00.000Z' },
      { planId: 'pro', effectiveAt: '2026-06-16T00:00:00-03:00' },
    ]);
    expect(result).toEqual([
      { from: '2026-06-01T03:00:00.000Z', to: '2026-06-16T03:00:00.000Z', plan: plan('basic', 1) },
      { from: '2026-06-16T03:00:00.000Z', to: '2026-07-01T03:00:00.000Z', plan: VERSIONS.pro![0]!.plan },
    ]);
  });

  it('a version published with effectiveFrom 2026-07 does not affect 2026-06, and rates 2026-07', () => {
    const changes = [{ planId: 'basic', effectiveAt: '2026-02-01T03:00:00.000Z' }];
    expect(segments(changes, '2026-06')).toEqual([{ from: '2026-06-01T03:00:00.000Z', to: '2026-07-01T03:00:00.000Z', plan: plan('basic', 1) }]);
    expect(segments(changes, '2026-07')).toEqual([
      { from: '2026-07-01T03:00:00.000Z', to: '2026-08-01T03:00:00.000Z', plan: plan('basic', 2, { monthlyFee: '9.90' }) },
    ]);
  });

  it('the bounds are the account zone’s: a change at 2026-06-01T01:00Z is still May in São Paulo', () => {
    const result = segments([
      { planId: 'basic', effectiveAt: '2026-05-01T03:00:00.000Z' },
      { planId: 'pro', effectiveAt: '2026-06-01T01:00:00.000Z' },
    ]);
    expect(result).toEqual([{ from: '2026-06-01T03:00:00.000Z', to: '2026-07-01T03:00:00.000Z', plan: VERSIONS.pro![0]!.plan }]);
  });

  it('changes after the period do not touch it; several changes at one instant: the last recorded wins', () => {
    expect(
      segments([
        { planId: 'basic', effectiveAt: '2026-05-01T03:00:00.000Z' },
        { planId: 'pro', effectiveAt: '2026-06-10T12:00:00.000Z' },
        { planId: 'basic', effectiveAt: '2026-06-10T12:00:00.000Z' },
        { planId: 'pro', effectiveAt: '2026-07-01T03:00:00.000Z' },
      ]),
    ).toEqual([{ from: '2026-06-01T03:00:00.000Z', to: '2026-07-01T03:00:00.000Z', plan: plan('basic', 1) }]);
  });

  it('a change back and forth gives three segments', () => {
    const result = segments([
      { planId: 'basic', effectiveAt: '2026-05-01T03:00:00.000Z' },
      { planId: 'pro', effectiveAt: '2026-06-10T12:00:00.000Z' },
      { planId: 'basic', effectiveAt: '2026-06-20T12:00:00.000Z' },
    ]);
    expect(result.map((s) => [s.from, s.to, s.plan.planId])).toEqual([
      ['2026-06-01T03:00:00.000Z', '2026-06-10T12:00:00.000Z', 'basic'],
      ['2026-06-10T12:00:00.000Z', '2026-06-20T12:00:00.000Z', 'pro'],
      ['2026-06-20T12:00:00.000Z', '2026-07-01T03:00:00.000Z', 'basic'],
    ]);
  });

  it('before the first subscription there is no segment: a first subscription mid-period covers from its instant; none, nothing', () => {
    expect(segments([{ planId: 'pro', effectiveAt: '2026-06-10T12:00:00.000Z' }])).toEqual([
      { from: '2026-06-10T12:00:00.000Z', to: '2026-07-01T03:00:00.000Z', plan: VERSIONS.pro![0]!.plan },
    ]);
    expect(segments([])).toEqual([]);
    expect(segments([{ planId: 'pro', effectiveAt: '2026-07-01T03:00:00.000Z' }])).toEqual([]);
  });

  it('a plan without a version in force for the period is an error, not a silent zero', () => {
    expect(() => segments([{ planId: 'pro', effectiveAt: '2026-01-01T03:00:00.000Z' }], '2026-02')).toThrow(IllegalStateError);
    expect(() => segments([{ planId: 'ghost', effectiveAt: '2026-01-01T03:00:00.000Z' }])).toThrow(/ghost has no version in force for 2026-06/);
    expect(() => segments([{ planId: 'basic', effectiveAt: 'yesterday' }])).toThrow(ValidationError);
  });

  it('what it gives is what the rating engine takes: the worked example rated on two equal plans', () => {
    const same = { monthlyMinimum: '10.00' };
    const byPlan = { a: [version('a', 1, '2026-01', same)], b: [version('b', 1, '2026-01', same)] };
    const split = segments(
      [
        { planId: 'a', effectiveAt: '2026-05-01T03:00:00.000Z' },
        { planId: 'b', effectiveAt: '2026-06-16T00:00:00-03:00' },
      ],
      '2026-06',
      byPlan,
    );
    const input = {
      period: '2026-06',
      timeZone: ZONE,
      currency: 'BRL' as const,
      usage: { storage: [{ bucket: 'b1', bytes: String(100n * 2n ** 30n), at: '2026-06-01T00:00:00-03:00' }], traffic: [], deletions: [] },
      carriedInStorage: {},
      creditAvailable: '0',
    };
    const rated = rateInvoice({ ...input, segments: split });
    const whole = rateInvoice({ ...input, segments: [{ from: split[0]!.from, to: split[1]!.to, plan: split[0]!.plan }] });
    expect(rated.total).toBe('15.75');
    expect(whole.total).toBe('15.75');
  });
});

// ---- properties -------------------------------------------------------------------------

const PERIODS = ['2026-02', '2026-03', '2026-06', '2026-10', '2026-11', '2026-12'];
const ZONES = ['America/Sao_Paulo', 'America/New_York', 'Europe/London', 'UTC', 'Pacific/Chatham', 'Asia/Kolkata'];

/** Changes around a period: some before, most inside, some after, in recorded (non-decreasing) order. */
const scenario = fc
  .record({
    period: fc.constantFrom(...PERIODS),
    timeZone: fc.constantFrom(...ZONES),
    subscribedBefore: fc.boolean(),
    offsets: fc.array(fc.tuple(fc.double({ min: -0.2, max: 1.2, noNaN: true }), fc.constantFrom('basic', 'pro', 'max')), { maxLength: 8 }),
  })
  .map(({ period, timeZone, subscribedBefore, offsets }) => {
    const bounds = periodBounds(period, timeZone);
    const length = bounds.endMs - bounds.startMs;
    const inside = offsets
      .map(([f, planId]) => ({ planId, ms: bounds.startMs + Math.floor(f * length) }))
      .sort((a, b) => a.ms - b.ms);
    // sorted as a whole: an offset below zero can fall before the day-early subscription
    const changes = [...(subscribedBefore ? [{ planId: 'basic', ms: bounds.startMs - 86_400_000 }] : []), ...inside].sort((a, b) => a.ms - b.ms);
    return { period, timeZone, bounds, changes: changes.map((c) => ({ planId: c.planId, effectiveAt: new Date(c.ms).toISOString() })) };
  });

const ALL_VERSIONS: PlanSegmentsInput['planVersionsByPlan'] = {
  basic: [version('basic', 1, '2025-01'), version('basic', 2, '2026-07')],
  pro: [version('pro', 1, '2025-01')],
  max: [version('max', 1, '2025-01'), version('max', 2, '2026-11')],
};

describe('planSegments: properties', () => {
  it('segments are contiguous, in order, non-empty, and cover the period exactly once subscribed before it', () => {
    fc.assert(
      fc.property(scenario, ({ period, timeZone, bounds, changes }) => {
        const result = planSegments({ period, timeZone, subscriptionChanges: changes, planVersionsByPlan: ALL_VERSIONS });
        const firstInForce = changes.find((c) => Date.parse(c.effectiveAt) < bounds.endMs);
        if (!firstInForce) {
          expect(result).toEqual([]);
          return;
        }
        const coveredFrom = Math.max(bounds.startMs, Date.parse(firstInForce.effectiveAt));
        expect(Date.parse(result[0]!.from)).toBe(coveredFrom);
        expect(Date.parse(result[result.length - 1]!.to)).toBe(bounds.endMs);
        let seconds = 0n;
        result.forEach((s, i) => {
          const from = Date.parse(s.from);
          const to = Date.parse(s.to);
          expect(to).toBeGreaterThan(from);
          if (i > 0) {
            expect(s.from).toBe(result[i - 1]!.to);
            // neighbours on one plan are one segment
            expect(s.plan.planId).not.toBe(result[i - 1]!.plan.planId);
          }
          seconds += BigInt(to - from);
        });
        expect(seconds).toBe(BigInt(bounds.endMs - coveredFrom));
        if (changes[0] && Date.parse(changes[0].effectiveAt) <= bounds.startMs) {
          expect(seconds / 1000n).toBe(bounds.seconds);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('every instant of a segment is on the plan the latest change at or before it names, at the version in force for the period', () => {
    fc.assert(
      fc.property(scenario, fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), ({ period, timeZone, bounds, changes }, f) => {
        const result = planSegments({ period, timeZone, subscriptionChanges: changes, planVersionsByPlan: ALL_VERSIONS });
        const at = bounds.startMs + Math.floor(f * (bounds.endMs - bounds.startMs));
        // the latest change at or before the instant, by time (of equal instants, the last recorded)
        const inForce = changes
          .map((c, i) => ({ ...c, ms: Date.parse(c.effectiveAt), i }))
          .filter((c) => c.ms <= at)
          .sort((a, b) => a.ms - b.ms || a.i - b.i)
          .pop();
        const segment = result.find((s) => Date.parse(s.from) <= at && at < Date.parse(s.to));
        if (!inForce) {
          expect(segment).toBeUndefined();
          return;
        }
        expect(segment?.plan.planId).toBe(inForce.planId);
        const expected = ALL_VERSIONS[inForce.planId]!.filter((v) => v.effectiveFrom <= period).pop()!;
        expect(segment?.plan.version).toBe(expected.version);
      }),
      { numRuns: 300 },
    );
  });
});
