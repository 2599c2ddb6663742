import type { PricebookCommands, PricebookResult } from '../../commands/pricebook-commands.ts';
import type { PlanTerms } from '../../domain/pricebook/pricebook-commands.ts';
import type { PublishedPlan, PublishedVersion } from '../../domain/pricebook/pricebook-decider.ts';
import { NotFoundError } from '../../domain/errors.ts';
import type { Currency } from '../../domain/rating/money.ts';
import type { PlanVersion } from '../../domain/rating/plan.ts';
import type { findPlan, listPlans, listPlanVersions } from '../../projections/pricebook/pricebook-queries.ts';
import type { PlansTable, PlanVersionsTable } from '../../projections/pricebook/pricebook-tables.ts';
import { decodeCursor, pageFrom, pageOf } from '../pagination.ts';
import type { Query, RouteRegistry } from '../route.ts';
import {
  ListPlansQuery,
  PlanIdParams,
  PlanSummaryView,
  PlanView,
  PublishPlanBody,
  PublishPlanVersionBody,
  type PlanVersionView,
} from '../schemas/pricebook-schemas.ts';
import { iso } from './iso.ts';

const tags = ['price book'];

const termsOf = ({ currency, monthlyFee, monthlyMinimum, taxRate, meters }: PlanVersion) => ({ currency, monthlyFee, monthlyMinimum, taxRate, meters });

function versionView(v: PublishedVersion): PlanVersionView {
  return { version: v.version, name: v.name, effectiveFrom: v.effectiveFrom, publishedAt: iso(v.publishedAt), terms: termsOf(v.plan) };
}

/** After a command: the plan as its stream now has it. */
function planViewFromState(plan: PublishedPlan): PlanView {
  const first = plan.versions[0]!;
  const latest = plan.versions[plan.versions.length - 1]!;
  return {
    planId: plan.planId,
    name: latest.name,
    currency: plan.currency,
    latestVersion: latest.version,
    latestEffectiveFrom: latest.effectiveFrom,
    createdAt: iso(first.publishedAt),
    updatedAt: iso(latest.publishedAt),
    versions: plan.versions.map(versionView),
  };
}

function summaryFromRow(row: PlansTable): PlanSummaryView {
  return {
    planId: row.plan_id,
    name: row.name,
    currency: row.currency,
    latestVersion: row.latest_version,
    latestEffectiveFrom: row.latest_effective_from,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

function versionFromRow(row: PlanVersionsTable): PlanVersionView {
  return { version: row.version, name: row.name, effectiveFrom: row.effective_from, publishedAt: iso(row.published_at), terms: termsOf(row.plan as PlanVersion) };
}

/** 201 when a version was recorded, 200 when the same publication was repeated and nothing was. */
function reply({ state, events, position }: PricebookResult, planId: string) {
  if (state.status === 'none') throw new NotFoundError('plan_not_found', `plan ${planId} does not exist`);
  const headers: Record<string, string> = { location: `/plans/${planId}` };
  if (position) headers['event-position'] = position;
  return { status: events.length > 0 ? 201 : 200, body: planViewFromState(state), headers };
}

function decodePlanCursor(cursor: string | undefined): string | null {
  return decodeCursor(cursor, ['id'])?.[0] ?? null;
}

export interface PricebookRoutesDeps {
  publishPlan: PricebookCommands['publishPlan'];
  publishPlanVersion: PricebookCommands['publishVersion'];
  listPlans: Query<typeof listPlans>;
  findPlan: Query<typeof findPlan>;
  listPlanVersions: Query<typeof listPlanVersions>;
}

export function registerPricebookRoutes(routes: RouteRegistry, deps: PricebookRoutesDeps): void {

  routes.add({
    method: 'POST',
    url: '/operator/plans',
    summary: 'Publish a new plan: its first version, in force from the start of the period effectiveFrom',
    tags,
    access: 'operator',
    body: PublishPlanBody,
    responses: { 201: PlanView, 200: PlanView },
    async handler({ body, context }) {
      const { planId, name, effectiveFrom, currency, monthlyFee, monthlyMinimum, taxRate, meters } = body;
      const terms = { currency: currency as Currency, monthlyFee, monthlyMinimum, taxRate, meters: meters as PlanTerms['meters'] };
      return reply(await deps.publishPlan({ planId, name, effectiveFrom, terms }, context), planId);
    },
  });

  routes.add({
    method: 'POST',
    url: '/operator/plans/:planId/versions',
    summary: "Publish a plan's next version, in force from the start of a later period than the latest version's that has not begun in any zone (same currency)",
    tags,
    access: 'operator',
    params: PlanIdParams,
    body: PublishPlanVersionBody,
    responses: { 201: PlanView, 200: PlanView },
    async handler({ params, body, context }) {
      const { name, effectiveFrom, currency, monthlyFee, monthlyMinimum, taxRate, meters } = body;
      // Left out, the currency is the plan's own (it never changes); given, the decider compares.
      const terms = { ...(currency !== undefined ? { currency: currency as Currency } : {}), monthlyFee, monthlyMinimum, taxRate, meters: meters as PlanTerms['meters'] };
      return reply(await deps.publishPlanVersion({ planId: params.planId, ...(name !== undefined ? { name } : {}), effectiveFrom, terms }, context), params.planId);
    },
  });

  routes.add({
    method: 'GET',
    url: '/plans',
    summary: 'List plans by id, each with its latest version',
    tags,
    access: 'operator',
    readModels: ['pricebook'],
    query: ListPlansQuery,
    responses: { 200: pageOf(PlanSummaryView) },
    async handler({ query }) {
      const rows = await deps.listPlans({ limit: query.limit, afterPlanId: decodePlanCursor(query.cursor) });
      return { status: 200, body: pageFrom(rows, query.limit, (last) => [last.plan_id], summaryFromRow) };
    },
  });

  routes.add({
    method: 'GET',
    url: '/plans/:planId',
    summary: 'Show a plan and every version of it, oldest first',
    tags,
    access: 'operator',
    readModels: ['pricebook'],
    params: PlanIdParams,
    responses: { 200: PlanView },
    async handler({ params }) {
      const row = await deps.findPlan(params.planId);
      if (!row) throw new NotFoundError('plan_not_found', `plan ${params.planId} does not exist`);
      const versions = await deps.listPlanVersions(params.planId);
      return { status: 200, body: { ...summaryFromRow(row), versions: versions.map(versionFromRow) } };
    },
  });
}
