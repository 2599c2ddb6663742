import type { Kysely } from 'kysely';
import type { PlansTable, PlanVersionsTable, PricebookTables } from './pricebook-tables.ts';

export function findPlan(db: Kysely<PricebookTables>, planId: string): Promise<PlansTable | undefined> {
  return db.selectFrom('plans').selectAll().where('plan_id', '=', planId).executeTakeFirst();
}

/** A plan's versions, oldest first. */
export function listPlanVersions(db: Kysely<PricebookTables>, planId: string): Promise<PlanVersionsTable[]> {
  return db.selectFrom('plan_versions').selectAll().where('plan_id', '=', planId).orderBy('version', 'asc').execute();
}

/** By plan id, keyset-paginated; returns up to limit + 1 rows so the caller sees if more follow. */
export function listPlans(db: Kysely<PricebookTables>, query: { limit: number; afterPlanId: string | null }): Promise<PlansTable[]> {
  let select = db.selectFrom('plans').selectAll();
  if (query.afterPlanId !== null) select = select.where('plan_id', '>', query.afterPlanId);
  return select.orderBy('plan_id', 'asc').limit(query.limit + 1).execute();
}
