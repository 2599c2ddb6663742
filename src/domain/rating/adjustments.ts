import type { FieldIssue } from '../errors.ts';
import type { BillingPeriod } from './billing-period.ts';
import { ZERO, exact, plain, readable, type ExactDecimal } from './exact-decimal.ts';
import { formatInstant, parseInstant } from './instant.ts';
import { formatMoney, MINOR_UNITS, type Currency } from './money.ts';
import { METER_NAMES, METER_UNITS, METERS, type Meter } from './plan.ts';
import type { AdjustmentPricing, PlanSegment, RatedInvoice, RatedLine, RatedLineKind } from './rated-lines.ts';
import type { PeriodUsage } from './usage-meters.ts';

/**
 * Late usage (DESIGN, "Late usage"): usage of a period that arrives after the period's
 * invoice was issued is billed on a later invoice as adjustment lines, priced as in its own
 * period. The earlier period is rated again, on the plan segments and carried-in storage its
 * issued invoice was rated with, over its usage as known now; per line (each meter of each
 * segment, the monthly fee, the minimum true-up) the adjustment is
 *
 *     re-rated amount − what the issued invoices billed for that line so far
 *
 * (the period's own invoice plus every adjustment of it on later invoices), so that after
 * the adjustment the period's lines on all issued invoices add up to the re-rating exactly,
 * and a late sample is never billed twice. Amounts are differences of rounded amounts: an
 * adjustment is never rounded again.
 */

/** One line of an earlier period as the issued invoices billed it so far, summed over them. */
export interface BilledLine {
  kind: RatedLineKind;
  /** index into the period's plan segments; null for the minimum true-up */
  segment: number | null;
  /** signed decimal, in the line's unit */
  quantity: string;
  /** signed, major units, at most the currency's minor-unit digits */
  amount: string;
}

/** An earlier period to adjust: what to re-rate it from, and what was billed for it so far. */
export interface PeriodAdjustment {
  period: BillingPeriod;
  /** the plan segments its issued invoice was rated on */
  segments: PlanSegment[];
  /** its whole usage stream as known now */
  usage: PeriodUsage;
  /** the storage carried in as its issued invoice recorded it */
  carriedInStorage: Record<string, string>;
  billedBefore: BilledLine[];
}


const RATED_LINE_KINDS = ['monthly_fee', ...METERS, 'minimum_true_up'] as const satisfies readonly RatedLineKind[];

const SIGNED_DECIMAL = /^-?(0|[1-9]\d*)(\.\d+)?$/;

function checkSigned(value: unknown, path: string, issues: FieldIssue[], maxDecimals?: number): boolean {
  if (typeof value !== 'string' || !SIGNED_DECIMAL.test(value)) {
    issues.push({ path, message: 'must be a decimal string such as "4.00" or "-1.5" (no exponent)' });
    return false;
  }
  if (maxDecimals !== undefined && exact(value).decimalPlaces() > maxDecimals) {
    issues.push({ path, message: `must have at most ${maxDecimals} decimal places` });
    return false;
  }
  return true;
}

/** Every failing field of a list of billed lines, under `path`. */
export function billedLinesIssues(lines: unknown, path: string, currency: Currency | null): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (!Array.isArray(lines)) return [{ path, message: 'must be a list of billed lines' }];
  const seen = new Set<string>();
  lines.forEach((item: unknown, i) => {
    const l = (item ?? {}) as Record<string, unknown>;
    const at = `${path}[${i}]`;
    if (!(RATED_LINE_KINDS as readonly unknown[]).includes(l.kind)) issues.push({ path: `${at}.kind`, message: `must be one of ${RATED_LINE_KINDS.join(', ')}` });
    const segmentOk = l.segment === null ? l.kind === 'minimum_true_up' : typeof l.segment === 'number' && Number.isSafeInteger(l.segment) && l.segment >= 0 && l.kind !== 'minimum_true_up';
    if (!segmentOk) issues.push({ path: `${at}.segment`, message: 'must be a segment index (a whole number from 0), or null for the minimum true-up only' });
    checkSigned(l.quantity, `${at}.quantity`, issues);
    checkSigned(l.amount, `${at}.amount`, issues, currency === null ? undefined : MINOR_UNITS[currency]);
    const key = lineKey(l.kind as RatedLineKind, l.segment as number | null);
    if (seen.has(key)) issues.push({ path: at, message: 'names the same line as an earlier entry' });
    seen.add(key);
  });
  return issues;
}

const lineKey = (kind: RatedLineKind, segment: number | null) => `${kind}#${segment === null ? '-' : segment}`;

/**
 * Sums lines per (kind, segment), keeping the order in which each line was first seen: the
 * period's own lines, then its adjustments on later invoices.
 */
export function sumBilledLines(lines: Iterable<BilledLine>): BilledLine[] {
  const sums = new Map<string, { kind: RatedLineKind; segment: number | null; quantity: ExactDecimal; amount: ExactDecimal; places: number }>();
  for (const line of lines) {
    const key = lineKey(line.kind, line.segment);
    const sum = sums.get(key) ?? { kind: line.kind, segment: line.segment, quantity: ZERO, amount: ZERO, places: 0 };
    sum.quantity = sum.quantity.plus(line.quantity);
    sum.amount = sum.amount.plus(line.amount);
    // amounts keep their minor-unit digits ("24.00"): the sum of money is money
    sum.places = Math.max(sum.places, line.amount.includes('.') ? line.amount.length - line.amount.indexOf('.') - 1 : 0);
    sums.set(key, sum);
  }
  return [...sums.values()].map((s) => ({ kind: s.kind, segment: s.segment, quantity: plain(s.quantity), amount: s.amount.isZero() ? ZERO.toFixed(s.places) : s.amount.toFixed(s.places) }));
}

/** An adjustment line, and the tax rate it is taxed at. */
export interface AdjustmentLine {
  line: RatedLine;
  taxRate: string;
}

const UNIT_OF: Record<RatedLineKind, string> = { ...METER_UNITS, monthly_fee: 'month', minimum_true_up: 'minimum' };
const NAME_OF = (kind: RatedLineKind) => (kind === 'monthly_fee' ? 'Monthly fee' : kind === 'minimum_true_up' ? 'Minimum true-up' : METER_NAMES[kind as Meter]);

/**
 * The adjustment lines of one earlier period: per line, `rerated − billedBefore` where that
 * is not zero (amount or quantity), in the re-rated invoice's line order, then lines billed
 * before that the re-rating no longer has. `rerated` null: the lines are the negation of
 * `billedBefore` (a replacement invoice takes off what later invoices already billed for
 * its own period as adjustments, since its own lines bill the whole period again).
 *
 * Each line is taxed at the tax rate of the plan of the segment it adjusts (the minimum
 * true-up, and a segment the segments do not have, at the last segment's plan's rate, as
 * the engine taxes a true-up), so an adjustment costs what it would have cost in its period.
 */
export function adjustmentLines(options: {
  period: BillingPeriod;
  segments: readonly PlanSegment[];
  periodStart: string;
  periodEnd: string;
  rerated: RatedInvoice | null;
  billedBefore: readonly BilledLine[];
  currency: Currency;
}): AdjustmentLine[] {
  const { period, segments, rerated, billedBefore, currency } = options;
  const billed = new Map(billedBefore.map((b) => [lineKey(b.kind, b.segment), b]));
  const keys: { kind: RatedLineKind; segment: number | null; line: RatedLine | null }[] = [];
  const seen = new Set<string>();
  for (const line of rerated?.lines ?? []) {
    if (line.kind === 'adjustment') continue;
    const key = lineKey(line.kind, line.segment);
    seen.add(key);
    keys.push({ kind: line.kind, segment: line.segment, line });
  }
  for (const b of billedBefore) if (!seen.has(lineKey(b.kind, b.segment))) keys.push({ kind: b.kind, segment: b.segment, line: null });

  const last = segments[segments.length - 1]!;
  const result: AdjustmentLine[] = [];
  for (const { kind, segment, line } of keys) {
    const before = billed.get(lineKey(kind, segment));
    const beforeAmount = exact(before?.amount ?? 0);
    const beforeQuantity = exact(before?.quantity ?? 0);
    const nowAmount = exact(line?.amount ?? 0);
    const nowQuantity = exact(line?.quantity ?? 0);
    const amount = nowAmount.minus(beforeAmount);
    const quantity = nowQuantity.minus(beforeQuantity);
    if (amount.isZero() && quantity.isZero()) continue;

    const own = segment !== null && segment < segments.length ? segments[segment]! : null;
    const plan = (own ?? last).plan;
    // the interval the adjusted line covered: the re-rated line's, else its segment's, else the period's
    const from = line?.from ?? (own ? formatInstant(parseInstant(own.from)!) : options.periodStart);
    const to = line?.to ?? (own ? formatInstant(parseInstant(own.to)!) : options.periodEnd);
    const unit = line?.unit ?? UNIT_OF[kind];
    const money = (value: ExactDecimal) => formatMoney(value, currency);
    const taxWords = `taxed at its plan's rate for ${period} (${readable(exact(plan.taxRate).times(100))}%)`;
    const lineWords = `${NAME_OF(kind)} of ${period}${kind === 'minimum_true_up' || segment === null ? '' : `, ${from} to ${to}`}`;
    const explanation =
      rerated === null
        ? `${lineWords}: this invoice bills the whole period again, and later invoices already billed ${money(beforeAmount)} for this line as late-usage adjustments (${readable(beforeQuantity)} ${unit}), so ${money(amount)} is taken off here; ${taxWords}.`
        : `Late usage for ${period}: ${lineWords}, rated again on plan ${plan.planId} v${plan.version} over its usage as known now, comes to ${money(nowAmount)} (${readable(nowQuantity)} ${unit}); the invoices issued so far billed ${money(beforeAmount)} for it (${readable(beforeQuantity)} ${unit}), so ${money(amount)} is ${amount.isNegative() ? 'taken off' : 'added'}, priced as in ${period} and ${taxWords}.`;
    const pricing: AdjustmentPricing = {
      model: 'adjustment',
      reason: rerated === null ? 'billed_elsewhere' : 'late_usage',
      period,
      kind,
      segment,
      rerated: rerated === null ? null : { quantity: plain(nowQuantity), amount: money(nowAmount) },
      billedBefore: { quantity: plain(beforeQuantity), amount: money(beforeAmount) },
      taxRate: plan.taxRate,
    };
    result.push({
      line: {
        kind: 'adjustment',
        adjusts: { period, kind, segment },
        segment: null,
        planId: kind === 'minimum_true_up' ? null : plan.planId,
        planVersion: kind === 'minimum_true_up' ? null : plan.version,
        from,
        to,
        quantity: plain(quantity),
        unit,
        pricing,
        amount: money(amount),
        unroundedAmount: plain(amount),
        explanation,
      },
      taxRate: plan.taxRate,
    });
  }
  return result;
}

export type { AdjustmentPricing } from './rated-lines.ts';
