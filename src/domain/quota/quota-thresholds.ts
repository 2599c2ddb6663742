import { assertNever, type Decider, type DomainEvent } from '../decider.ts';
import { ValidationError, type FieldIssue } from '../errors.ts';
import { eventUnion } from '../shared/event-union.ts';

/**
 * Warnings as an account's stored bytes near its quota: at 80% and at 100%. Each crossing is
 * recorded once; only falling back below 80% re-arms them (a reading hovering around a
 * threshold must not warn on every check). Its own stream, beside the quota's: the quota
 * decider knows nothing of usage.
 */
export const QUOTA_THRESHOLDS = [80, 100] as const;
export type QuotaThresholdPercent = (typeof QUOTA_THRESHOLDS)[number];

/** Stored bytes reached `thresholdPercent` of the quota for the first time since they were last below 80%. */
export type QuotaThresholdReached = DomainEvent<
  'QuotaThresholdReached',
  { accountId: string; thresholdPercent: QuotaThresholdPercent; usedBytes: string; quotaBytes: string; reachedAt: string }
>;
/** Stored bytes fell below 80% again after a warning: the next crossing warns anew. */
export type QuotaThresholdsRearmed = DomainEvent<
  'QuotaThresholdsRearmed',
  { accountId: string; fromPercent: QuotaThresholdPercent; usedBytes: string; quotaBytes: string; rearmedAt: string }
>;
export type QuotaThresholdEvent = QuotaThresholdReached | QuotaThresholdsRearmed;
export const quotaThresholdEvents = eventUnion<QuotaThresholdEvent>({ QuotaThresholdReached: true, QuotaThresholdsRearmed: true });
export const QUOTA_THRESHOLD_EVENT_TYPES = quotaThresholdEvents.types;

export const quotaThresholdStream = (accountId: string) => `quotathresholds-${accountId}`;

/** The highest threshold `usedBytes` is at or above, or null below 80%. Exact: integers only. */
export function thresholdOf(usedBytes: bigint, quotaBytes: bigint): QuotaThresholdPercent | null {
  let reached: QuotaThresholdPercent | null = null;
  for (const percent of QUOTA_THRESHOLDS) if (usedBytes * 100n >= quotaBytes * BigInt(percent)) reached = percent;
  return reached;
}

export type QuotaThresholdStep = { kind: 'reached'; thresholdPercent: QuotaThresholdPercent } | { kind: 'rearmed'; fromPercent: QuotaThresholdPercent } | null;

/**
 * What a new reading means, given the last threshold recorded since usage was last below 80%
 * (null: none, armed). Jumping from below 80% straight past 100% records 100% only: one
 * warning that says the most.
 */
export function quotaThresholdStep(lastRecorded: QuotaThresholdPercent | null, usedBytes: bigint, quotaBytes: bigint): QuotaThresholdStep {
  const level = thresholdOf(usedBytes, quotaBytes);
  if (level === null) return lastRecorded === null ? null : { kind: 'rearmed', fromPercent: lastRecorded };
  if (lastRecorded === null || level > lastRecorded) return { kind: 'reached', thresholdPercent: level };
  return null;
}

export type CheckQuotaThresholds = {
  type: 'CheckQuotaThresholds';
  /** byte counts as decimal integer strings */
  data: { accountId: string; usedBytes: string; quotaBytes: string; checkedAt: string };
};

export interface QuotaThresholdState {
  /** the last threshold recorded since usage was last below 80%; null: armed */
  lastRecorded: QuotaThresholdPercent | null;
}

const INTEGER = /^(0|[1-9][0-9]*)$/;

function parseBytes(value: string, path: string, issues: FieldIssue[], positive: boolean): bigint | null {
  if (typeof value !== 'string' || !INTEGER.test(value) || (positive && value === '0')) {
    issues.push({ path, message: positive ? 'must be a whole number of bytes above 0' : 'must be a whole number of bytes, 0 or more' });
    return null;
  }
  return BigInt(value);
}

export const quotaThresholdDecider: Decider<CheckQuotaThresholds, QuotaThresholdEvent, QuotaThresholdState> = {
  initialState: () => ({ lastRecorded: null }),

  decide({ data }, state) {
    const issues: FieldIssue[] = [];
    const used = parseBytes(data.usedBytes, 'usedBytes', issues, false);
    const quota = parseBytes(data.quotaBytes, 'quotaBytes', issues, true);
    if (issues.length > 0 || used === null || quota === null) throw new ValidationError(issues);
    const step = quotaThresholdStep(state.lastRecorded, used, quota);
    const { accountId, usedBytes, quotaBytes, checkedAt } = data;
    if (step === null) return [];
    if (step.kind === 'reached') return [{ type: 'QuotaThresholdReached', data: { accountId, thresholdPercent: step.thresholdPercent, usedBytes, quotaBytes, reachedAt: checkedAt } }];
    return [{ type: 'QuotaThresholdsRearmed', data: { accountId, fromPercent: step.fromPercent, usedBytes, quotaBytes, rearmedAt: checkedAt } }];
  },

  evolve(_state, event) {
    switch (event.type) {
      case 'QuotaThresholdReached':
        return { lastRecorded: event.data.thresholdPercent };
      case 'QuotaThresholdsRearmed':
        return { lastRecorded: null };
      default:
        return assertNever(event);
    }
  },
};
