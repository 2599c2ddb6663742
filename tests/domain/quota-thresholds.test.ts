import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/domain/errors.ts';
import { describeQuotaThresholdEvent } from '../../src/presentation/audit/quota-threshold-audit.ts';
import {
  quotaThresholdDecider,
  quotaThresholdStep,
  thresholdOf,
  type CheckQuotaThresholds,
  type QuotaThresholdEvent,
  type QuotaThresholdReached,
  type QuotaThresholdsRearmed,
} from '../../src/domain/quota/quota-thresholds.ts';
import { deciderSpec } from '../support/decider-spec.ts';

const spec = deciderSpec(quotaThresholdDecider);

const ACCOUNT_ID = 'acc-1';
const AT = '2026-12-01T10:00:00.000Z';
// 100 GiB = 107,374,182,400 bytes; 80% of it = 85,899,345,920 bytes exactly.
const QUOTA = '107374182400';
const AT_80 = '85899345920';
const JUST_BELOW_80 = '85899345919';
const AT_100 = QUOTA;
const JUST_BELOW_100 = '107374182399';
const NINETY = '96636764160';
const HALF = '53687091200';

const check = (usedBytes: string, quotaBytes = QUOTA): CheckQuotaThresholds => ({
  type: 'CheckQuotaThresholds',
  data: { accountId: ACCOUNT_ID, usedBytes, quotaBytes, checkedAt: AT },
});
const reached = (thresholdPercent: 80 | 100, usedBytes: string, quotaBytes = QUOTA): QuotaThresholdReached => ({
  type: 'QuotaThresholdReached',
  data: { accountId: ACCOUNT_ID, thresholdPercent, usedBytes, quotaBytes, reachedAt: AT },
});
const rearmed = (fromPercent: 80 | 100, usedBytes: string): QuotaThresholdsRearmed => ({
  type: 'QuotaThresholdsRearmed',
  data: { accountId: ACCOUNT_ID, fromPercent, usedBytes, quotaBytes: QUOTA, rearmedAt: AT },
});

describe('quota thresholds: decider', () => {
  it('below 80% with nothing recorded: nothing', () => {
    spec.given().when(check('0')).thenNothing();
    spec.given().when(check(JUST_BELOW_80)).thenNothing();
  });

  it('exactly 80% is a crossing; one byte less is not', () => {
    spec.given().when(check(AT_80)).then(reached(80, AT_80));
  });

  it('80% already recorded: staying between 80% and 100% records nothing', () => {
    spec.given(reached(80, AT_80)).when(check(NINETY)).thenNothing();
    spec.given(reached(80, AT_80)).when(check(JUST_BELOW_100)).thenNothing();
  });

  it('from 80% to 100%: the 100% crossing', () => {
    spec.given(reached(80, AT_80)).when(check(AT_100)).then(reached(100, AT_100));
  });

  it('from below 80% straight past 100%: 100% only', () => {
    spec.given().when(check('200000000000')).then(reached(100, '200000000000'));
  });

  it('after 100%, falling to 90% records nothing and does not re-arm 100%', () => {
    spec.given(reached(80, AT_80), reached(100, AT_100)).when(check(NINETY)).thenNothing();
    spec.given(reached(100, AT_100)).when(check(AT_100)).thenNothing();
  });

  it('falling below 80% re-arms, and the next crossing is recorded again', () => {
    spec.given(reached(80, AT_80), reached(100, AT_100)).when(check(HALF)).then(rearmed(100, HALF));
    spec.given(reached(80, AT_80)).when(check(JUST_BELOW_80)).then(rearmed(80, JUST_BELOW_80));
    spec.given(reached(80, AT_80), rearmed(80, HALF)).when(check(NINETY)).then(reached(80, NINETY));
    spec.given(reached(80, AT_80), rearmed(80, HALF)).when(check(HALF)).thenNothing();
  });

  it('a raised quota counts: the same bytes under a bigger quota are below 80%', () => {
    const quota200 = '214748364800';
    spec.given(reached(80, AT_80)).when(check(AT_80, quota200)).then({
      type: 'QuotaThresholdsRearmed',
      data: { accountId: ACCOUNT_ID, fromPercent: 80, usedBytes: AT_80, quotaBytes: quota200, rearmedAt: AT },
    });
  });

  it('refuses byte counts that are not whole numbers, and a zero quota', () => {
    spec.given().when(check('-1')).thenThrows(ValidationError, 'validation_failed');
    spec.given().when(check('1.5')).thenThrows(ValidationError, 'validation_failed');
    spec.given().when(check('10', '0')).thenThrows(ValidationError, 'validation_failed');
  });

  it('thresholdOf works on exact integers beyond 2^53', () => {
    const quota = 2n ** 60n; // 1 EiB
    expect(thresholdOf((quota * 80n) / 100n - 1n, quota)).toBeNull();
    expect(thresholdOf((quota * 80n + 99n) / 100n, quota)).toBe(80);
    expect(thresholdOf(quota - 1n, quota)).toBe(80);
    expect(thresholdOf(quota, quota)).toBe(100);
  });

  it('the audit log reads GiB with two decimals', () => {
    expect(describeQuotaThresholdEvent('QuotaThresholdReached', reached(80, AT_80).data)).toEqual({
      accountId: ACCOUNT_ID,
      resourceType: 'quota',
      resourceId: ACCOUNT_ID,
      summary: 'Storage reached 80% of the quota (80.00 GiB of 100.00 GiB)',
    });
    expect(describeQuotaThresholdEvent('QuotaThresholdsRearmed', rearmed(100, HALF).data)!.summary).toBe(
      'Storage back below 80% of the quota (50.00 GiB of 100.00 GiB); warnings re-armed',
    );
    expect(describeQuotaThresholdEvent('QuotaIncreaseRequested', {})).toBeNull();
  });
});

describe('quota thresholds: property over sequences of readings', () => {
  /** Readings near the thresholds are where mistakes hide, so half of them are there. */
  const reading = (quota: bigint) =>
    fc.oneof(
      fc.bigInt({ min: 0n, max: (quota * 3n) / 2n }),
      fc.constantFrom(0n, (quota * 80n + 99n) / 100n, (quota * 80n + 99n) / 100n - 1n, quota - 1n, quota, quota + 1n),
    );
  const scenario = fc.bigInt({ min: 1n, max: 2n ** 50n }).chain((quota) => fc.tuple(fc.constant(quota), fc.array(reading(quota), { maxLength: 40 })));

  const run = (quota: bigint, readings: bigint[]) => {
    let state = quotaThresholdDecider.initialState();
    return readings.map((used) => {
      const events = quotaThresholdDecider.decide(
        { type: 'CheckQuotaThresholds', data: { accountId: ACCOUNT_ID, usedBytes: used.toString(), quotaBytes: quota.toString(), checkedAt: AT } },
        state,
      );
      state = events.reduce(quotaThresholdDecider.evolve, state);
      return events as QuotaThresholdEvent[];
    });
  };

  /** The level of a reading, worked out here with percentages of the quota as rationals. */
  const level = (used: bigint, quota: bigint): 0 | 80 | 100 => (used * 100n >= quota * 100n ? 100 : used * 100n >= quota * 80n ? 80 : 0);

  it('a warning is recorded exactly at each upward crossing of a level not yet warned since usage was last below 80%', () => {
    fc.assert(
      fc.property(scenario, ([quota, readings]) => {
        const outcomes = run(quota, readings);
        readings.forEach((used, i) => {
          // The readings since the last one below 80% (the window in which warnings are remembered).
          let start = i;
          while (start > 0 && level(readings[start - 1]!, quota) !== 0) start--;
          const highestBefore = Math.max(0, ...readings.slice(start, i).map((r) => level(r, quota)));
          const now = level(used, quota);
          const expected = now > highestBefore ? [now] : [];
          const recorded = outcomes[i]!.filter((e) => e.type === 'QuotaThresholdReached').map((e) => (e as QuotaThresholdReached).data.thresholdPercent);
          expect(recorded).toEqual(expected);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('never the same threshold twice without a reading below 80% in between; re-armed only below 80% after a warning', () => {
    fc.assert(
      fc.property(scenario, ([quota, readings]) => {
        const outcomes = run(quota, readings);
        const warnedSinceBelow = new Set<number>();
        readings.forEach((used, i) => {
          const events = outcomes[i]!;
          expect(events.length).toBeLessThanOrEqual(1);
          const below = level(used, quota) === 0;
          const rearm = events.some((e) => e.type === 'QuotaThresholdsRearmed');
          expect(rearm).toBe(below && warnedSinceBelow.size > 0);
          if (below) warnedSinceBelow.clear();
          for (const e of events) {
            if (e.type !== 'QuotaThresholdReached') continue;
            expect(warnedSinceBelow.has(e.data.thresholdPercent)).toBe(false);
            warnedSinceBelow.add(e.data.thresholdPercent);
          }
        });
      }),
      { numRuns: 300 },
    );
  });

  it('the pure step agrees with the decider on a single reading from every remembered level', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 2n ** 40n }), fc.constantFrom(null, 80 as const, 100 as const), fc.bigInt({ min: 0n, max: 2n ** 41n }), (quota, last, used) => {
        const step = quotaThresholdStep(last, used, quota);
        const history: QuotaThresholdEvent[] = last === null ? [] : [reached(last, '0', quota.toString())];
        const state = history.reduce(quotaThresholdDecider.evolve, quotaThresholdDecider.initialState());
        const events = quotaThresholdDecider.decide(check(used.toString(), quota.toString()), state);
        if (step === null) expect(events).toEqual([]);
        else if (step.kind === 'reached') expect(events).toEqual([reached(step.thresholdPercent, used.toString(), quota.toString())]);
        else expect(events.map((e) => e.type)).toEqual(['QuotaThresholdsRearmed']);
      }),
      { numRuns: 300 },
    );
  });
});
