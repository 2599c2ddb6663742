import { describe, expect, it } from 'vitest';
import { rateInvoice, type RatedInvoice } from '../../../src/domain/rating/index.ts';
import { gibBytes, input, perUnit, plan, traffic } from './fixtures.ts';

/**
 * A first subscription inside the period: the period is rated from the subscription's start.
 * Usage before it is not billed; the fee, minimum, free units and tier bounds are the
 * segment's share of the period's seconds (as for a mid-period plan change).
 *
 * 2026-06 in America/Sao_Paulo is 30 days; from 2026-06-16T00:00-03:00 is 15 days: share 1/2.
 */
const FROM_16TH = { from: '2026-06-16T00:00:00-03:00', to: '2026-07-01T00:00:00-03:00' };
const amounts = (invoice: RatedInvoice) => invoice.lines.map((l) => [l.kind, l.quantity, l.amount]);

describe('a partial first period', () => {
  it('fee 30.00 → 15.00; storage in force at the start counts from the start, free units 10 → 5; tier bound 20 → 10; earlier egress not billed', () => {
    const starter = plan(
      { planId: 'starter', monthlyFee: '30.00', monthlyMinimum: '10.00', taxRate: '0.05' },
      {
        storage_gib_month: perUnit('0.15', '10'),
        egress_gib: { model: 'graduated', tiers: [{ upTo: '20', unitPrice: '0.50' }, { upTo: null, unitPrice: '0.25' }] },
      },
    );
    const invoice = rateInvoice(
      input({
        period: '2026-06',
        segments: [{ ...FROM_16TH, plan: starter }],
        carriedInStorage: { b: gibBytes(100) },
        usage: {
          storage: [],
          traffic: [
            traffic('b', '2026-06-10T00:00:00-03:00', '2026-06-10T01:00:00-03:00', { egress: gibBytes(50) }), // before the subscription: not billed
            traffic('b', '2026-06-20T00:00:00-03:00', '2026-06-20T01:00:00-03:00', { egress: gibBytes(30) }),
          ],
          deletions: [],
        },
      }),
    );
    // fee:     30.00 × 1/2 = 15.00
    // storage: 100 GiB from the 16th = 100 × 15/30 = 50 GiB-month; 10 × 1/2 = 5 free; 45 × 0.15 = 6.75
    // egress:  30 GiB; the first tier's bound 20 × 1/2 = 10: 10 × 0.50 + 20 × 0.25 = 10.00
    // subtotal 31.75 (above the minimum 10.00 × 1/2 = 5.00); tax 5% = 1.5875 → 1.59; total 33.34
    expect(amounts(invoice)).toEqual([
      ['monthly_fee', '0.5', '15.00'],
      ['storage_gib_month', '50', '6.75'],
      ['egress_gib', '30', '10.00'],
    ]);
    expect(invoice.lines[0]!.explanation).toContain("15 days of the period's 30 days (50%)");
    expect(invoice.lines[1]!.pricing).toMatchObject({ freeUnits: '5', share: '0.5' });
    expect(invoice.lines[2]!.pricing).toMatchObject({ tiers: [{ upTo: '10' }, { upTo: null }] });
    expect(invoice.lines[1]!.from).toBe('2026-06-16T03:00:00.000Z');
    expect(invoice).toMatchObject({ periodStart: '2026-06-01T03:00:00.000Z', subtotal: '31.75', minimumTrueUp: '0.00', tax: '1.59', total: '33.34' });
  });

  it('minimum 10.00 → 5.00: 2.00 of egress gets a true-up of 3.00, over the covered part of the period', () => {
    const metered = plan({ planId: 'metered', monthlyMinimum: '10.00', taxRate: '0.05' }, { egress_gib: perUnit('0.40') });
    const invoice = rateInvoice(
      input({
        period: '2026-06',
        segments: [{ ...FROM_16TH, plan: metered }],
        usage: { storage: [], traffic: [traffic('b', '2026-06-20T00:00:00-03:00', '2026-06-20T01:00:00-03:00', { egress: gibBytes(5) })], deletions: [] },
      }),
    );
    expect(amounts(invoice)).toEqual([
      ['egress_gib', '5', '2.00'],
      ['minimum_true_up', '1', '3.00'],
    ]);
    expect(invoice.lines[1]).toMatchObject({ from: '2026-06-16T03:00:00.000Z', to: '2026-07-01T03:00:00.000Z', pricing: { model: 'minimum', minimum: '5.00' } });
    expect(invoice).toMatchObject({ subtotal: '5.00', tax: '0.25', total: '5.25' });
  });

  it('the same as a plan change from a plan that charges nothing: the covered segment is rated identically', () => {
    const metered = plan({ planId: 'metered', monthlyFee: '30.00', monthlyMinimum: '10.00', taxRate: '0.05' }, { storage_gib_month: perUnit('0.15', '10') });
    const usage = { storage: [{ bucket: 'b', bytes: gibBytes(40), at: '2026-06-05T00:00:00-03:00' }], traffic: [], deletions: [] };
    const partial = rateInvoice(input({ period: '2026-06', segments: [{ ...FROM_16TH, plan: metered }], usage }));
    const free = plan({ planId: 'nothing' });
    const changed = rateInvoice(input({ period: '2026-06', segments: [{ from: '2026-06-01T00:00:00-03:00', to: FROM_16TH.from, plan: free }, { ...FROM_16TH, plan: metered }], usage }));
    expect(amounts(partial)).toEqual(amounts(changed));
    expect(partial.total).toBe(changed.total);
  });
});
