import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FieldIssue } from '../../../src/domain/errors.ts';
import type { InvoiceIssued } from '../../../src/domain/invoice/invoice-events.ts';
import { checkReceivedAt, decideRecordPayment, evolveSettlement, openSettlement, type IssuedView } from '../../../src/domain/invoice/payment-settlement.ts';
import { formatInstant, periodBounds, rateInvoice, type PlanVersion } from '../../../src/domain/rating/index.ts';
import { checkAmount, checkDecimal, RANGES } from '../../../src/domain/rating/money.ts';
import { planVersionIssues } from '../../../src/domain/rating/plan.ts';
import { decimalString } from './arbitraries.ts';

/**
 * The input ranges (docs/ranges.md) and exactness inside them: every expected figure here is
 * worked out in bigint (cents, or a rational rounded half away from zero), never by the engine.
 */
const MAX_CENTS = 10n ** 14n; // 10^12 major units
const TRILLION = '1000000000000';
const NINETY_FIVE_NINES = '9'.repeat(95);
const GIB = 2n ** 30n;
const MAX_BYTES = 2n ** 63n - 1n;

const issuesOf = (check: (issues: FieldIssue[]) => unknown) => {
  const issues: FieldIssue[] = [];
  check(issues);
  return issues;
};

/** n / d rounded half away from zero to cents (n, d ≥ 0), as a decimal string. */
const centsOf = (n: bigint, d: bigint): string => withTwoPlaces((n * 200n + d) / (2n * d));
const withTwoPlaces = (cents: bigint) => `${cents / 100n}.${(cents % 100n).toString().padStart(2, '0')}`;

const plan = (over: Partial<PlanVersion> = {}): PlanVersion => ({ planId: 'p', version: 1, currency: 'BRL', monthlyFee: '0', monthlyMinimum: '0', taxRate: '0', meters: {}, ...over });

describe('input ranges', () => {
  it('an amount is at most 10^12 major units with the minor-unit digits; 10^38 and 95 nines are refused naming the field', () => {
    expect(issuesOf((i) => checkAmount(TRILLION, 'amount', i, { positive: true, currency: 'BRL' }))).toEqual([]);
    expect(issuesOf((i) => checkAmount('999999999999.99', 'amount', i, { currency: 'BRL' }))).toEqual([]);
    for (const value of ['1000000000000.01', `1${'0'.repeat(38)}`, NINETY_FIVE_NINES, `${NINETY_FIVE_NINES}.99`]) {
      expect(issuesOf((i) => checkAmount(value, 'amount', i, { positive: true }))).toEqual([{ path: 'amount', message: 'must be at most 1000000000000' }]);
    }
    expect(issuesOf((i) => checkAmount('0.001', 'amount', i, { currency: 'BRL' }))).toEqual([{ path: 'amount', message: 'must have at most 2 decimal places' }]);
  });

  it('decimal places are judged on the text, not on a value already rounded to 80 digits', () => {
    const longTail = `1.${'0'.repeat(100)}1`;
    expect(issuesOf((i) => checkAmount(longTail, 'amount', i, { currency: 'BRL' }))).toEqual([{ path: 'amount', message: 'must have at most 2 decimal places' }]);
    expect(issuesOf((i) => checkDecimal(`${TRILLION}.${'0'.repeat(90)}1`, 'fee', i, { atMost: TRILLION, maxDecimals: 2 }))).toHaveLength(1);
    expect(issuesOf((i) => checkAmount('10.50000', 'amount', i, { currency: 'BRL' }))).toEqual([]);
  });

  it('a plan being published is held to the ranges, field by field; a version already recorded is still rated as it is', () => {
    const wild = plan({
      monthlyFee: NINETY_FIVE_NINES,
      monthlyMinimum: '10.001',
      taxRate: '0.0000001',
      meters: {
        storage_gib_month: { model: 'per_unit', unitPrice: '0.00000000001', freeUnits: `1${'0'.repeat(16)}` },
        egress_gib: { model: 'graduated', tiers: [{ upTo: '0.0000000001', unitPrice: '1', flatFee: '0.001' }, { upTo: null, unitPrice: `2${'0'.repeat(12)}` }] },
        requests_a: { model: 'package', packageSize: `1${'0'.repeat(15)}.5`, packagePrice: '1' },
      },
    });
    expect(planVersionIssues(wild, 'plan', 'published').map((i) => i.path)).toEqual([
      'plan.monthlyFee',
      'plan.monthlyMinimum',
      'plan.taxRate',
      'plan.meters.storage_gib_month.freeUnits',
      'plan.meters.storage_gib_month.unitPrice',
      'plan.meters.egress_gib.tiers[0].upTo',
      'plan.meters.egress_gib.tiers[0].flatFee',
      'plan.meters.egress_gib.tiers[1].unitPrice',
      'plan.meters.requests_a.packageSize',
    ]);
    expect(planVersionIssues(wild, 'plan', 'recorded')).toEqual([]);
    const atTheBounds = plan({
      monthlyFee: TRILLION,
      monthlyMinimum: TRILLION,
      taxRate: '1',
      meters: { storage_gib_month: { model: 'per_unit', unitPrice: `${TRILLION}`, freeUnits: `1${'0'.repeat(15)}` }, egress_gib: { model: 'per_unit', unitPrice: '0.0000000001' } },
    });
    expect(planVersionIssues(atTheBounds, 'plan', 'published')).toEqual([]);
    expect(RANGES.amount.atMost).toBe(TRILLION);
  });

  it("a payment's receivedAt is at most 5 minutes after the instant it is recorded", () => {
    const recordedAt = '2026-07-05T10:00:00.000Z';
    const at = (iso: string) => issuesOf((i) => checkReceivedAt(Date.parse(iso), recordedAt, 'receivedAt', i));
    expect(at('2026-07-05T10:05:00.000Z')).toEqual([]);
    expect(at('2026-07-05T10:05:00.001Z').map((i) => i.path)).toEqual(['receivedAt']);
    expect(at('2030-01-01T00:00:00.000Z')[0]!.message).toBe("must not be later than 2026-07-05T10:05:00.000Z (the service's clock plus 5 minutes): money cannot be received in the future");
  });
});

describe('exactness inside the ranges', () => {
  const where = { period: '2026-07' as const, timeZone: 'America/Sao_Paulo' };
  const bounds = periodBounds(where.period, where.timeZone);
  const periodMs = BigInt(bounds.endMs - bounds.startMs);
  const rate = (p: PlanVersion, storage: { bucket: string; bytes: string; at: string }[] = []) =>
    rateInvoice({ ...where, currency: 'BRL', segments: [{ from: bounds.start, to: bounds.end, plan: p }], usage: { storage, deletions: [], traffic: [] }, carriedInStorage: {}, creditAvailable: '0' });

  const amountCents = fc.oneof(fc.constant(MAX_CENTS), fc.constant(MAX_CENTS - 1n), fc.bigInt({ min: 0n, max: MAX_CENTS }));
  const taxMicros = fc.oneof(fc.constant(1_000_000n), fc.constant(0n), fc.bigInt({ min: 0n, max: 1_000_000n }));

  it('property: a monthly fee up to the maximum rates to exactly that fee, and its tax is fee × rate rounded once', () => {
    fc.assert(
      fc.property(amountCents, taxMicros, (fee, tax) => {
        const invoice = rate(plan({ monthlyFee: decimalString(fee, 2), taxRate: decimalString(tax, 6) }));
        const expectedTax = (fee * tax * 2n + 1_000_000n) / 2_000_000n; // cents, half away from zero
        expect(invoice.lines.map((l) => [l.kind, l.amount])).toEqual(fee === 0n ? [] : [['monthly_fee', withTwoPlaces(fee)]]);
        expect(invoice.subtotal).toBe(withTwoPlaces(fee));
        expect(invoice.tax).toBe(withTwoPlaces(expectedTax));
        expect(invoice.total).toBe(withTwoPlaces(fee + expectedTax));
      }),
      { numRuns: 300 },
    );
  });

  it('property: storage at the largest count, priced at the largest unit price, rates to the exact rational amount rounded once', () => {
    const priceUnits = fc.oneof(fc.constant(10n ** 22n), fc.bigInt({ min: 1n, max: 10n ** 22n })); // in 10^-10 major units
    const bytes = fc.oneof(fc.constant(MAX_BYTES), fc.bigInt({ min: 1n, max: MAX_BYTES }));
    const heldFrom = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: Number(periodMs) - 1 }));
    fc.assert(
      fc.property(priceUnits, bytes, heldFrom, (price, b, from) => {
        const unitPrice = decimalString(price, 10);
        const invoice = rate(plan({ meters: { storage_gib_month: { model: 'per_unit', unitPrice } } }), [{ bucket: 'b', bytes: b.toString(), at: formatInstant(bounds.startMs + from) }]);
        const held = periodMs - BigInt(from);
        // bytes × ms held × price / (2^30 × period ms × 10^10)
        const expected = centsOf(b * held * price, GIB * periodMs * 10n ** 10n);
        expect(invoice.lines.find((l) => l.kind === 'storage_gib_month')?.amount ?? '0.00').toBe(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('property: payments up to the maximum settle exactly: applied + excess is the payment, and what is due never drops below zero', () => {
    const issuedWith = (totalCents: bigint): IssuedView => {
      const issued = { accountId: 'a', period: '2026-07', invoiceId: 'i', number: 'INV-2026-000001', currency: 'BRL', total: withTwoPlaces(totalCents) } as unknown as InvoiceIssued['data'];
      return { draft: {} as IssuedView['draft'], issued, settlement: openSettlement(issued) };
    };
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 4n * MAX_CENTS }), fc.array(fc.oneof(fc.constant(MAX_CENTS), fc.bigInt({ min: 1n, max: MAX_CENTS })), { minLength: 1, maxLength: 6 }), (total, payments) => {
        let view = issuedWith(total);
        let paid = 0n;
        payments.forEach((cents, n) => {
          const events = decideRecordPayment(
            {
              type: 'RecordPayment',
              data: { accountId: 'a', period: '2026-07', invoiceId: 'i', paymentId: `p${n}`, externalRef: `r${n}`, amount: withTwoPlaces(cents), method: 'pix', receivedAt: '2026-08-01T00:00:00.000Z', recordedAt: '2026-08-01T00:00:00.000Z' },
            },
            view,
          );
          const recorded = events[0]!;
          if (recorded.type !== 'PaymentRecorded') throw new Error('expected PaymentRecorded');
          const due = total - paid > 0n ? total - paid : 0n;
          const applied = cents < due ? cents : due;
          expect(recorded.data.amount).toBe(withTwoPlaces(cents));
          expect(recorded.data.appliedAmount).toBe(withTwoPlaces(applied));
          expect(recorded.data.excessAmount).toBe(withTwoPlaces(cents - applied));
          expect(recorded.data.amountDueAfter).toBe(withTwoPlaces(due - applied));
          paid += applied;
          for (const event of events) view = { ...view, settlement: evolveSettlement(view.settlement, event as Parameters<typeof evolveSettlement>[1]) };
        });
        expect(view.settlement.amountPaid).toBe(withTwoPlaces(paid));
      }),
      { numRuns: 200 },
    );
  });
});
