import { ValidationError, type FieldIssue } from '../errors.ts';
import { adjustmentLines, billedLinesIssues, type AdjustmentLine, type BilledLine, type PeriodAdjustment } from './adjustments.ts';
import { checkPeriod, checkTimeZone, periodBounds, type BillingPeriod } from './billing-period.ts';
import { charge, type ChargeResult } from './charge-models.ts';
import { ZERO, exact, maxOf, minOf, plain, readable, settled, type ExactDecimal } from './exact-decimal.ts';
import { checkInstant, describeDuration, formatInstant } from './instant.ts';
import { checkCurrency, checkDecimal, formatMoney, MINOR_UNITS, roundLine, type Currency } from './money.ts';
import { METER_NAMES, METER_UNIT_WORDS, METER_UNITS, METERS, planVersionIssues, type Meter, type PlanVersion } from './plan.ts';
import { ENGINE_VERSION, type LinePricing, type PlanSegment, type RatedInvoice, type RatedLine } from './rated-lines.ts';
import { gib, meterSegments, parseUsage, thousands, type PeriodUsage, type SegmentUsage, type StorageInterval } from './usage-meters.ts';

export { ENGINE_VERSION, type LineKind, type LinePricing, type PlanSegment, type RatedInvoice, type RatedLine, type RatedLineKind } from './rated-lines.ts';

export interface RatingInput {
  period: BillingPeriod;
  timeZone: string;
  currency: Currency;
  segments: PlanSegment[];
  usage: PeriodUsage;
  /** bytes (integer string) in force per bucket when the period opens */
  carriedInStorage: Record<string, string>;
  /** account credit available, major units, at most the currency's minor-unit digits */
  creditAvailable: string;
  /** earlier periods whose late usage this invoice bills (see adjustments.ts), oldest first */
  adjustments?: PeriodAdjustment[];
  /**
   * For an invoice replacing a voided one: what later invoices already billed for THIS period
   * as late-usage adjustments. Its own lines bill the whole period again, so that is taken off.
   */
  billedElsewhere?: BilledLine[];
}

/**
 * Rates one account's period. Pure: the same input gives the same invoice, byte for byte,
 * whatever order the samples are listed in.
 *
 * Per segment, on its own plan, prorated by its share of the period's seconds: a monthly
 * fee line, then one line per priced meter in the order of METERS. Then one invoice-wide
 * minimum true-up line. Then the adjustment lines of earlier periods' late usage (see
 * adjustments.ts), which the minimum does not see. Lines are rounded once each; the
 * subtotal is their sum; tax is each line times its plan's tax rate, summed, rounded once;
 * credit applied is min(credit, subtotal + tax); total = subtotal + tax − credit applied.
 *
 * A first segment that starts after the period's start (a first subscription inside the
 * period) leaves the time before it unbilled: usage measured then is not charged, storage
 * in force when the segment starts counts from then, and the segment's fee, minimum, free
 * units and tier bounds are its share of the period's seconds, as for any segment.
 */
export function rateInvoice(input: RatingInput): RatedInvoice {
  const { bounds, currency, segments, parsedUsage, credit, adjustments, billedElsewhere } = validate(input);
  // Before the first subscription there is no plan: that stretch is metered (so storage in
  // force at the subscription's start is known) and dropped.
  const unplanned = segments[0]!.fromMs > bounds.startMs;
  const boundaries = [...(unplanned ? [bounds.startMs] : []), ...segments.map((s) => s.fromMs), bounds.endMs];
  const metered = meterSegments(parsedUsage, boundaries).slice(unplanned ? 1 : 0);
  const periodMs = bounds.endMs - bounds.startMs;

  const lines: RatedLine[] = [];
  const minimums: Extract<LinePricing, { model: 'minimum' }>['segments'] = [];
  // each rounded line with the tax rate of the plan it was rated on
  const taxable: { amount: ExactDecimal; taxRate: string }[] = [];

  segments.forEach((segment, index) => {
    const { plan } = segment;
    const usage = metered[index]!;
    const segmentMs = segment.toMs - segment.fromMs;
    const share = exact(segmentMs).div(periodMs);
    const shareWords = share.eq(1) ? 'the whole period' : `${describeDuration(segmentMs)} of the period's ${describeDuration(periodMs)} (${readable(share.times(100))}%)`;
    const base = { segment: index, planId: plan.planId, planVersion: plan.version, from: formatInstant(segment.fromMs), to: formatInstant(segment.toMs) };
    const push = (line: Omit<RatedLine, keyof typeof base | 'amount' | 'unroundedAmount'>, unrounded: ExactDecimal) => {
      const rounded = roundLine(unrounded, currency);
      lines.push({ kind: line.kind, ...base, quantity: line.quantity, unit: line.unit, pricing: line.pricing, amount: formatMoney(rounded, currency), unroundedAmount: plain(unrounded), explanation: line.explanation });
      taxable.push({ amount: rounded, taxRate: plan.taxRate });
    };

    const fee = exact(plan.monthlyFee);
    if (!fee.isZero()) {
      const unrounded = settled(fee.times(share));
      push(
        {
          kind: 'monthly_fee',
          quantity: plain(settled(share)),
          unit: 'month',
          pricing: { model: 'monthly_fee', monthlyFee: plan.monthlyFee, share: plain(share) },
          explanation: `Monthly fee of plan ${plan.planId} v${plan.version}: ${plan.monthlyFee} for ${shareWords}${share.eq(1) ? '' : `: ${plan.monthlyFee} × ${readable(share)}`} = ${readable(unrounded)}, rounded to ${formatMoney(roundLine(unrounded, currency), currency)}.`,
        },
        unrounded,
      );
    }

    for (const meter of METERS) {
      const model = plan.meters[meter];
      if (!model) continue; // a meter the plan does not price is free
      const { quantity, words } = measure(meter, usage, periodMs);
      const priced: ChargeResult = charge(model, quantity, share, METER_UNIT_WORDS[meter]);
      if (quantity.isZero() && priced.amount.isZero()) continue;
      const rounded = roundLine(priced.amount, currency);
      push(
        {
          kind: meter,
          quantity: plain(settled(quantity)),
          unit: METER_UNITS[meter],
          pricing: priced.pricing,
          explanation: `${METER_NAMES[meter]}, ${formatInstant(segment.fromMs)} to ${formatInstant(segment.toMs)}: ${words} ${priced.explanation} Rounded once to ${formatMoney(rounded, currency)}.`,
        },
        priced.amount,
      );
    }

    const minimum = exact(plan.monthlyMinimum).times(share);
    minimums.push({ segment: index, planId: plan.planId, planVersion: plan.version, monthlyMinimum: plan.monthlyMinimum, share: plain(share), proratedMinimum: plain(minimum) });
  });

  // minimum true-up: brings the subtotal up to the prorated minimums' sum, rounded once
  const subtotalBeforeTrueUp = taxable.reduce((sum, line) => sum.plus(line.amount), ZERO);
  const minimumUnrounded = settled(minimums.reduce((sum, m) => sum.plus(m.proratedMinimum), ZERO));
  const minimum = roundLine(minimumUnrounded, currency);
  let trueUp = ZERO;
  if (minimumUnrounded.gt(subtotalBeforeTrueUp)) {
    const unrounded = minimumUnrounded.minus(subtotalBeforeTrueUp);
    trueUp = roundLine(unrounded, currency);
    if (!trueUp.isZero()) {
      const last = segments[segments.length - 1]!;
      const minimumWords =
        minimums.length === 1 && exact(minimums[0]!.share).eq(1)
          ? `The plan's monthly minimum is ${minimums[0]!.monthlyMinimum}`
          : `The monthly minimum, prorated per segment (${minimums.map((m) => `${m.monthlyMinimum} × ${readable(exact(m.share))} = ${readable(exact(m.proratedMinimum))}`).join('; ')}), is ${readable(minimumUnrounded)}`;
      lines.push({
        kind: 'minimum_true_up',
        segment: null,
        planId: null,
        planVersion: null,
        // the first segment's start: the period's, or the subscription's in a partial first period
        from: formatInstant(segments[0]!.fromMs),
        to: bounds.end,
        quantity: '1',
        unit: 'minimum',
        pricing: { model: 'minimum', minimum: formatMoney(minimum, currency), segments: minimums, subtotalBeforeTrueUp: formatMoney(subtotalBeforeTrueUp, currency) },
        amount: formatMoney(trueUp, currency),
        unroundedAmount: plain(unrounded),
        explanation: `${minimumWords}; the lines above come to ${formatMoney(subtotalBeforeTrueUp, currency)}, so ${formatMoney(trueUp, currency)} is added to reach it.`,
      });
      taxable.push({ amount: trueUp, taxRate: last.plan.taxRate });
    }
  }

  // Late usage of earlier periods, priced and taxed as in their own periods.
  const adjusted: AdjustmentLine[] = [];
  for (const { adjustment, rerated } of adjustments) {
    adjusted.push(
      ...adjustmentLines({ period: adjustment.period, segments: adjustment.segments, periodStart: rerated.periodStart, periodEnd: rerated.periodEnd, rerated, billedBefore: adjustment.billedBefore, currency }),
    );
  }
  if (billedElsewhere.length > 0) {
    adjusted.push(...adjustmentLines({ period: input.period, segments: input.segments, periodStart: bounds.start, periodEnd: bounds.end, rerated: null, billedBefore: billedElsewhere, currency }));
  }
  for (const { line, taxRate } of adjusted) {
    lines.push(line);
    taxable.push({ amount: exact(line.amount), taxRate });
  }

  const subtotal = taxable.reduce((sum, line) => sum.plus(line.amount), ZERO);
  // Tax on the subtotal, rounded once. With one tax rate this is subtotal × rate; when
  // segments' plans differ in rate, each line is taxed at its own plan's rate (the
  // true-up at the rate in force at the period's end, an adjustment at the rate of the
  // plan it adjusts) and the sum is rounded once.
  const tax = roundLine(
    taxable.reduce((sum, line) => sum.plus(line.amount.times(line.taxRate)), ZERO),
    currency,
  );
  const due = subtotal.plus(tax);
  const creditApplied = maxOf(ZERO, minOf(credit, due));
  const total = due.minus(creditApplied);

  return {
    engineVersion: ENGINE_VERSION,
    period: input.period,
    timeZone: input.timeZone,
    periodStart: bounds.start,
    periodEnd: bounds.end,
    periodSeconds: bounds.seconds.toString(),
    currency,
    lines,
    subtotal: formatMoney(subtotal, currency),
    minimumTrueUp: formatMoney(trueUp, currency),
    tax: formatMoney(tax, currency),
    creditApplied: formatMoney(creditApplied, currency),
    total: formatMoney(total, currency),
  };
}

/** A meter's exact quantity in a segment, and how it was measured, in words. */
function measure(meter: Meter, usage: SegmentUsage, periodMs: number): { quantity: ExactDecimal; words: string } {
  switch (meter) {
    case 'storage_gib_month':
      return { quantity: usage.storageGibMonths, words: storageWords(usage, periodMs) };
    case 'egress_gib':
    case 'ingress_gib': {
      const bytes = meter === 'egress_gib' ? usage.egressBytes : usage.ingressBytes;
      const quantity = gib(bytes);
      return { quantity, words: `${usage.trafficWindows} traffic window${usage.trafficWindows === 1 ? '' : 's'} starting in this interval ${meter === 'egress_gib' ? 'sent' : 'received'} ${grouped(bytes)} bytes = ${readable(quantity)} GiB (bytes ÷ 2^30).` };
    }
    case 'requests_a':
    case 'requests_b': {
      const count = meter === 'requests_a' ? usage.requestsA : usage.requestsB;
      const quantity = thousands(count);
      return { quantity, words: `${grouped(count)} requests in windows starting in this interval, priced per 1,000: ${readable(quantity)} thousand requests.` };
    }
  }
}

const INTERVALS_SHOWN_PER_BUCKET = 12;

function storageWords(usage: SegmentUsage, periodMs: number): string {
  const byBucket = new Map<string, StorageInterval[]>();
  for (const interval of usage.storageIntervals) {
    const list = byBucket.get(interval.bucket) ?? [];
    list.push(interval);
    byBucket.set(interval.bucket, list);
  }
  const buckets = [...byBucket.entries()].map(([bucket, intervals]) => {
    const shown = intervals.slice(0, INTERVALS_SHOWN_PER_BUCKET).map((i) => `${readable(gib(i.bytes))} GiB (${grouped(i.bytes)} byte${i.bytes === 1n ? '' : 's'}) from ${formatInstant(i.fromMs)} to ${formatInstant(i.toMs)} (${describeDuration(i.toMs - i.fromMs)})`);
    const rest = intervals.length - shown.length;
    return `bucket ${bucket}: ${shown.join(', ')}${rest > 0 ? `, and ${rest} more interval${rest === 1 ? '' : 's'}` : ''}`;
  });
  const held = buckets.length === 0 ? 'nothing was stored.' : `${buckets.join('; ')}.`;
  return `each stored amount counts for the time it was held, GiB-month = Σ bytes × seconds ÷ (2^30 × ${grouped(BigInt(periodMs / 1000))} seconds in the period); ${held} That is ${readable(usage.storageGibMonths)} GiB-month.`;
}

/** 1234567 → "1,234,567", without locale data (explanations must not vary by runtime). */
function grouped(value: bigint): string {
  return value.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

interface ValidSegment {
  fromMs: number;
  toMs: number;
  plan: PlanVersion;
}

function validate(input: RatingInput) {
  const issues: FieldIssue[] = [];
  const raw = input as unknown as Record<string, unknown>;
  const periodOk = checkPeriod(raw.period, 'period', issues) !== null;
  const zoneOk = checkTimeZone(raw.timeZone, 'timeZone', issues);
  const currencyOk = checkCurrency(raw.currency, 'currency', issues);
  if (!periodOk || !zoneOk) throw new ValidationError(issues);
  const bounds = periodBounds(input.period, input.timeZone);

  const segments: ValidSegment[] = [];
  const rawSegments = raw.segments;
  if (!Array.isArray(rawSegments) || rawSegments.length === 0) {
    issues.push({ path: 'segments', message: 'must be a non-empty list of plan segments covering the period' });
  } else {
    let expectedFrom = bounds.startMs;
    rawSegments.forEach((item: unknown, i) => {
      const s = (item ?? {}) as Record<string, unknown>;
      const at = `segments[${i}]`;
      const from = checkInstant(s.from, `${at}.from`, issues);
      const to = checkInstant(s.to, `${at}.to`, issues);
      const planIssues = planVersionIssues(s.plan, `${at}.plan`);
      issues.push(...planIssues);
      if (planIssues.length === 0 && currencyOk && (s.plan as PlanVersion).currency !== input.currency) {
        issues.push({ path: `${at}.plan.currency`, message: `must be the invoice's currency (${input.currency})` });
      }
      if (i === 0 && from !== null && from < bounds.startMs) {
        issues.push({ path: `${at}.from`, message: `must not be before the period's start (${bounds.start})` });
      } else if (i > 0 && from !== null && from !== expectedFrom) {
        issues.push({ path: `${at}.from`, message: `must be the previous segment's end (${formatInstant(expectedFrom)})` });
      }
      if (from !== null && to !== null && to <= from) issues.push({ path: `${at}.to`, message: 'must be after from' });
      if (to !== null && i === rawSegments.length - 1 && to !== bounds.endMs) issues.push({ path: `${at}.to`, message: `must be the period's end (${bounds.end})` });
      if (from !== null && to !== null) segments.push({ fromMs: from, toMs: to, plan: s.plan as PlanVersion });
      if (to !== null) expectedFrom = to;
    });
  }
  const parsedUsage = parseUsage(raw.usage, raw.carriedInStorage, bounds.startMs, bounds.endMs, issues);
  const credit = currencyOk ? checkDecimal(raw.creditAvailable, 'creditAvailable', issues, { maxDecimals: MINOR_UNITS[input.currency] }) : null;

  // Earlier periods to adjust: each is rated on its own (its paths prefixed here).
  const adjustments: { adjustment: PeriodAdjustment; rerated: RatedInvoice }[] = [];
  if (raw.adjustments !== undefined) {
    if (!Array.isArray(raw.adjustments)) {
      issues.push({ path: 'adjustments', message: 'must be a list of earlier periods to adjust' });
    } else {
      const periods = new Set<unknown>();
      (raw.adjustments as unknown[]).forEach((item, i) => {
        const a = (item ?? {}) as Record<string, unknown>;
        const at = `adjustments[${i}]`;
        const periodValid = checkPeriod(a.period, `${at}.period`, issues) !== null;
        if (periodValid && !((a.period as string) < input.period)) issues.push({ path: `${at}.period`, message: `must be a period before ${input.period}` });
        else if (periodValid && periods.has(a.period)) issues.push({ path: `${at}.period`, message: 'must not repeat an earlier adjustment\'s period' });
        periods.add(a.period);
        issues.push(...billedLinesIssues(a.billedBefore, `${at}.billedBefore`, currencyOk ? input.currency : null));
        if (!periodValid || !currencyOk) return;
        try {
          const rerated = rateInvoice({
            period: a.period as string,
            timeZone: input.timeZone,
            currency: input.currency,
            segments: a.segments as PlanSegment[],
            usage: a.usage as PeriodUsage,
            carriedInStorage: a.carriedInStorage as Record<string, string>,
            creditAvailable: '0',
          });
          adjustments.push({ adjustment: a as unknown as PeriodAdjustment, rerated });
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error;
          issues.push(...error.issues.map((issue) => ({ path: `${at}.${issue.path}`, message: issue.message })));
        }
      });
    }
  }
  if (raw.billedElsewhere !== undefined) issues.push(...billedLinesIssues(raw.billedElsewhere, 'billedElsewhere', currencyOk ? input.currency : null));
  if (issues.length > 0) throw new ValidationError(issues);
  return { bounds, currency: input.currency, segments, parsedUsage, credit: credit!, adjustments, billedElsewhere: input.billedElsewhere ?? [] };
}
