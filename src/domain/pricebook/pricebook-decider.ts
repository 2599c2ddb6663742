import { assertNever, type Decider } from '../decider.ts';
import { ConflictError, IllegalStateError, NotFoundError, ValidationError, type FieldIssue } from '../errors.ts';
import { checkPeriod, nextPeriod, periodOf } from '../rating/billing-period.ts';
import type { Currency } from '../rating/money.ts';
import { planVersionIssues, type PlanVersion } from '../rating/plan.ts';
import { fitsText, type TextRule } from '../shared/field-rule.ts';
import type { PlanTerms, PricebookCommand, PublishPlan, PublishPlanVersion } from './pricebook-commands.ts';
import type { PlanVersionPublished, PricebookEvent } from './pricebook-events.ts';

/**
 * A plan is a list of versions, each in force from the start of a billing period. Versions
 * only move forward: version n + 1 takes effect at a period after version n's, and a plan's
 * currency never changes (an account's currency must match its plan's, so a currency change
 * would strand every subscriber). A version is never edited: publish the next one.
 */
export type PublishedVersion = PlanVersionPublished['data'];

export type PricebookState =
  | { status: 'none' }
  | { status: 'published'; planId: string; currency: Currency; versions: PublishedVersion[] };

export type PublishedPlan = Exclude<PricebookState, { status: 'none' }>;

/** Slug-like, as it names the stream and appears in URLs: 3 to 64 lowercase letters, digits, hyphens. */
const PLAN_ID = /^[a-z0-9](?:[a-z0-9-]{1,62}[a-z0-9])$/;
export const PLAN_ID_RULE: TextRule = { minLength: 3, maxLength: 64, pattern: PLAN_ID };
/** Surrounding spaces are not counted. */
export const PLAN_NAME: TextRule = { minLength: 1, maxLength: 200 };

export function checkPlanId(planId: unknown, path: string, issues: FieldIssue[]): void {
  if (typeof planId !== 'string' || !fitsText(planId, PLAN_ID_RULE) || planId.includes('--')) {
    issues.push({ path, message: '3 to 64 lowercase letters, digits or hyphens, starting and ending with a letter or digit, no "--"' });
  }
}

export function checkPlanName(name: unknown, path: string, issues: FieldIssue[]): void {
  if (typeof name !== 'string' || !fitsText(name.trim(), PLAN_NAME)) issues.push({ path, message: 'must be 1 to 200 characters' });
}

/** The zone where a period begins first: UTC+14. No account's zone is ahead of it. */
export const EARLIEST_TIME_ZONE = 'Pacific/Kiritimati';

/**
 * The first period that has not begun anywhere on Earth at `instant`: the earliest a new
 * version may take effect. A period already under way in some zone may have usage, estimates
 * or (in a zone ahead) an invoice priced on the version in force; repricing it would change them.
 */
export function earliestEffectiveFrom(instant: string): string {
  return nextPeriod(periodOf(instant, EARLIEST_TIME_ZONE));
}

/** `checkPeriod` as a field rule (YYYY-MM). */
export function checkEffectiveFrom(effectiveFrom: unknown, path: string, issues: FieldIssue[]): void {
  checkPeriod(effectiveFrom, path, issues);
}

/** The version as the rating engine takes it. */
export function planVersionOf(planId: string, version: number, terms: PlanTerms): PlanVersion {
  const { currency, monthlyFee, monthlyMinimum, taxRate, meters } = terms;
  return { planId, version, currency, monthlyFee, monthlyMinimum, taxRate, meters };
}

/** Every stateless issue of a publication, with bare paths (`name`, `effectiveFrom`, `plan.meters.egress_gib.unitPrice`). */
function publicationIssues(data: { planId: string; name?: string; effectiveFrom: string; terms: PlanTerms }): FieldIssue[] {
  const issues: FieldIssue[] = [];
  checkPlanId(data.planId, 'planId', issues);
  if (data.name !== undefined) checkPlanName(data.name, 'name', issues);
  checkEffectiveFrom(data.effectiveFrom, 'effectiveFrom', issues);
  // The identity is ours, not the caller's: only the terms are checked here.
  issues.push(...planVersionIssues({ ...(data.terms as object), planId: 'plan', version: 1 }, 'plan', 'published'));
  return issues;
}

/** Equal terms whatever the key order, so that a retried publication records nothing. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const sameVersion = (published: PublishedVersion, name: string, effectiveFrom: string, plan: PlanVersion) =>
  published.name === name && published.effectiveFrom === effectiveFrom && canonical(published.plan) === canonical(plan);

function publishPlan({ data }: PublishPlan, state: PricebookState): PricebookEvent[] {
  const issues = publicationIssues(data);
  if (issues.length > 0) throw new ValidationError(issues);
  const name = data.name.trim();
  const plan = planVersionOf(data.planId, 1, data.terms);
  if (state.status !== 'none') {
    // The same publication again (a retried command) changes nothing; anything else is a clash of ids.
    const first = state.versions[0]!;
    if (state.versions.length === 1 && sameVersion(first, name, data.effectiveFrom, plan)) return [];
    throw new ConflictError('plan_exists', `plan ${data.planId} already exists; publish a new version of it instead`);
  }
  return [{ type: 'PlanVersionPublished', data: { planId: data.planId, version: 1, name, effectiveFrom: data.effectiveFrom, plan, publishedAt: data.publishedAt } }];
}

function publishVersion({ data: given }: PublishPlanVersion, state: PricebookState): PricebookEvent[] {
  if (state.status === 'none') throw new NotFoundError('plan_not_found', `plan ${given.planId} does not exist`);
  const data = { ...given, terms: { ...given.terms, currency: given.terms.currency ?? state.currency } };
  const issues = publicationIssues(data);
  if (issues.length > 0) throw new ValidationError(issues);
  const latest = state.versions[state.versions.length - 1]!;
  const name = data.name === undefined ? latest.name : data.name.trim();
  // A retry of the publication that made the latest version changes nothing.
  if (sameVersion(latest, name, data.effectiveFrom, planVersionOf(data.planId, latest.version, data.terms))) return [];
  if (data.terms.currency !== state.currency) {
    throw new IllegalStateError('plan_currency_fixed', `plan ${data.planId} is priced in ${state.currency}; a plan's currency never changes (publish a new plan instead)`);
  }
  const earliest = earliestEffectiveFrom(data.publishedAt);
  const earliestAllowed = earliest > nextPeriod(latest.effectiveFrom) ? earliest : nextPeriod(latest.effectiveFrom);
  if (data.effectiveFrom <= latest.effectiveFrom) {
    throw new IllegalStateError(
      'effective_from_not_after_previous',
      `version ${latest.version} of plan ${data.planId} takes effect in ${latest.effectiveFrom}; a new version must take effect in a later period (${earliestAllowed} at the earliest)`,
    );
  }
  if (data.effectiveFrom < earliest) {
    throw new ValidationError(
      [
        {
          path: 'effectiveFrom',
          message: `must be ${earliestAllowed} or later: ${data.effectiveFrom} has already begun in some time zone (UTC+14 is in ${periodOf(data.publishedAt, EARLIEST_TIME_ZONE)}), and a version takes effect only from a period that has not begun anywhere`,
        },
      ],
      'effective_from_started',
    );
  }
  const version = latest.version + 1;
  return [
    {
      type: 'PlanVersionPublished',
      data: { planId: data.planId, version, name, effectiveFrom: data.effectiveFrom, plan: planVersionOf(data.planId, version, data.terms), publishedAt: data.publishedAt },
    },
  ];
}

/** The version of a plan a period is rated on: the latest whose `effectiveFrom` is at or before it; null when none is yet. */
export function versionInForce(versions: readonly Pick<PublishedVersion, 'version' | 'effectiveFrom'>[], period: string) {
  let found: (typeof versions)[number] | null = null;
  for (const v of versions) if (v.effectiveFrom <= period && (found === null || v.version > found.version)) found = v;
  return found;
}

export const pricebookDecider: Decider<PricebookCommand, PricebookEvent, PricebookState> = {
  initialState: () => ({ status: 'none' }),

  decide(command, state) {
    switch (command.type) {
      case 'PublishPlan':
        return publishPlan(command, state);
      case 'PublishPlanVersion':
        return publishVersion(command, state);
      default:
        return assertNever(command);
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'PlanVersionPublished':
        if (state.status === 'none') return { status: 'published', planId: event.data.planId, currency: event.data.plan.currency, versions: [event.data] };
        return { ...state, versions: [...state.versions, event.data] };
      default:
        return assertNever(event.type as never);
    }
  },
};
