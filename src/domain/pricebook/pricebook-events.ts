import type { DomainEvent } from '../decider.ts';
import type { PlanVersion } from '../rating/plan.ts';
import { eventUnion } from '../shared/event-union.ts';

/**
 * The price book: one stream per plan, `pricebook-<planId>`. A version takes effect at the
 * start of the billing period `effectiveFrom` (YYYY-MM), in each account's own time zone;
 * a period is rated on the latest version effective at its start.
 */
export type PlanVersionPublished = DomainEvent<
  'PlanVersionPublished',
  { planId: string; version: number; name: string; effectiveFrom: string; plan: PlanVersion; publishedAt: string }
>;

export type PricebookEvent = PlanVersionPublished;
export const pricebookEvents = eventUnion<PricebookEvent>({ PlanVersionPublished: true });

export const pricebookStream = (planId: string) => `pricebook-${planId}`;
