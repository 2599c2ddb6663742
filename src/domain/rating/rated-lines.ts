import type { BillingPeriod } from './billing-period.ts';
import type { ChargeModel, Meter, PlanVersion } from './plan.ts';
import type { Currency } from './money.ts';

/**
 * What rating gives: the lines of a rated invoice and their pricing, shared by the rating of a
 * period (rate-invoice.ts) and the adjustment lines of late usage (adjustments.ts).
 */

/** Recorded on every invoice: replaying its inputs with this engine must give the same lines. */
export const ENGINE_VERSION = 'rating-1';

/**
 * The plan in force over [from, to); the segments are in order, without gaps, and run to the
 * period's end. The first may start after the period's start (a first subscription inside the
 * period): the time before it has no plan, and nothing in it is billed.
 */
export interface PlanSegment {
  from: string;
  to: string;
  plan: PlanVersion;
}

/** The lines rating a period gives. */
export type RatedLineKind = Meter | 'monthly_fee' | 'minimum_true_up';
/** ... and the adjustment lines an invoice adds for an earlier period's late usage. */
export type LineKind = RatedLineKind | 'adjustment';

export type LinePricing =
  | (ChargeModel & { share: string })
  | { model: 'monthly_fee'; monthlyFee: string; share: string }
  | {
      model: 'minimum';
      /** Σ prorated minimums, rounded once */
      minimum: string;
      segments: { segment: number; planId: string; planVersion: number; monthlyMinimum: string; share: string; proratedMinimum: string }[];
      subtotalBeforeTrueUp: string;
    }
  | AdjustmentPricing;

export interface RatedLine {
  kind: LineKind;
  /** adjustment lines only: the earlier period's line this adjusts */
  adjusts?: { period: BillingPeriod; kind: RatedLineKind; segment: number | null };
  /** index into the input's segments; null for the invoice-wide minimum true-up and for adjustments */
  segment: number | null;
  planId: string | null;
  planVersion: number | null;
  /** the interval the line covers (the segment's, or the period's) */
  from: string;
  to: string;
  /** exact, unrounded, in `unit` */
  quantity: string;
  unit: string;
  pricing: LinePricing;
  /** rounded once, half away from zero, to the minor unit */
  amount: string;
  /** full precision */
  unroundedAmount: string;
  explanation: string;
}

export interface RatedInvoice {
  engineVersion: typeof ENGINE_VERSION;
  period: BillingPeriod;
  timeZone: string;
  periodStart: string;
  periodEnd: string;
  periodSeconds: string;
  currency: Currency;
  lines: RatedLine[];
  /** Σ rounded lines, the true-up and adjustments included */
  subtotal: string;
  minimumTrueUp: string;
  tax: string;
  creditApplied: string;
  total: string;
}

export interface AdjustmentPricing {
  model: 'adjustment';
  /** why the line is there: late usage re-rated, or adjustments already billed elsewhere for a replaced invoice */
  reason: 'late_usage' | 'billed_elsewhere';
  period: BillingPeriod;
  kind: RatedLineKind;
  segment: number | null;
  rerated: { quantity: string; amount: string } | null;
  billedBefore: { quantity: string; amount: string };
  /** the adjusted line's plan's tax rate: an adjustment is taxed as in its own period */
  taxRate: string;
}
