import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/domain/errors.ts';
import type { InvoiceDrafted, InvoiceInputs } from '../../../src/domain/invoice/invoice-events.ts';
import { billedElsewhere, billedForPeriod, rateWithLateUsage, type IssuedInvoice } from '../../../src/domain/invoice/late-usage.ts';
import { rateInvoice, type PeriodUsage, type PlanSegment, type PlanVersion, type RatedInvoice, type RatingInput } from '../../../src/domain/rating/index.ts';
import { decimalString } from './arbitraries.ts';
import { GIB, WORKED_PLAN, gibBytes, input, perUnit, plan, traffic } from './fixtures.ts';

/**
 * Late usage (DESIGN, "Late usage"): usage of a period that arrives after its invoice was
 * issued is billed on the next invoice as adjustment lines, priced as in its own period.
 */
const JUNE: PlanSegment = { from: '2026-06-01T00:00:00-03:00', to: '2026-07-01T00:00:00-03:00', plan: WORKED_PLAN };
const JULY: PlanSegment = { from: '2026-07-01T00:00:00-03:00', to: '2026-08-01T00:00:00-03:00', plan: WORKED_PLAN };
const AUGUST: PlanSegment = { from: '2026-08-01T00:00:00-03:00', to: '2026-09-01T00:00:00-03:00', plan: WORKED_PLAN };

const WORKED_JUNE_USAGE: PeriodUsage = {
  storage: [
    { bucket: 'backups', bytes: gibBytes(100), at: '2026-06-01T00:00:00-03:00' },
    { bucket: 'backups', bytes: gibBytes(200), at: '2026-06-16T00:00:00-03:00' },
  ],
  traffic: [traffic('backups', '2026-06-10T00:00:00-03:00', '2026-06-10T01:00:00-03:00', { egress: gibBytes(50), a: '1234567' })],
  deletions: [],
};
const LATE_EGRESS = traffic('backups', '2026-06-20T00:00:00-03:00', '2026-06-20T01:00:00-03:00', { egress: gibBytes(10) });
const withLate = (usage: PeriodUsage, ...late: PeriodUsage['traffic']): PeriodUsage => ({ ...usage, traffic: [...usage.traffic, ...late] });

/** An issued invoice as the billing run records it (only what late usage reads). */
function issuedInvoice(rated: RatedInvoice, inputs: Partial<InvoiceInputs> & Pick<InvoiceInputs, 'usageStreamRevision'>, number: string): IssuedInvoice {
  const drafted = { accountId: 'a', period: rated.period, invoiceId: `id-${number}`, rated, inputs: { segments: [], carriedInStorage: {}, ...inputs }, digest: 'd', draftedAt: 'x' };
  return { reference: { period: rated.period, invoiceId: `id-${number}`, number }, drafted: drafted as unknown as InvoiceDrafted['data'] };
}

const lineSummary = (rated: RatedInvoice) => rated.lines.map((l) => [l.kind, l.adjusts?.period ?? null, l.adjusts?.kind ?? null, l.quantity, l.amount]);

describe('late usage, by hand', () => {
  // June as issued: the worked example, 22.50 + 20.00 + 12.35 = 54.85.
  const june = rateInvoice(input({ period: '2026-06', segments: [JUNE], usage: WORKED_JUNE_USAGE }));
  const juneIssued = issuedInvoice(june, { usageStreamRevision: '2' }, 'INV-2026-000001');

  it('10 GiB of June egress after June was issued: the July invoice adds 4.00 for egress of 2026-06, at the June price', () => {
    // June again over all its usage: egress 60 GiB × 0.40 = 24.00; billed 20.00; adjustment 4.00 (10 GiB).
    // July's own lines: the 200 GiB carried in, held all July = 200 GiB-month × 0.15 = 30.00.
    // subtotal 30.00 + 4.00 = 34.00; tax 5% = 1.70; total 35.70.
    const billed = billedForPeriod('2026-06', [juneIssued])!;
    expect(billed.lines).toEqual([
      { kind: 'storage_gib_month', segment: 0, quantity: '150', amount: '22.50' },
      { kind: 'egress_gib', segment: 0, quantity: '50', amount: '20.00' },
      { kind: 'requests_a', segment: 0, quantity: '1234.567', amount: '12.35' },
    ]);
    const july = rateInvoice(
      input({
        period: '2026-07',
        segments: [JULY],
        carriedInStorage: { backups: gibBytes(200) },
        adjustments: [{ period: '2026-06', segments: [JUNE], usage: withLate(WORKED_JUNE_USAGE, LATE_EGRESS), carriedInStorage: {}, billedBefore: billed.lines }],
      }),
    );
    expect(lineSummary(july)).toEqual([
      ['storage_gib_month', null, null, '200', '30.00'],
      ['adjustment', '2026-06', 'egress_gib', '10', '4.00'],
    ]);
    const adjustment = july.lines[1]!;
    expect(adjustment).toMatchObject({
      adjusts: { period: '2026-06', kind: 'egress_gib', segment: 0 },
      planId: 'worked-example',
      from: '2026-06-01T03:00:00.000Z',
      to: '2026-07-01T03:00:00.000Z',
      unit: 'GiB',
      unroundedAmount: '4',
      pricing: { model: 'adjustment', reason: 'late_usage', rerated: { quantity: '60', amount: '24.00' }, billedBefore: { quantity: '50', amount: '20.00' }, taxRate: '0.05' },
    });
    expect(adjustment.explanation).toContain('comes to 24.00 (60 GiB); the invoices issued so far billed 20.00 for it (50 GiB), so 4.00 is added');
    expect(july).toMatchObject({ subtotal: '34.00', minimumTrueUp: '0.00', tax: '1.70', total: '35.70' });
  });

  it('a second later invoice sees the adjustment as billed: nothing more for June, unless more arrives', () => {
    const billedInJune = billedForPeriod('2026-06', [juneIssued])!;
    const july = rateInvoice(
      input({
        period: '2026-07',
        segments: [JULY],
        carriedInStorage: { backups: gibBytes(200) },
        adjustments: [{ period: '2026-06', segments: [JUNE], usage: withLate(WORKED_JUNE_USAGE, LATE_EGRESS), carriedInStorage: {}, billedBefore: billedInJune.lines }],
      }),
    );
    const julyIssued = issuedInvoice(july, { usageStreamRevision: null, adjustedPeriods: [{ period: '2026-06', usageStreamRevision: '3' } as never] }, 'INV-2026-000002');
    const billed = billedForPeriod('2026-06', [juneIssued, julyIssued])!;
    // June's own lines plus July's adjustment: egress 60 GiB, 24.00; covered up to revision 3
    expect(billed.lines.find((l) => l.kind === 'egress_gib')).toEqual({ kind: 'egress_gib', segment: 0, quantity: '60', amount: '24.00' });
    expect(billed.coveredRevision).toBe(3n);
    expect(billed.billedOn.map((r) => r.number)).toEqual(['INV-2026-000001', 'INV-2026-000002']);

    // Re-rating June again over the same usage adds nothing: August carries no June line.
    const august = rateInvoice(
      input({
        period: '2026-08',
        segments: [AUGUST],
        carriedInStorage: { backups: gibBytes(200) },
        adjustments: [{ period: '2026-06', segments: [JUNE], usage: withLate(WORKED_JUNE_USAGE, LATE_EGRESS), carriedInStorage: {}, billedBefore: billed.lines }],
      }),
    );
    expect(lineSummary(august)).toEqual([['storage_gib_month', null, null, '200', '30.00']]);
    // 5 GiB more for June: only those 5 GiB (2.00) are billed
    const more = traffic('backups', '2026-06-25T00:00:00-03:00', '2026-06-25T01:00:00-03:00', { egress: gibBytes(5) });
    const augustWithMore = rateInvoice(
      input({
        period: '2026-08',
        segments: [AUGUST],
        adjustments: [{ period: '2026-06', segments: [JUNE], usage: withLate(WORKED_JUNE_USAGE, LATE_EGRESS, more), carriedInStorage: {}, billedBefore: billed.lines }],
      }),
    );
    // August has no usage of its own: its minimum 10.00 comes as a true-up; the adjustment does not count towards it.
    expect(lineSummary(augustWithMore)).toEqual([
      ['minimum_true_up', null, null, '1', '10.00'],
      ['adjustment', '2026-06', 'egress_gib', '5', '2.00'],
    ]);
    expect(augustWithMore).toMatchObject({ subtotal: '12.00', tax: '0.60', total: '12.60' });
  });

  it('under the minimum: the late usage replaces part of the true-up already billed (egress +4.00, true-up −4.00)', () => {
    // June: 5 GiB egress = 2.00, minimum 10.00 → true-up 8.00. Late: 10 GiB more → egress 6.00, true-up 4.00.
    const usage: PeriodUsage = { storage: [], deletions: [], traffic: [traffic('b', '2026-06-10T00:00:00-03:00', '2026-06-10T01:00:00-03:00', { egress: gibBytes(5) })] };
    const juneSmall = rateInvoice(input({ period: '2026-06', segments: [JUNE], usage }));
    expect(lineSummary(juneSmall)).toEqual([
      ['egress_gib', null, null, '5', '2.00'],
      ['minimum_true_up', null, null, '1', '8.00'],
    ]);
    const billed = billedForPeriod('2026-06', [issuedInvoice(juneSmall, { usageStreamRevision: '0' }, 'INV-2026-000009')])!;
    const july = rateInvoice(
      input({
        period: '2026-07',
        segments: [JULY],
        carriedInStorage: { b: gibBytes(100) },
        adjustments: [{ period: '2026-06', segments: [JUNE], usage: withLate(usage, LATE_EGRESS), carriedInStorage: {}, billedBefore: billed.lines }],
      }),
    );
    expect(lineSummary(july)).toEqual([
      ['storage_gib_month', null, null, '100', '15.00'],
      ['adjustment', '2026-06', 'egress_gib', '10', '4.00'],
      ['adjustment', '2026-06', 'minimum_true_up', '0', '-4.00'],
    ]);
    expect(july.lines[2]!.explanation).toContain('so -4.00 is taken off');
    expect(july).toMatchObject({ subtotal: '15.00', tax: '0.75', total: '15.75' });
  });

  it('an adjustment is taxed at the rate of the plan it adjusts (June 5%), the invoice\'s own lines at theirs (July 10%), rounded once', () => {
    const july10: PlanSegment = { ...JULY, plan: { ...WORKED_PLAN, version: 2, taxRate: '0.10' } };
    const billed = billedForPeriod('2026-06', [juneIssued])!;
    const july = rateInvoice(
      input({
        period: '2026-07',
        segments: [july10],
        carriedInStorage: { backups: gibBytes(200) },
        adjustments: [{ period: '2026-06', segments: [JUNE], usage: withLate(WORKED_JUNE_USAGE, LATE_EGRESS), carriedInStorage: {}, billedBefore: billed.lines }],
      }),
    );
    // 30.00 × 10% + 4.00 × 5% = 3.00 + 0.20 = 3.20
    expect(july).toMatchObject({ subtotal: '34.00', tax: '3.20', total: '37.20' });
  });

  it('an adjustment below zero that would take the invoice below zero waits for a later invoice', () => {
    // June: 200 GiB all month (carried in) = 30.00. Late: the bucket was emptied on 2 June 00:00 →
    // 200 GiB × 1/30 = 6.666… GiB-month = 1.00; adjustment −29.00. July: no usage, minimum 10.00.
    const storagePlan = plan({ taxRate: '0.05', monthlyMinimum: '10.00' }, { storage_gib_month: perUnit('0.15') });
    const juneSeg = { ...JUNE, plan: storagePlan };
    const juneRated = rateInvoice(input({ period: '2026-06', segments: [juneSeg], carriedInStorage: { b: gibBytes(200) } }));
    expect(juneRated.subtotal).toBe('30.00');
    const billed = billedForPeriod('2026-06', [issuedInvoice(juneRated, { usageStreamRevision: null }, 'INV-2026-000010')])!;
    const adjustment = {
      rating: { period: '2026-06', segments: [juneSeg], usage: { storage: [{ bucket: 'b', bytes: '0', at: '2026-06-02T00:00:00-03:00' }], traffic: [], deletions: [] }, carriedInStorage: { b: gibBytes(200) }, billedBefore: billed.lines },
      recorded: 'june',
    };
    const base: Omit<RatingInput, 'adjustments'> = input({ period: '2026-07', segments: [{ ...JULY, plan: storagePlan }] });
    const small = rateWithLateUsage(base, [adjustment]);
    expect(small.waiting).toEqual(['2026-06']);
    expect(small.included).toEqual([]);
    expect(lineSummary(small.rated)).toEqual([['minimum_true_up', null, null, '1', '10.00']]);
    expect(small.rated.total).toBe('10.50');

    // A later invoice large enough takes it. June re-rated: storage 1.00, so June's minimum
    // (10.00) now needs a true-up of 9.00 it did not have: −29.00 + 9.00 = −20.00 for June.
    // August: 300 GiB all month = 45.00; 45.00 − 20.00 = 25.00; tax 1.25; total 26.25.
    const large = rateWithLateUsage({ ...base, period: '2026-08', segments: [{ ...AUGUST, plan: storagePlan }], carriedInStorage: { b: gibBytes(300) } }, [adjustment]);
    expect(large.waiting).toEqual([]);
    expect(large.included.map((a) => a.recorded)).toEqual(['june']);
    expect(lineSummary(large.rated)).toEqual([
      ['storage_gib_month', null, null, '300', '45.00'],
      ['adjustment', '2026-06', 'storage_gib_month', expect.stringMatching(/^-193\.3{40,}$/), '-29.00'],
      ['adjustment', '2026-06', 'minimum_true_up', '1', '9.00'],
    ]);
    expect(large.rated).toMatchObject({ subtotal: '25.00', tax: '1.25', total: '26.25' });
  });

  it('a replacement of a voided invoice takes off what later invoices already billed for its period', () => {
    // June was voided after July had billed June's late 10 GiB (4.00); June's replacement bills June whole (24.00 egress).
    const july = rateInvoice(
      input({
        period: '2026-07',
        segments: [JULY],
        adjustments: [{ period: '2026-06', segments: [JUNE], usage: withLate(WORKED_JUNE_USAGE, LATE_EGRESS), carriedInStorage: {}, billedBefore: billedForPeriod('2026-06', [juneIssued])!.lines }],
      }),
    );
    const julyIssued = issuedInvoice(july, { usageStreamRevision: null, adjustedPeriods: [{ period: '2026-06', usageStreamRevision: '3' } as never] }, 'INV-2026-000002');
    const elsewhere = billedElsewhere('2026-06', [julyIssued]);
    expect(elsewhere).toEqual({ lines: [{ kind: 'egress_gib', segment: 0, quantity: '10', amount: '4.00' }], billedOn: [julyIssued.reference] });
    const replacement = rateInvoice(input({ period: '2026-06', segments: [JUNE], usage: withLate(WORKED_JUNE_USAGE, LATE_EGRESS), billedElsewhere: elsewhere.lines }));
    expect(lineSummary(replacement)).toEqual([
      ['storage_gib_month', null, null, '150', '22.50'],
      ['egress_gib', null, null, '60', '24.00'],
      ['requests_a', null, null, '1234.567', '12.35'],
      ['adjustment', '2026-06', 'egress_gib', '-10', '-4.00'],
    ]);
    expect(replacement.lines[3]!.pricing).toMatchObject({ reason: 'billed_elsewhere' });
    // June on all issued invoices in force (the replacement and July): 24.00 egress, once
    const billed = billedForPeriod('2026-06', [issuedInvoice(replacement, { usageStreamRevision: '3' }, 'INV-2026-000003'), julyIssued])!;
    expect(billed.lines.find((l) => l.kind === 'egress_gib')).toEqual({ kind: 'egress_gib', segment: 0, quantity: '60', amount: '24.00' });
  });

  it('refuses adjustments of the same or a later period, or of a malformed billed line, with every path', () => {
    try {
      rateInvoice(
        input({
          period: '2026-07',
          segments: [JULY],
          adjustments: [
            { period: '2026-07', segments: [JULY], usage: { storage: [], traffic: [], deletions: [] }, carriedInStorage: {}, billedBefore: [] },
            { period: '2026-06', segments: [JULY], usage: { storage: [], traffic: [], deletions: [] }, carriedInStorage: {}, billedBefore: [{ kind: 'egress_gib', segment: null, quantity: '1e3', amount: '1.001' }] },
          ],
        }),
      );
      throw new Error('did not throw');
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).issues.map((i) => i.path)).toEqual([
        'adjustments[0].period',
        'adjustments[1].billedBefore[0].segment',
        'adjustments[1].billedBefore[0].quantity',
        'adjustments[1].billedBefore[0].amount',
        'adjustments[1].segments[0].to',
      ]);
    }
  });
});

/**
 * For any split of a period's samples into on time and late (in up to three late batches, each
 * billed on the next invoice), Σ over the issued invoices' lines for that period (its own
 * invoice plus the adjustments) equals rating all the samples at once: per meter, to the cent.
 */
describe('late usage, property', () => {
  const SPAN = 30 * 86_400_000;
  const JUNE_START = Date.parse('2026-06-01T03:00:00Z');
  const at = (offset: number) => new Date(JUNE_START + offset).toISOString();
  const priceArb = fc.tuple(fc.bigInt({ min: 0n, max: 1_000n }), fc.integer({ min: 2, max: 4 })).map(([u, p]) => decimalString(u, p));
  const sample = fc.oneof(
    fc.record({ kind: fc.constant('storage' as const), bucket: fc.constantFrom('a', 'b'), gib: fc.integer({ min: 0, max: 500 }), offset: fc.integer({ min: 0, max: SPAN - 1 }) }),
    fc.record({
      kind: fc.constant('traffic' as const),
      bucket: fc.constantFrom('a', 'b'),
      offset: fc.integer({ min: 0, max: SPAN - 1 }),
      egress: fc.bigInt({ min: 0n, max: 100n * GIB }),
      ingress: fc.bigInt({ min: 0n, max: 100n * GIB }),
      requests: fc.bigInt({ min: 0n, max: 10_000_000n }),
    }),
  );
  type Sample = typeof sample extends fc.Arbitrary<infer T> ? T : never;
  const toUsage = (samples: Sample[]): PeriodUsage => ({
    storage: samples.flatMap((s) => (s.kind === 'storage' ? [{ bucket: s.bucket, bytes: gibBytes(s.gib), at: at(s.offset) }] : [])),
    traffic: samples.flatMap((s) =>
      s.kind === 'traffic' ? [traffic(s.bucket, at(s.offset), at(s.offset + 60_000), { egress: s.egress.toString(), ingress: s.ingress.toString(), a: s.requests.toString(), b: (s.requests / 3n).toString() })] : [],
    ),
    deletions: [],
  });
  const cents = (amount: string) => BigInt(amount.replace('.', ''));

  it('Σ own lines + adjustments per meter = rating all samples at once (per unit, with free units and a minimum)', () => {
    fc.assert(
      fc.property(
        fc.array(sample, { minLength: 0, maxLength: 14 }),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 14, maxLength: 14 }),
        fc.record({ storage: priceArb, egress: priceArb, ingress: priceArb, a: priceArb, b: priceArb, minimum: priceArb, free: fc.constantFrom(undefined, '0', '5', '12.5') }),
        fc.dictionary(fc.constantFrom('a', 'b'), fc.integer({ min: 0, max: 300 }).map(gibBytes), { maxKeys: 2 }),
        (samples, batchOf, prices, carried) => {
          const p: PlanVersion = plan(
            // a fee of 100,000 a month keeps every later invoice above any negative adjustment: none waits
            { monthlyFee: '100000', monthlyMinimum: prices.minimum, taxRate: '0.05' },
            {
              storage_gib_month: perUnit(prices.storage, prices.free),
              egress_gib: perUnit(prices.egress, prices.free),
              ingress_gib: perUnit(prices.ingress),
              requests_a: perUnit(prices.a),
              requests_b: perUnit(prices.b, prices.free),
            },
          );
          const segment = (from: string, to: string): PlanSegment => ({ from, to, plan: p });
          const juneSegments = [segment('2026-06-01T00:00:00-03:00', '2026-07-01T00:00:00-03:00')];
          // batch 0 is on time; 1..3 arrive late, one batch before each later invoice
          const upTo = (batch: number) => samples.filter((_, i) => batchOf[i]! <= batch);
          const juneOnTime = rateInvoice(input({ period: '2026-06', segments: juneSegments, usage: toUsage(upTo(0)), carriedInStorage: carried }));
          const issued: IssuedInvoice[] = [issuedInvoice(juneOnTime, { usageStreamRevision: String(upTo(0).length - 1) }, 'INV-0')];
          const later = ['2026-07', '2026-08', '2026-09'];
          later.forEach((period, k) => {
            const known = upTo(k + 1);
            const billed = billedForPeriod('2026-06', issued)!;
            const revision = String(known.length - 1);
            const grew = billed.coveredRevision === null ? known.length > 0 : BigInt(revision) > billed.coveredRevision;
            const adjustment = { period: '2026-06', segments: juneSegments, usage: toUsage(known), carriedInStorage: carried, billedBefore: billed.lines };
            const [y, m] = period.split('-').map(Number) as [number, number];
            const next = `${m === 12 ? y + 1 : y}-${String(m === 12 ? 1 : m + 1).padStart(2, '0')}`;
            const own = { ...input({ period, segments: [segment(`${period}-01T00:00:00-03:00`, `${next}-01T00:00:00-03:00`)] }) };
            const { rated, waiting } = rateWithLateUsage(own, grew ? [{ rating: adjustment, recorded: null }] : []);
            expect(waiting).toEqual([]);
            if (!grew) {
              // nothing new: re-rating anyway bills nothing more
              const again = rateInvoice({ ...own, adjustments: [adjustment] });
              expect(again.lines.filter((l) => l.kind === 'adjustment')).toEqual([]);
            }
            issued.push(issuedInvoice(rated, { usageStreamRevision: null, ...(grew ? { adjustedPeriods: [{ period: '2026-06', usageStreamRevision: revision } as never] } : {}) }, `INV-${k + 1}`));
          });

          const all = rateInvoice(input({ period: '2026-06', segments: juneSegments, usage: toUsage(samples), carriedInStorage: carried }));
          const perKind = new Map<string, bigint>();
          for (const invoice of issued) {
            for (const line of invoice.drafted.rated.lines) {
              const kind = line.kind === 'adjustment' ? line.adjusts!.kind : invoice.reference.period === '2026-06' ? line.kind : null;
              if (kind === null || (line.kind === 'adjustment' && line.adjusts!.period !== '2026-06')) continue;
              perKind.set(kind, (perKind.get(kind) ?? 0n) + cents(line.amount));
            }
          }
          const expected = new Map<string, bigint>();
          for (const line of all.lines) expected.set(line.kind, (expected.get(line.kind) ?? 0n) + cents(line.amount));
          for (const [kind, sum] of perKind) if (sum === 0n && !expected.has(kind)) perKind.delete(kind);
          expect(perKind).toEqual(expected);
        },
      ),
      { numRuns: 250 },
    );
  });
});
