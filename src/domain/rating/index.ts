/** The rating engine's public API: pure functions from usage, plans and periods to rated invoices. */
export { checkPeriod, checkTimeZone, nextPeriod, periodBounds, periodOf, previousPeriod, type BillingPeriod, type PeriodBounds } from './billing-period.ts';
export { charge, prorate, type ChargeResult } from './charge-models.ts';
export { counterWindow, type CounterReading, type CounterWindow } from './counters.ts';
export { Exact, type ExactDecimal } from './exact-decimal.ts';
export { formatInstant, parseInstant } from './instant.ts';
export { checkCurrency, formatMoney, isCurrency, MINOR_UNITS, money, roundLine, type Currency, type Money } from './money.ts';
export { chargeModelIssues, METER_UNITS, METERS, planVersionIssues, validatePlanVersion, type ChargeModel, type Meter, type PlanVersion, type Tier } from './plan.ts';
export { sumBilledLines, type BilledLine, type PeriodAdjustment } from './adjustments.ts';
export { ENGINE_VERSION, rateInvoice, type LineKind, type LinePricing, type PlanSegment, type RatedInvoice, type RatedLine, type RatingInput } from './rate-invoice.ts';
export { gib, meterSegments, parseUsage, thousands, type BucketDeleted, type PeriodUsage, type SegmentUsage, type StorageMeasured, type TrafficMeasured } from './usage-meters.ts';
