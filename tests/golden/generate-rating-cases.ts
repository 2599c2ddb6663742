/**
 * Adds generated cases to the golden corpus: `npx tsx tests/golden/generate-rating-cases.ts`.
 *
 * A fast-check generator with a fixed seed gives the variety the hand-worked examples do not:
 * every charge model (flat fees, free units), one to three plan segments, a first segment
 * that starts inside the period, DST months, carried-in storage, deletions, credit, minimums,
 * and late usage of one or two earlier periods (their billed lines taken from rating a part
 * of their usage first). Plus the bench's own shape: one account's month of hourly samples
 * on the bench plan.
 *
 * A case once recorded is never rewritten (an existing file is left as it is): the corpus
 * says what the engine version it names gave on the day it was recorded.
 */
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { digestOf } from '../../src/commands/invoice-inputs.ts';
import { ValidationError } from '../../src/domain/errors.ts';
import {
  ENGINE_VERSION,
  formatInstant,
  periodBounds,
  previousPeriod,
  rateInvoice,
  type BilledLine,
  type PeriodAdjustment,
  type PeriodUsage,
  type PlanSegment,
  type PlanVersion,
  type RatingInput,
} from '../../src/domain/rating/index.ts';
import { chargeModel, decimalString, price } from '../domain/rating/arbitraries.ts';

const SEED = 20_261_210;
const CASES = 120;
const directory = path.join(import.meta.dirname, ENGINE_VERSION);

const WHERE = [
  { period: '2026-06', timeZone: 'America/Sao_Paulo' },
  { period: '2026-03', timeZone: 'America/New_York' },
  { period: '2026-11', timeZone: 'America/New_York' },
  { period: '2026-10', timeZone: 'Australia/Lord_Howe' },
  { period: '2026-03', timeZone: 'Europe/Berlin' },
  { period: '2026-02', timeZone: 'UTC' },
];
const BUCKETS = ['b-alpha', 'b-beta', 'b-gamma'];
const DAY = 86_400_000;
/** below the shortest period above (February, 28 days) */
const SPAN = 28 * DAY - 1;

const bytes = fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 50n }), fc.bigInt({ min: 0n, max: 500n }).map((g) => g << 30n));
const offset = fc.oneof(fc.integer({ min: 0, max: SPAN }), fc.constantFrom(0, 1_000, DAY, 15 * DAY, SPAN));

const usageArb = fc.record({
  storage: fc.array(fc.record({ bucket: fc.constantFrom(...BUCKETS), bytes, offset }), { maxLength: 10 }),
  deletions: fc.array(fc.record({ bucket: fc.constantFrom(...BUCKETS), offset }), { maxLength: 2 }),
  traffic: fc.array(
    fc.record({ bucket: fc.constantFrom(...BUCKETS), offset, egress: bytes, ingress: bytes, a: fc.bigInt({ min: 0n, max: 10n ** 9n }), b: fc.bigInt({ min: 0n, max: 10n ** 9n }) }),
    { maxLength: 6 },
  ),
});
type UsageShape = typeof usageArb extends fc.Arbitrary<infer U> ? U : never;

const planArb = fc.record({
  planId: fc.constantFrom('basic', 'pro', 'archive'),
  version: fc.integer({ min: 1, max: 4 }),
  currency: fc.constant('BRL' as const),
  monthlyFee: fc.oneof(fc.constant('0'), price),
  monthlyMinimum: fc.oneof(fc.constant('0'), price),
  taxRate: fc.constantFrom('0', '0.05', '0.1', '0.0275'),
  meters: fc.record(
    {
      storage_gib_month: chargeModel({ flatFees: true }),
      egress_gib: chargeModel({ flatFees: true }),
      ingress_gib: chargeModel({ flatFees: true }),
      requests_a: chargeModel({ flatFees: true }),
      requests_b: chargeModel({ flatFees: true }),
    },
    { requiredKeys: [] },
  ),
}) as fc.Arbitrary<PlanVersion>;

const caseArb = fc.record({
  where: fc.constantFrom(...WHERE),
  plans: fc.array(planArb, { minLength: 1, maxLength: 3 }),
  cuts: fc.uniqueArray(fc.integer({ min: 1, max: SPAN }), { minLength: 2, maxLength: 2 }),
  lateStart: fc.boolean(),
  usage: usageArb,
  carried: fc.dictionary(fc.constantFrom(...BUCKETS), bytes, { maxKeys: 3 }),
  credit: fc.oneof(fc.constant('0'), fc.bigInt({ min: 0n, max: 100_000n }).map((c) => decimalString(c, 2))),
  earlier: fc.array(fc.record({ plan: planArb, usage: usageArb, billedShare: fc.integer({ min: 0, max: 3 }) }), { maxLength: 2 }),
});

function usageOf(shape: UsageShape, startMs: number, endMs: number): PeriodUsage {
  const at = (o: number) => formatInstant(Math.min(startMs + o, endMs - 1));
  return {
    storage: shape.storage.map((s) => ({ bucket: s.bucket, bytes: s.bytes.toString(), at: at(s.offset) })),
    deletions: shape.deletions.map((d) => ({ bucket: d.bucket, at: at(d.offset) })),
    traffic: shape.traffic.map((t) => ({
      bucket: t.bucket,
      windowStart: at(t.offset),
      windowEnd: formatInstant(Math.min(startMs + t.offset, endMs - 1) + 300_000),
      egressBytes: t.egress.toString(),
      ingressBytes: t.ingress.toString(),
      requestsA: t.a.toString(),
      requestsB: t.b.toString(),
    })),
  };
}

/** Segments over [start, end): the plans in order, cut at the given offsets; optionally the first starts inside the period. */
function segmentsOf(plans: PlanVersion[], cuts: number[], lateStart: boolean, startMs: number, endMs: number): PlanSegment[] {
  const inside = [...cuts].sort((a, b) => a - b).map((c) => startMs + c).filter((ms) => ms < endMs);
  const first = lateStart && inside.length > 0 ? inside.shift()! : startMs;
  const bounds = [first, ...inside.slice(0, plans.length - 1), endMs];
  return bounds.slice(0, -1).map((from, i) => ({ from: formatInstant(from), to: formatInstant(bounds[i + 1]!), plan: plans[i]! }));
}

type Case = typeof caseArb extends fc.Arbitrary<infer C> ? C : never;

function generatedInput(c: Case): RatingInput {
  const { period, timeZone } = c.where;
  const bounds = periodBounds(period, timeZone);
  const adjustments: PeriodAdjustment[] = [];
  let earlierPeriod = period;
  for (const e of c.earlier) {
    earlierPeriod = previousPeriod(earlierPeriod);
    const b = periodBounds(earlierPeriod, timeZone);
    const segments = [{ from: b.start, to: b.end, plan: e.plan }];
    const usage = usageOf(e.usage, b.startMs, b.endMs);
    // what the issued invoice billed: the period rated over the first part of its usage (the rest came late)
    const known = { storage: usage.storage.slice(0, e.billedShare), traffic: usage.traffic.slice(0, e.billedShare), deletions: usage.deletions.slice(0, e.billedShare) };
    const billed = rateInvoice({ period: earlierPeriod, timeZone, currency: 'BRL', segments, usage: known, carriedInStorage: {}, creditAvailable: '0' });
    const billedBefore: BilledLine[] = billed.lines.flatMap((l) => (l.kind === 'adjustment' ? [] : [{ kind: l.kind, segment: l.segment, quantity: l.quantity, amount: l.amount }]));
    adjustments.unshift({ period: earlierPeriod, segments, usage, carriedInStorage: {}, billedBefore });
  }
  return {
    period,
    timeZone,
    currency: 'BRL',
    segments: segmentsOf(c.plans.map((p, i) => ({ ...p, version: p.version + i })), c.cuts, c.lateStart, bounds.startMs, bounds.endMs),
    usage: usageOf(c.usage, bounds.startMs, bounds.endMs),
    carriedInStorage: Object.fromEntries(Object.entries(c.carried).map(([k, v]) => [k, v.toString()])),
    creditAvailable: c.credit,
    ...(adjustments.length > 0 ? { adjustments } : {}),
  };
}

/** One account of bench/billing.ts: the bench plan, two buckets, hourly storage and traffic for June 2026. */
function benchInput(): RatingInput {
  const plan: PlanVersion = {
    planId: 'bench',
    version: 1,
    currency: 'BRL',
    monthlyFee: '9.90',
    monthlyMinimum: '10.00',
    taxRate: '0.05',
    meters: {
      storage_gib_month: { model: 'graduated', tiers: [{ upTo: '100', unitPrice: '0.15' }, { upTo: null, unitPrice: '0.12' }], freeUnits: '5' },
      egress_gib: { model: 'per_unit', unitPrice: '0.40' },
      requests_a: { model: 'per_unit', unitPrice: '0.01' },
      requests_b: { model: 'per_unit', unitPrice: '0.004' },
    },
  };
  const bounds = periodBounds('2026-06', 'America/Sao_Paulo');
  const usage: PeriodUsage = { storage: [], traffic: [], deletions: [] };
  const start = Date.parse('2026-06-01T03:00:00Z');
  for (let h = 0; h < 30 * 24; h++) {
    const at = new Date(start + h * 3_600_000).toISOString();
    const end = new Date(start + (h + 1) * 3_600_000).toISOString();
    for (const bucket of ['bench-0-b0', 'bench-0-b1']) {
      usage.storage.push({ bucket, bytes: String((1n << 30n) * BigInt(50 + (h % 50))), at });
      usage.traffic.push({ bucket, windowStart: at, windowEnd: end, egressBytes: String(1_000_000 * (h % 7)), ingressBytes: '4096', requestsA: String(h % 13), requestsB: String(h % 101) });
    }
  }
  return { period: '2026-06', timeZone: 'America/Sao_Paulo', currency: 'BRL', segments: [{ from: bounds.start, to: bounds.end, plan }], usage, carriedInStorage: {}, creditAvailable: '0' };
}

function record(name: string, source: string, input: RatingInput, indent: number | undefined): boolean {
  const file = path.join(directory, `${name}.json`);
  if (existsSync(file)) return false;
  let rated;
  try {
    rated = rateInvoice(input);
  } catch (error) {
    if (error instanceof ValidationError) return false; // a generated input the engine refuses is not a rating to keep
    throw error;
  }
  writeFileSync(file, JSON.stringify({ name, source, input, rated, digest: digestOf(rated) }, null, indent) + '\n');
  return true;
}

let written = 0;
if (record('bench-one-account-hourly-month', 'bench/billing.ts: one account, two buckets, hourly samples for 2026-06', benchInput(), undefined)) written++;
fc.sample(caseArb, { seed: SEED, numRuns: CASES }).forEach((c, i) => {
  const name = `generated-${String(i + 1).padStart(3, '0')}`;
  if (record(name, `fast-check seed ${SEED}, case ${i + 1}`, generatedInput(c), 1)) written++;
});
console.log(`${written} new cases in ${directory}`);
