import fc from 'fast-check';
import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import {
  formatInstant,
  formatMoney,
  meterSegments,
  parseUsage,
  periodBounds,
  rateInvoice,
  roundLine,
  type ChargeModel,
  type PeriodUsage,
  type PlanVersion,
  type RatedInvoice,
  type RatingInput,
} from '../../../src/domain/rating/index.ts';
import { chargeModel, decimalString, price } from './arbitraries.ts';

const D = Decimal.clone({ precision: 100 });
const RUNS = { numRuns: 200 };
const GIB = 2n ** 30n;

const PERIODS = [
  { period: '2026-06', timeZone: 'America/Sao_Paulo' },
  { period: '2026-03', timeZone: 'America/New_York' },
  { period: '2026-11', timeZone: 'America/New_York' },
  { period: '2026-10', timeZone: 'Australia/Lord_Howe' }, // a half-hour DST shift
];
/** below the shortest of the periods above (30 days − 1 hour) */
const SPAN = 30 * 86_400_000 - 3_600_000;

const BUCKETS = ['alpha', 'beta', 'gamma'];
const bytes = fc.bigInt({ min: 0n, max: 2n ** 50n });
// some instants shared on purpose, so that ties (two samples, or a sample and a deletion, at one instant) happen
const offset = fc.oneof(fc.integer({ min: 0, max: SPAN - 1 }), fc.constantFrom(0, 1_000, 86_400_000, SPAN - 1));

interface Scenario {
  where: (typeof PERIODS)[number];
  storage: { bucket: string; bytes: bigint; offset: number }[];
  deletions: { bucket: string; offset: number }[];
  traffic: { bucket: string; offset: number; egress: bigint; ingress: bigint; a: bigint; b: bigint }[];
  carried: Record<string, bigint>;
}

const scenario: fc.Arbitrary<Scenario> = fc.record({
  where: fc.constantFrom(...PERIODS),
  storage: fc.array(fc.record({ bucket: fc.constantFrom(...BUCKETS), bytes, offset }), { maxLength: 12 }),
  deletions: fc.array(fc.record({ bucket: fc.constantFrom(...BUCKETS), offset }), { maxLength: 2 }),
  traffic: fc.array(
    fc.record({ bucket: fc.constantFrom(...BUCKETS), offset, egress: bytes, ingress: bytes, a: fc.bigInt({ min: 0n, max: 10n ** 10n }), b: fc.bigInt({ min: 0n, max: 10n ** 10n }) }),
    { maxLength: 8 },
  ),
  carried: fc.dictionary(fc.constantFrom(...BUCKETS), bytes, { maxKeys: 3 }),
});

const planArb = (meterModel: fc.Arbitrary<ChargeModel> = chargeModel({ flatFees: true })): fc.Arbitrary<PlanVersion> =>
  fc.record({
    planId: fc.constant('p'),
    version: fc.constant(1),
    currency: fc.constant('BRL' as const),
    monthlyFee: price,
    monthlyMinimum: price,
    taxRate: fc.constantFrom('0', '0.05', '0.1', '0.0275'),
    meters: fc.record(
      {
        storage_gib_month: meterModel,
        egress_gib: meterModel,
        ingress_gib: meterModel,
        requests_a: meterModel,
        requests_b: meterModel,
      },
      { requiredKeys: [] },
    ),
  });

const credit = fc.bigInt({ min: 0n, max: 100_000n }).map((c) => decimalString(c, 2));

function usageOf(s: Scenario, startMs: number): PeriodUsage {
  return {
    storage: s.storage.map((x) => ({ bucket: x.bucket, bytes: x.bytes.toString(), at: formatInstant(startMs + x.offset) })),
    deletions: s.deletions.map((x) => ({ bucket: x.bucket, at: formatInstant(startMs + x.offset) })),
    traffic: s.traffic.map((x) => ({
      bucket: x.bucket,
      windowStart: formatInstant(startMs + x.offset),
      windowEnd: formatInstant(startMs + x.offset + 300_000),
      egressBytes: x.egress.toString(),
      ingressBytes: x.ingress.toString(),
      requestsA: x.a.toString(),
      requestsB: x.b.toString(),
    })),
  };
}

function rate(s: Scenario, plans: PlanVersion | { plan: PlanVersion; cut: number; second: PlanVersion }, creditAvailable = '0'): RatedInvoice {
  const bounds = periodBounds(s.where.period, s.where.timeZone);
  const segments =
    'cut' in plans
      ? [
          { from: bounds.start, to: formatInstant(bounds.startMs + plans.cut), plan: plans.plan },
          { from: formatInstant(bounds.startMs + plans.cut), to: bounds.end, plan: plans.second },
        ]
      : [{ from: bounds.start, to: bounds.end, plan: plans }];
  const input: RatingInput = {
    ...s.where,
    currency: 'BRL',
    segments,
    usage: usageOf(s, bounds.startMs),
    carriedInStorage: Object.fromEntries(Object.entries(s.carried).map(([k, v]) => [k, v.toString()])),
    creditAvailable,
  };
  return rateInvoice(input);
}

const sum = (values: string[]) => values.reduce((a, v) => a.plus(v), new D(0));
const close = (a: Decimal.Value, b: Decimal.Value, tolerance: Decimal.Value = '1e-45') => new D(a).minus(b).abs().lte(tolerance);

describe('rating properties', () => {
  it('total = Σ lines + tax − credit, exactly in minor units; tax is the subtotal × rate rounded once; credit never exceeds what is due', () => {
    fc.assert(
      fc.property(scenario, planArb(), credit, (s, plan, c) => {
        const invoice = rate(s, plan, c);
        const subtotal = sum(invoice.lines.map((l) => l.amount));
        expect(subtotal.toFixed(2)).toBe(invoice.subtotal);
        expect(subtotal.plus(invoice.tax).minus(invoice.creditApplied).toFixed(2)).toBe(invoice.total);
        expect(formatMoney(roundLine(subtotal.times(plan.taxRate), 'BRL'), 'BRL')).toBe(invoice.tax);
        expect(new D(invoice.creditApplied).eq(D.min(c, subtotal.plus(invoice.tax)))).toBe(true);
        expect(new D(invoice.total).gte(0)).toBe(true);
        for (const amount of [invoice.subtotal, invoice.tax, invoice.total, ...invoice.lines.map((l) => l.amount)]) expect(amount).toMatch(/^\d+\.\d{2}$/);
      }),
      RUNS,
    );
  });

  it('every line is its unrounded amount rounded once', () => {
    fc.assert(
      fc.property(scenario, planArb(), (s, plan) => {
        for (const line of rate(s, plan).lines) expect(formatMoney(roundLine(line.unroundedAmount, 'BRL'), 'BRL')).toBe(line.amount);
      }),
      RUNS,
    );
  });

  it('replaying the same inputs in any order (and with instants in any offset) gives a byte-identical invoice', () => {
    fc.assert(
      fc.property(scenario, planArb(), fc.nat(), (s, plan, seed) => {
        const bounds = periodBounds(s.where.period, s.where.timeZone);
        const baseline = JSON.stringify(rate(s, plan));
        const usage = usageOf(s, bounds.startMs);
        const shuffle = <T>(items: T[], salt: number) => items.map((item, i) => ({ item, key: ((i + 1) * 2_654_435_761 + seed * 40_503 + salt) % 4_294_967_291 })).sort((a, b) => a.key - b.key).map((x) => x.item);
        const inSaoPaulo = (iso: string) => {
          const local = new Date(Date.parse(iso) - 3 * 3_600_000).toISOString().slice(0, 23);
          return `${local}-03:00`;
        };
        const replayed = rateInvoice({
          ...s.where,
          currency: 'BRL',
          segments: [{ from: bounds.start, to: bounds.end, plan }],
          usage: {
            storage: shuffle(usage.storage, 1).map((x) => ({ ...x, at: inSaoPaulo(x.at) })),
            deletions: shuffle(usage.deletions, 2),
            traffic: shuffle(usage.traffic, 3).map((x) => ({ ...x, windowStart: inSaoPaulo(x.windowStart) })),
          },
          carriedInStorage: Object.fromEntries(shuffle(Object.entries(s.carried), 4).map(([k, v]) => [k, v.toString()])),
          creditAvailable: '0',
        });
        expect(JSON.stringify(replayed)).toBe(baseline);
      }),
      RUNS,
    );
  });

  it('re-sending storage samples and deletions changes nothing', () => {
    fc.assert(
      fc.property(scenario, planArb(), fc.array(fc.nat(), { maxLength: 6 }), (s, plan, picks) => {
        const again: Scenario = {
          ...s,
          storage: [...s.storage, ...picks.flatMap((p) => (s.storage.length ? [s.storage[p % s.storage.length]!] : []))],
          deletions: [...s.deletions, ...s.deletions],
        };
        expect(JSON.stringify(rate(again, plan))).toBe(JSON.stringify(rate(s, plan)));
      }),
      RUNS,
    );
  });

  it('GiB-month, transfer and requests are additive when a period is split at any instant', () => {
    fc.assert(
      fc.property(scenario, fc.integer({ min: 1, max: SPAN - 1 }), (s, cut) => {
        const bounds = periodBounds(s.where.period, s.where.timeZone);
        const parsed = parseUsage(usageOf(s, bounds.startMs), Object.fromEntries(Object.entries(s.carried).map(([k, v]) => [k, v.toString()])), bounds.startMs, bounds.endMs, []);
        const [whole] = meterSegments(parsed, [bounds.startMs, bounds.endMs]);
        const [first, second] = meterSegments(parsed, [bounds.startMs, bounds.startMs + cut, bounds.endMs]);
        expect(first!.storageByteMillis + second!.storageByteMillis).toBe(whole!.storageByteMillis);
        expect(close(first!.storageGibMonths.plus(second!.storageGibMonths), whole!.storageGibMonths, '1e-60')).toBe(true);
        for (const key of ['egressBytes', 'ingressBytes', 'requestsA', 'requestsB'] as const) expect(first![key] + second![key]).toBe(whole![key]);
      }),
      RUNS,
    );
  });

  it('a constant B bytes all period bills exactly B / 2^30 GiB-month', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PERIODS), bytes, fc.boolean(), (where, b, asSample) => {
        const s: Scenario = { where, storage: asSample ? [{ bucket: 'alpha', bytes: b, offset: 0 }] : [], deletions: [], traffic: [], carried: asSample ? {} : { alpha: b } };
        const invoice = rate(s, { planId: 'p', version: 1, currency: 'BRL', monthlyFee: '0', monthlyMinimum: '0', taxRate: '0', meters: { storage_gib_month: { model: 'per_unit', unitPrice: '1' } } });
        const expected = new D(b.toString()).div(GIB.toString());
        if (b === 0n) expect(invoice.lines).toEqual([]);
        else expect(invoice.lines[0]!.quantity).toBe(expected.toFixed());
      }),
      RUNS,
    );
  });

  it('more bytes or more time never lowers a charge (every model but volume, whose tiers are a deliberate cliff)', () => {
    fc.assert(
      fc.property(scenario, planArb(chargeModel({ kinds: ['per_unit', 'graduated', 'package'], flatFees: true })), bytes, fc.nat(), (s, plan, extra, pick) => {
        const before = rate(s, plan);
        const more: Scenario = {
          ...s,
          storage: s.storage.map((x, i) => (i === pick % Math.max(1, s.storage.length) ? { ...x, bytes: x.bytes + extra } : x)),
          deletions: s.deletions.filter((_, i) => i !== pick % Math.max(1, s.deletions.length)), // a bucket kept longer
          traffic: [...s.traffic, { bucket: 'alpha', offset: pick % SPAN, egress: extra, ingress: extra, a: extra, b: extra }],
        };
        const after = rate(more, plan);
        const byKind = (invoice: RatedInvoice) => new Map(invoice.lines.filter((l) => l.segment !== null).map((l) => [l.kind, new D(l.unroundedAmount)]));
        const [b, a] = [byKind(before), byKind(after)];
        for (const [kind, amount] of b) expect(a.get(kind)?.gte(amount) ?? amount.isZero()).toBe(true);
        expect(new D(after.subtotal).gte(before.subtotal)).toBe(true);
      }),
      RUNS,
    );
  });

  it('the total never goes below the minimum (before credit)', () => {
    fc.assert(
      fc.property(scenario, planArb(), (s, plan) => {
        const invoice = rate(s, plan);
        expect(new D(invoice.subtotal).gte(roundLine(plan.monthlyMinimum, 'BRL'))).toBe(true);
        expect(new D(invoice.total).gte(invoice.subtotal)).toBe(true); // no credit, tax ≥ 0
      }),
      RUNS,
    );
  });

  it('a plan change at any instant between equal plans: same quantities, fees, allowances and minimum as no change', () => {
    fc.assert(
      fc.property(scenario, planArb(), fc.integer({ min: 1, max: SPAN - 1 }), (s, plan, cut) => {
        const whole = rate(s, plan);
        const split = rate(s, { plan, cut, second: { ...plan } });
        const total = (invoice: RatedInvoice, kind: string, field: 'quantity' | 'unroundedAmount') => sum(invoice.lines.filter((l) => l.kind === kind).map((l) => l[field]));
        for (const kind of ['storage_gib_month', 'egress_gib', 'ingress_gib', 'requests_a', 'requests_b']) {
          expect(close(total(split, kind, 'quantity'), total(whole, kind, 'quantity'))).toBe(true);
        }
        expect(close(total(split, 'monthly_fee', 'unroundedAmount'), plan.monthlyFee)).toBe(true);
        // allowances: the segments' prorated free units and tier bounds add up to the plan's
        const priced = split.lines.filter((l) => l.segment !== null && l.kind !== 'monthly_fee');
        for (const kind of new Set(priced.map((l) => l.kind))) {
          const lines = priced.filter((l) => l.kind === kind);
          if (lines.length !== 2) continue; // usage in one segment only
          const model = plan.meters[kind as keyof PlanVersion['meters']]!;
          const pricings = lines.map((l) => l.pricing as ChargeModel);
          if (model.freeUnits !== undefined) expect(close(sum(pricings.map((p) => p.freeUnits!)), model.freeUnits)).toBe(true);
          if (model.model === 'graduated' || model.model === 'volume') {
            model.tiers.forEach((tier, i) => {
              if (tier.upTo !== null) expect(close(sum(pricings.map((p) => (p as typeof model).tiers[i]!.upTo!)), tier.upTo)).toBe(true);
            });
          }
        }
        // the minimum, prorated per segment, adds up to the plan's
        const minimum = formatMoney(roundLine(plan.monthlyMinimum, 'BRL'), 'BRL');
        const trueUp = split.lines.find((l) => l.kind === 'minimum_true_up');
        if (trueUp) {
          const pricing = trueUp.pricing as Extract<RatedInvoice['lines'][number]['pricing'], { model: 'minimum' }>;
          expect(pricing.minimum).toBe(minimum);
          expect(close(sum(pricing.segments.map((m) => m.proratedMinimum)), plan.monthlyMinimum)).toBe(true);
        }
        expect(new D(split.subtotal).gte(minimum)).toBe(true);
        // priced per unit without free units, the amounts themselves add up (before each line's rounding)
        const linear = Object.values(plan.meters).every((m) => m.model === 'per_unit' && m.freeUnits === undefined);
        if (linear) {
          const unrounded = (invoice: RatedInvoice) => sum(invoice.lines.filter((l) => l.kind !== 'minimum_true_up').map((l) => l.unroundedAmount));
          expect(close(unrounded(split), unrounded(whole))).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it('storage held constant costs the same, whatever the model, with or without a plan change', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PERIODS), bytes, planArb(), fc.integer({ min: 1, max: SPAN - 1 }), (where, b, plan, cut) => {
        const s: Scenario = { where, storage: [], deletions: [], traffic: [], carried: { alpha: b } };
        const storageAmount = (invoice: RatedInvoice) => sum(invoice.lines.filter((l) => l.kind === 'storage_gib_month').map((l) => l.unroundedAmount));
        const whole = rate(s, plan);
        const split = rate(s, { plan, cut, second: { ...plan } });
        expect(close(storageAmount(split), storageAmount(whole), new D('1e-40').times(storageAmount(whole).plus(1)))).toBe(true);
      }),
      RUNS,
    );
  });
});
