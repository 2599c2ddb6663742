import { ValidationError, type FieldIssue } from '../errors.ts';
import { checkCurrency, checkDecimal, isCurrency, MINOR_UNITS, RANGES, type Currency } from './money.ts';

/**
 * What a plan version charges. Every number is a decimal string in major units (prices)
 * or in the meter's unit (free units, tier bounds, package sizes).
 */
export const METERS = ['storage_gib_month', 'egress_gib', 'ingress_gib', 'requests_a', 'requests_b'] as const;
export type Meter = (typeof METERS)[number];

/** The unit a meter's quantity is counted in. Requests are priced per 1,000. */
export const METER_UNITS: Record<Meter, string> = {
  storage_gib_month: 'GiB-month',
  egress_gib: 'GiB',
  ingress_gib: 'GiB',
  requests_a: '1,000 requests',
  requests_b: '1,000 requests',
};

/** The unit as a sentence says it: "1234.567 thousand requests". */
export const METER_UNIT_WORDS: Record<Meter, string> = {
  storage_gib_month: 'GiB-month',
  egress_gib: 'GiB',
  ingress_gib: 'GiB',
  requests_a: 'thousand requests',
  requests_b: 'thousand requests',
};

export const METER_NAMES: Record<Meter, string> = {
  storage_gib_month: 'Storage',
  egress_gib: 'Egress (data out)',
  ingress_gib: 'Ingress (data in)',
  requests_a: 'Class A requests (PUT, POST, COPY, LIST)',
  requests_b: 'Class B requests (GET, HEAD and others)',
};

export interface Tier {
  /** inclusive upper bound in the meter's unit; null on the last tier only (no bound) */
  upTo: string | null;
  unitPrice: string;
  /** charged once when any unit falls in this tier */
  flatFee?: string;
}

export type ChargeModel =
  | { model: 'per_unit'; unitPrice: string; freeUnits?: string }
  | { model: 'graduated'; tiers: Tier[]; freeUnits?: string }
  | { model: 'volume'; tiers: Tier[]; freeUnits?: string }
  | { model: 'package'; packageSize: string; packagePrice: string; freeUnits?: string };

export interface PlanVersion {
  planId: string;
  version: number;
  currency: Currency;
  monthlyFee: string;
  monthlyMinimum: string;
  /** a fraction: "0.05" is 5% */
  taxRate: string;
  meters: Partial<Record<Meter, ChargeModel>>;
}

/**
 * What a plan's numbers are checked against. `recorded`: only their form, as the rating
 * engine takes a version already published (an invoice rated years ago must rate again the
 * same). `published`: also the input ranges (RANGES in money.ts), for a version being published.
 */
export type PlanLimits = 'recorded' | 'published';

interface Ranges {
  amount: { atMost?: string; maxDecimals?: number };
  unitPrice: { atMost?: string; maxDecimals?: number };
  quantity: { atMost?: string; maxDecimals?: number };
  taxRate: { atMost: string; maxDecimals?: number };
}

function rangesOf(limits: PlanLimits, currency: unknown): Ranges {
  if (limits === 'recorded') return { amount: {}, unitPrice: {}, quantity: {}, taxRate: { atMost: '1' } };
  const maxDecimals = isCurrency(currency) ? MINOR_UNITS[currency] : Math.max(...Object.values(MINOR_UNITS));
  return { amount: { ...RANGES.amount, maxDecimals }, unitPrice: RANGES.unitPrice, quantity: RANGES.quantity, taxRate: RANGES.taxRate };
}

/** Every failing field, with its path under `path` (e.g. `plan.meters.egress_gib.tiers[1].upTo`). */
export function planVersionIssues(plan: unknown, path = 'plan', limits: PlanLimits = 'recorded'): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (typeof plan !== 'object' || plan === null || Array.isArray(plan)) return [{ path, message: 'must be an object' }];
  const p = plan as Record<string, unknown>;
  const ranges = rangesOf(limits, p.currency);
  if (typeof p.planId !== 'string' || p.planId.trim() === '' || p.planId.length > 200) issues.push({ path: `${path}.planId`, message: 'must be a non-empty string of at most 200 characters' });
  if (typeof p.version !== 'number' || !Number.isSafeInteger(p.version) || p.version < 1) issues.push({ path: `${path}.version`, message: 'must be a whole number from 1' });
  checkCurrency(p.currency, `${path}.currency`, issues);
  checkDecimal(p.monthlyFee, `${path}.monthlyFee`, issues, ranges.amount);
  checkDecimal(p.monthlyMinimum, `${path}.monthlyMinimum`, issues, ranges.amount);
  checkDecimal(p.taxRate, `${path}.taxRate`, issues, ranges.taxRate);
  if (typeof p.meters !== 'object' || p.meters === null || Array.isArray(p.meters)) {
    issues.push({ path: `${path}.meters`, message: 'must be an object keyed by meter' });
  } else {
    for (const [meter, model] of Object.entries(p.meters)) {
      const at = `${path}.meters.${meter}`;
      if (!(METERS as readonly string[]).includes(meter)) issues.push({ path: at, message: `is not a meter; meters are ${METERS.join(', ')}` });
      else issues.push(...chargeModelIssues(model, at, ranges));
    }
  }
  return issues;
}

export function validatePlanVersion(plan: unknown, path = 'plan'): PlanVersion {
  const issues = planVersionIssues(plan, path);
  if (issues.length > 0) throw new ValidationError(issues);
  return plan as PlanVersion;
}

export function chargeModelIssues(model: unknown, path: string, ranges: Ranges = rangesOf('recorded', undefined)): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (typeof model !== 'object' || model === null || Array.isArray(model)) return [{ path, message: 'must be a charge model object' }];
  const m = model as Record<string, unknown>;
  if (m.freeUnits !== undefined) checkDecimal(m.freeUnits, `${path}.freeUnits`, issues, ranges.quantity);
  switch (m.model) {
    case 'per_unit':
      checkDecimal(m.unitPrice, `${path}.unitPrice`, issues, ranges.unitPrice);
      break;
    case 'graduated':
    case 'volume':
      checkTiers(m.tiers, `${path}.tiers`, issues, ranges);
      break;
    case 'package':
      checkDecimal(m.packageSize, `${path}.packageSize`, issues, { ...ranges.quantity, positive: true });
      checkDecimal(m.packagePrice, `${path}.packagePrice`, issues, ranges.unitPrice);
      break;
    default:
      issues.push({ path: `${path}.model`, message: 'must be one of per_unit, graduated, volume, package' });
  }
  return issues;
}

function checkTiers(tiers: unknown, path: string, issues: FieldIssue[], ranges: Ranges): void {
  if (!Array.isArray(tiers) || tiers.length === 0) {
    issues.push({ path, message: 'must be a non-empty list of tiers' });
    return;
  }
  if (tiers.length > 100) issues.push({ path, message: 'must have at most 100 tiers' });
  let previous: ReturnType<typeof checkDecimal> = null;
  tiers.forEach((tier: unknown, i) => {
    const at = `${path}[${i}]`;
    if (typeof tier !== 'object' || tier === null || Array.isArray(tier)) {
      issues.push({ path: at, message: 'must be a tier object' });
      return;
    }
    const t = tier as Record<string, unknown>;
    const last = i === tiers.length - 1;
    if (last) {
      if (t.upTo !== null) issues.push({ path: `${at}.upTo`, message: 'must be null on the last tier (it has no upper bound)' });
    } else {
      const upTo = checkDecimal(t.upTo, `${at}.upTo`, issues, { ...ranges.quantity, positive: true });
      if (upTo && previous && !upTo.gt(previous)) issues.push({ path: `${at}.upTo`, message: `must be greater than the previous tier's bound (${previous.toFixed()})` });
      if (upTo) previous = upTo;
    }
    checkDecimal(t.unitPrice, `${at}.unitPrice`, issues, ranges.unitPrice);
    if (t.flatFee !== undefined) checkDecimal(t.flatFee, `${at}.flatFee`, issues, ranges.amount);
  });
}
