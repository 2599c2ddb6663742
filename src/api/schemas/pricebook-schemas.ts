import { z } from 'zod';
import { checkEffectiveFrom, checkPlanId, checkPlanName, PLAN_ID_RULE, PLAN_NAME } from '../../domain/pricebook/pricebook-decider.ts';
import { BILLING_PERIOD } from '../../domain/rating/billing-period.ts';
import { FEE_TEXT, MINOR_UNITS, TAX_RATE_TEXT } from '../../domain/rating/money.ts';
import { METERS, planVersionIssues } from '../../domain/rating/plan.ts';
import type { DecimalTextRule } from '../../domain/shared/field-rule.ts';
import { PageQuery } from '../pagination.ts';
import { decimalBounds, textField } from './field-rule-schema.ts';

const planId = () => textField(PLAN_ID_RULE, checkPlanId);
const planName = () => textField(PLAN_NAME, checkPlanName);

export const PlanIdParams = z.object({ planId: planId() });

// Checked with the whole plan by planCheck below, which knows the currency's minor unit.
const decimal = (range: DecimalTextRule, what: string) => z.string().meta(decimalBounds(range)).describe(`${what}: a non-negative decimal string such as "0.15"`);
const effectiveFrom = textField(BILLING_PERIOD, checkEffectiveFrom).describe("YYYY-MM: the version takes effect at the start of this billing period, in each account's time zone");

const CHARGE_MODELS =
  'per meter, a charge model: {model: "per_unit", unitPrice, freeUnits?} | {model: "graduated" or "volume", tiers: [{upTo (null on the last), unitPrice, flatFee?}], freeUnits?} | {model: "package", packageSize, packagePrice, freeUnits?}; ' +
  'numbers are decimal strings. Requests are counted in thousands. Ranges: unit and package prices 0 to 10^12 with at most 10 decimal places; ' +
  'flat fees 0 to 10^12 with at most the minor-unit digits; free units, tier bounds and package sizes 0 to 10^15 with at most 9 decimal places.';

/** The terms of a version: the rating engine's PlanVersion without its identity. */
const terms = {
  monthlyFee: decimal(FEE_TEXT, 'fixed fee per period, major units, 0 to 10^12, at most the minor-unit digits'),
  monthlyMinimum: decimal(FEE_TEXT, 'the least a period is billed before tax, major units, 0 to 10^12, at most the minor-unit digits'),
  taxRate: decimal(TAX_RATE_TEXT, 'a fraction from 0 to 1 with at most 6 decimal places: "0.05" is 5%'),
  meters: z
    .record(z.string(), z.unknown())
    .describe(`keyed by meter (${METERS.join(', ')}); ${CHARGE_MODELS} A meter left out is not charged.`),
};

/**
 * The whole plan checked by the rating engine's own rule (planVersionIssues), so every bad
 * field is listed at once with its path (`body.meters.egress_gib.tiers[1].upTo`). It runs even
 * when a field has the wrong type; a path zod has already reported is not reported twice.
 */
function planCheck(body: Record<string, unknown>, ctx: z.core.$RefinementCtx<Record<string, unknown>>) {
  if (typeof body !== 'object' || body === null) return;
  const candidate = { currency: 'BRL', ...body, planId: 'plan', version: 1 };
  const reported = ctx.issues.map((issue) => issue.path?.map(String).join('.') ?? '');
  for (const issue of planVersionIssues(candidate, 'plan', 'published')) {
    const path = issue.path.replace(/^plan\.?/, '');
    if (reported.some((r) => r === path || path.startsWith(`${r}.`) || path.startsWith(`${r}[`))) continue;
    ctx.addIssue({ code: 'custom', message: issue.message, path: path === '' ? [] : path.split('.') });
  }
}

const currencies = Object.keys(MINOR_UNITS) as [string, ...string[]];
// checked by planCheck, with the plan
const currency = () => z.string().meta({ enum: currencies });

export const PublishPlanBody = z
  .strictObject({
    planId: planId().describe('3 to 64 lowercase letters, digits or hyphens; names the plan for good'),
    name: planName().describe('shown on invoices, 1 to 200 characters (surrounding spaces not counted)'),
    effectiveFrom,
    currency: currency().describe(`ISO 4217, one of ${currencies.join(', ')}; fixed for the plan's life (accounts subscribe to plans in their own currency)`),
    ...terms,
  })
  .superRefine(planCheck, { when: () => true });

export const PublishPlanVersionBody = z
  .strictObject({
    name: planName().optional().describe("the previous version's when absent"),
    effectiveFrom: effectiveFrom.describe('YYYY-MM, later than the latest version\'s; the version takes effect at the start of that period'),
    currency: currency().optional().describe("must be the plan's currency, which never changes; may be left out"),
    ...terms,
  })
  .superRefine(planCheck, { when: () => true });

export const ListPlansQuery = PageQuery;

const PlanTermsView = z.object({
  currency: z.string(),
  monthlyFee: z.string(),
  monthlyMinimum: z.string(),
  taxRate: z.string(),
  meters: z.record(z.string(), z.unknown()).describe(CHARGE_MODELS),
});

export const PlanVersionView = z
  .object({
    version: z.number().int(),
    name: z.string(),
    effectiveFrom: z.string(),
    publishedAt: z.string(),
    terms: PlanTermsView,
  })
  .meta({ id: 'PlanVersion' });
export type PlanVersionView = z.infer<typeof PlanVersionView>;

export const PlanSummaryView = z
  .object({
    planId: z.string(),
    name: z.string().describe("the latest version's"),
    currency: z.string(),
    latestVersion: z.number().int(),
    latestEffectiveFrom: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'PlanSummary' });
export type PlanSummaryView = z.infer<typeof PlanSummaryView>;

export const PlanView = PlanSummaryView.extend({ versions: z.array(PlanVersionView).describe('oldest first') }).meta({ id: 'Plan' });
export type PlanView = z.infer<typeof PlanView>;
