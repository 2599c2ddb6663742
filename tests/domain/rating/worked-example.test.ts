import { describe, expect, it } from 'vitest';
import { rateInvoice } from '../../../src/domain/rating/index.ts';
import { WORKED_PLAN, gibBytes, input, traffic } from './fixtures.ts';

/**
 * Issue 4's worked example, to the cent.
 *
 * 2026-06 in America/Sao_Paulo (UTC-3, no DST) runs 2026-06-01T03:00Z to 2026-07-01T03:00Z:
 * 30 days = 2,592,000 s.
 * storage: 100 GiB for 15 days + 200 GiB for 15 days
 *          = (100 × 15 + 200 × 15) / 30 = 150 GiB-month × 0.15 = 22.50
 * egress:  50 GiB × 0.40 = 20.00
 * class A: 1,234,567 requests = 1,234.567 thousand × 0.01 = 12.34567 → 12.35
 * subtotal 22.50 + 20.00 + 12.35 = 54.85 (above the 10.00 minimum: no true-up)
 * tax      54.85 × 5% = 2.7425 → 2.74
 * total    54.85 + 2.74 = 57.59
 */
describe('the worked example (issue 4)', () => {
  const invoice = rateInvoice(
    input({
      period: '2026-06',
      segments: [{ from: '2026-06-01T00:00:00-03:00', to: '2026-07-01T00:00:00-03:00', plan: WORKED_PLAN }],
      usage: {
        storage: [
          { bucket: 'backups', bytes: gibBytes(100), at: '2026-06-01T00:00:00-03:00' },
          { bucket: 'backups', bytes: gibBytes(200), at: '2026-06-16T00:00:00-03:00' },
        ],
        traffic: [traffic('backups', '2026-06-10T00:00:00-03:00', '2026-06-10T01:00:00-03:00', { egress: gibBytes(50), a: '1234567' })],
        deletions: [],
      },
    }),
  );

  it('rates each line, rounded once', () => {
    expect(invoice.lines.map((l) => [l.kind, l.quantity, l.unit, l.unroundedAmount, l.amount])).toEqual([
      ['storage_gib_month', '150', 'GiB-month', '22.5', '22.50'],
      ['egress_gib', '50', 'GiB', '20', '20.00'],
      ['requests_a', '1234.567', '1,000 requests', '12.34567', '12.35'],
    ]);
  });

  it('totals: subtotal 54.85, tax 2.74, total 57.59', () => {
    expect(invoice).toMatchObject({
      engineVersion: 'rating-1',
      currency: 'BRL',
      periodStart: '2026-06-01T03:00:00.000Z',
      periodEnd: '2026-07-01T03:00:00.000Z',
      periodSeconds: '2592000',
      subtotal: '54.85',
      minimumTrueUp: '0.00',
      tax: '2.74',
      creditApplied: '0.00',
      total: '57.59',
    });
  });

  it('explains each line in words: the intervals held and the arithmetic', () => {
    const storage = invoice.lines[0]!.explanation;
    expect(storage).toContain('100 GiB (107,374,182,400 bytes) from 2026-06-01T03:00:00.000Z to 2026-06-16T03:00:00.000Z (15 days)');
    expect(storage).toContain('200 GiB (214,748,364,800 bytes) from 2026-06-16T03:00:00.000Z to 2026-07-01T03:00:00.000Z (15 days)');
    expect(storage).toContain('150 GiB-month × 0.15 = 22.5');
    expect(storage).toContain('Rounded once to 22.50');
    expect(invoice.lines[2]!.explanation).toContain('1,234,567 requests');
    expect(invoice.lines[2]!.explanation).toContain('1234.567 thousand requests × 0.01 = 12.34567');
  });
});
