import type { PlanVersion } from '../rating/plan.ts';

/** What a version charges: the plan shape without its identity (planId and version come from the stream). */
export type PlanTerms = Omit<PlanVersion, 'planId' | 'version'>;

/** Operators only: the first version of a new plan; creates the stream `pricebook-<planId>`. */
export type PublishPlan = {
  type: 'PublishPlan';
  data: { planId: string; name: string; effectiveFrom: string; terms: PlanTerms; publishedAt: string };
};

/**
 * Operators only: the next version of an existing plan, in force from the start of the period
 * `effectiveFrom` (after the previous version's, and not yet begun in any zone: see
 * `earliestEffectiveFrom`). `name` defaults to the previous version's,
 * `terms.currency` to the plan's, and if given must be the plan's (a plan never changes currency).
 */
export type PublishPlanVersion = {
  type: 'PublishPlanVersion';
  data: { planId: string; name?: string; effectiveFrom: string; terms: Omit<PlanTerms, 'currency'> & { currency?: PlanTerms['currency'] }; publishedAt: string };
};

export type PricebookCommand = PublishPlan | PublishPlanVersion;
