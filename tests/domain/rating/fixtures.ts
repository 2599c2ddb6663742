import type { ChargeModel, PlanVersion, RatingInput } from '../../../src/domain/rating/index.ts';

/** Test helpers: small builders so each test shows only what it is about. */
export const GIB = 2n ** 30n;
export const gibBytes = (gib: number | bigint) => (BigInt(gib) * GIB).toString();

export function plan(overrides: Partial<PlanVersion> = {}, meters: PlanVersion['meters'] = {}): PlanVersion {
  return {
    planId: 'standard',
    version: 1,
    currency: 'BRL',
    monthlyFee: '0',
    monthlyMinimum: '0',
    taxRate: '0',
    meters,
    ...overrides,
  };
}

export const perUnit = (unitPrice: string, freeUnits?: string): ChargeModel => (freeUnits === undefined ? { model: 'per_unit', unitPrice } : { model: 'per_unit', unitPrice, freeUnits });

/** The worked example: BRL, storage 0.15/GiB-month, egress 0.40/GiB, requests 0.01 per 1,000, minimum 10.00, tax 5%. */
export const WORKED_PLAN: PlanVersion = plan(
  { planId: 'worked-example', monthlyMinimum: '10.00', taxRate: '0.05' },
  {
    storage_gib_month: perUnit('0.15'),
    egress_gib: perUnit('0.40'),
    requests_a: perUnit('0.01'),
    requests_b: perUnit('0.01'),
  },
);

export function input(overrides: Partial<RatingInput> & Pick<RatingInput, 'period' | 'segments'>): RatingInput {
  return {
    timeZone: 'America/Sao_Paulo',
    currency: 'BRL',
    usage: { storage: [], traffic: [], deletions: [] },
    carriedInStorage: {},
    creditAvailable: '0',
    ...overrides,
  };
}

export function traffic(bucket: string, windowStart: string, windowEnd: string, counts: { egress?: string; ingress?: string; a?: string; b?: string }) {
  return { bucket, windowStart, windowEnd, egressBytes: counts.egress ?? '0', ingressBytes: counts.ingress ?? '0', requestsA: counts.a ?? '0', requestsB: counts.b ?? '0' };
}
