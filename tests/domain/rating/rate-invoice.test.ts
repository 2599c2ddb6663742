import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/domain/errors.ts';
import { rateInvoice, type RatedInvoice } from '../../../src/domain/rating/index.ts';
import { WORKED_PLAN, gibBytes, input, perUnit, plan, traffic } from './fixtures.ts';

const JUNE = { from: '2026-06-01T00:00:00-03:00', to: '2026-07-01T00:00:00-03:00' };
const amounts = (invoice: RatedInvoice) => invoice.lines.map((l) => [l.kind, l.segment, l.quantity, l.amount]);

describe('rating by hand', () => {
  it('a DST month: New York 2026-03 is 30 days 23 hours, and storage counts real seconds', () => {
    // 743 GiB from the period start (1 March 00:00 EST) until the bucket is deleted at
    // 16 March 00:00 EDT: 15 days − 1 hour = 359 h of the month's 743 h.
    // 743 × 359 / 743 = 359 GiB-month × 0.02 = 7.18 (a 31 × 24 h month would give 359.516… GiB-month)
    const invoice = rateInvoice(
      input({
        period: '2026-03',
        timeZone: 'America/New_York',
        currency: 'USD',
        segments: [{ from: '2026-03-01T00:00:00-05:00', to: '2026-04-01T00:00:00-04:00', plan: plan({ currency: 'USD' }, { storage_gib_month: perUnit('0.02') }) }],
        usage: { storage: [], traffic: [], deletions: [{ bucket: 'b', at: '2026-03-16T00:00:00-04:00' }] },
        carriedInStorage: { b: gibBytes(743) },
      }),
    );
    expect(invoice.periodSeconds).toBe('2674800');
    expect(amounts(invoice)).toEqual([['storage_gib_month', 0, '359', '7.18']]);
    expect(invoice.lines[0]!.explanation).toContain('743 GiB (797,790,175,232 bytes) from 2026-03-01T05:00:00.000Z to 2026-03-16T04:00:00.000Z (14 days 23 hours)');
    expect(invoice.total).toBe('7.18');
  });

  it('carried-in storage, a deletion, a new bucket, samples in any order', () => {
    // 2026-06 São Paulo, 30 days.
    // archive: 300 GiB carried in, held 10 days   → 300 × 10/30 = 100
    //          600 GiB from 11 June, held 10 days → 600 × 10/30 = 200
    //          deleted 21 June                    → 0
    // logs:    60 GiB from 25 June, held 6 days   →  60 ×  6/30 =  12
    // 312 GiB-month × 0.15 = 46.80
    const invoice = rateInvoice(
      input({
        period: '2026-06',
        segments: [{ ...JUNE, plan: plan({}, { storage_gib_month: perUnit('0.15') }) }],
        usage: {
          storage: [
            { bucket: 'logs', bytes: gibBytes(60), at: '2026-06-25T03:00:00Z' },
            { bucket: 'archive', bytes: gibBytes(600), at: '2026-06-11T00:00:00-03:00' },
          ],
          traffic: [],
          deletions: [{ bucket: 'archive', at: '2026-06-21T00:00:00-03:00' }],
        },
        carriedInStorage: { archive: gibBytes(300) },
      }),
    );
    expect(amounts(invoice)).toEqual([['storage_gib_month', 0, '312', '46.80']]);
    expect(invoice.lines[0]!.explanation).toContain('bucket archive: 300 GiB');
    expect(invoice.lines[0]!.explanation).toContain('bucket logs: 60 GiB (64,424,509,440 bytes) from 2026-06-25T03:00:00.000Z to 2026-07-01T03:00:00.000Z (6 days)');
  });

  it('graduated, volume, package and free units on one invoice', () => {
    // storage 250 GiB all month = 250 GiB-month; graduated, 10 free: 240 → 100 × 0.20 + 140 × 0.10 = 34.00
    // egress 150 GiB, volume: 150 falls in (100, 1000] → 150 × 0.30 = 45.00
    // class B 1,234,567 = 1,234.567 thousand − 1,000 free = 234.567 → 3 packages of 100 × 0.25 = 0.75
    // ingress 20 GiB at 0 = 0.00 (shown: there was usage)
    // subtotal 79.75; tax 5% = 3.9875 → 3.99; total 83.74
    const invoice = rateInvoice(
      input({
        period: '2026-06',
        segments: [
          {
            ...JUNE,
            plan: plan(
              { taxRate: '0.05' },
              {
                storage_gib_month: { model: 'graduated', freeUnits: '10', tiers: [{ upTo: '100', unitPrice: '0.20' }, { upTo: null, unitPrice: '0.10' }] },
                egress_gib: { model: 'volume', tiers: [{ upTo: '100', unitPrice: '0.50' }, { upTo: '1000', unitPrice: '0.30' }, { upTo: null, unitPrice: '0.20' }] },
                ingress_gib: perUnit('0'),
                requests_b: { model: 'package', packageSize: '100', packagePrice: '0.25', freeUnits: '1000' },
              },
            ),
          },
        ],
        usage: { storage: [], traffic: [traffic('b', '2026-06-03T10:00:00-03:00', '2026-06-03T11:00:00-03:00', { egress: gibBytes(150), ingress: gibBytes(20), b: '1234567' })], deletions: [] },
        carriedInStorage: { b: gibBytes(250) },
      }),
    );
    expect(amounts(invoice)).toEqual([
      ['storage_gib_month', 0, '250', '34.00'],
      ['egress_gib', 0, '150', '45.00'],
      ['ingress_gib', 0, '20', '0.00'],
      ['requests_b', 0, '1234.567', '0.75'],
    ]);
    expect(invoice).toMatchObject({ subtotal: '79.75', tax: '3.99', total: '83.74' });
    expect(invoice.lines[3]!.explanation).toContain('3 packages (rounded up)');
  });

  it('a mid-period plan change: fees, allowances and minimums prorated; true-up; credit applied', () => {
    // 2026-06 (30 days) split at 21 June 00:00 -03:00: 20 days (2/3) on basic, 10 days (1/3) on pro.
    // 90 GiB all month.
    // basic: fee 30 × 2/3 = 20.00; storage 90 × 2/3 = 60 GiB-month × 0.10 = 6.00
    // pro:   fee 90 × 1/3 = 30.00; storage 90 × 1/3 = 30 GiB-month, 30 × 1/3 = 10 free → 20 × 0.08 = 1.60
    // lines 57.60; minimum 60 × 2/3 + 150 × 1/3 = 40 + 50 = 90.00 → true-up 32.40; subtotal 90.00
    // tax 5% = 4.50; 94.50 due; credit 20.00 applied; total 74.50
    const basic = plan({ planId: 'basic', monthlyFee: '30.00', monthlyMinimum: '60.00', taxRate: '0.05' }, { storage_gib_month: perUnit('0.10') });
    const pro = plan({ planId: 'pro', version: 3, monthlyFee: '90.00', monthlyMinimum: '150.00', taxRate: '0.05' }, { storage_gib_month: perUnit('0.08', '30') });
    const invoice = rateInvoice(
      input({
        period: '2026-06',
        segments: [
          { from: JUNE.from, to: '2026-06-21T00:00:00-03:00', plan: basic },
          { from: '2026-06-21T00:00:00-03:00', to: JUNE.to, plan: pro },
        ],
        carriedInStorage: { b: gibBytes(90) },
        creditAvailable: '20.00',
      }),
    );
    expect(invoice.lines.map((l) => [l.kind, l.segment, l.planId, l.amount])).toEqual([
      ['monthly_fee', 0, 'basic', '20.00'],
      ['storage_gib_month', 0, 'basic', '6.00'],
      ['monthly_fee', 1, 'pro', '30.00'],
      ['storage_gib_month', 1, 'pro', '1.60'],
      ['minimum_true_up', null, null, '32.40'],
    ]);
    expect(invoice).toMatchObject({ subtotal: '90.00', minimumTrueUp: '32.40', tax: '4.50', creditApplied: '20.00', total: '74.50' });
    expect(invoice.lines[3]!.pricing).toMatchObject({ model: 'per_unit', unitPrice: '0.08' });
    expect(invoice.lines[4]!.explanation).toContain('the lines above come to 57.60, so 32.40 is added');
  });

  it('the minimum true-up on a quiet month, and credit never exceeds what is due', () => {
    // 1 GiB all month × 0.15 = 0.15; minimum 10.00 → true-up 9.85; tax 5% = 0.50; due 10.50; credit 25 → 10.50 applied
    const invoice = rateInvoice(input({ period: '2026-06', segments: [{ ...JUNE, plan: WORKED_PLAN }], carriedInStorage: { b: gibBytes(1) }, creditAvailable: '25.00' }));
    expect(amounts(invoice)).toEqual([
      ['storage_gib_month', 0, '1', '0.15'],
      ['minimum_true_up', null, '1', '9.85'],
    ]);
    expect(invoice).toMatchObject({ subtotal: '10.00', minimumTrueUp: '9.85', tax: '0.50', creditApplied: '10.50', total: '0.00' });
  });

  it('an amount exactly on a half-cent rounds away from zero even when its quantity does not terminate', () => {
    // 1 GiB for 10 of 30 days = 1/3 GiB-month × 0.015 = 0.005 exactly → 0.01
    const invoice = rateInvoice(
      input({
        period: '2026-06',
        segments: [{ ...JUNE, plan: plan({}, { storage_gib_month: perUnit('0.015') }) }],
        usage: { storage: [{ bucket: 'b', bytes: gibBytes(1), at: JUNE.from }], traffic: [], deletions: [{ bucket: 'b', at: '2026-06-11T00:00:00-03:00' }] },
      }),
    );
    expect(invoice.lines[0]).toMatchObject({ unroundedAmount: '0.005', amount: '0.01' });
  });

  it('omits lines with no usage and no amount, and fee lines of a zero fee', () => {
    const invoice = rateInvoice(input({ period: '2026-06', segments: [{ ...JUNE, plan: { ...WORKED_PLAN, monthlyMinimum: '0' } }] }));
    expect(invoice.lines).toEqual([]);
    expect(invoice).toMatchObject({ subtotal: '0.00', tax: '0.00', total: '0.00' });
  });

  it('rejects input that does not describe the period, with every field path', () => {
    try {
      rateInvoice(
        input({
          period: '2026-06',
          currency: 'USD',
          segments: [
            // starting before the period is refused (after its start is a partial first period)
            { from: '2026-05-31T00:00:00-03:00', to: '2026-06-20T00:00:00-03:00', plan: WORKED_PLAN },
            { from: '2026-06-21T00:00:00-03:00', to: '2026-06-30T00:00:00-03:00', plan: WORKED_PLAN },
          ],
          usage: {
            storage: [{ bucket: 'b', bytes: '12.5', at: '2026-05-31T12:00:00-03:00' }],
            traffic: [traffic('b', '2026-07-01T00:00:00-03:00', '2026-06-30T00:00:00-03:00', { egress: '-1' })],
            deletions: [],
          },
          creditAvailable: '1.001',
        }),
      );
      throw new Error('did not throw');
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).issues.map((i) => i.path)).toEqual([
        'segments[0].plan.currency',
        'segments[0].from',
        'segments[1].plan.currency',
        'segments[1].from',
        'segments[1].to',
        'usage.storage[0].bytes',
        'usage.storage[0].at',
        'usage.traffic[0].windowStart',
        'usage.traffic[0].egressBytes',
        'creditAvailable',
      ]);
    }
  });
});
