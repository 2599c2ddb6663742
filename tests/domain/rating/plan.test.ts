import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/domain/errors.ts';
import { planVersionIssues, validatePlanVersion } from '../../../src/domain/rating/index.ts';
import { WORKED_PLAN } from './fixtures.ts';

describe('plan versions', () => {
  it('accepts the worked example plan', () => {
    expect(validatePlanVersion(WORKED_PLAN)).toBe(WORKED_PLAN);
  });

  it('reports every failing field with its path', () => {
    const bad = {
      planId: '',
      version: 0,
      currency: 'GBP',
      monthlyFee: '-1',
      monthlyMinimum: '1e3',
      taxRate: '1.5',
      meters: {
        storage_gib_month: { model: 'per_unit', unitPrice: 0.15 },
        egress_gib: { model: 'graduated', tiers: [{ upTo: '100', unitPrice: '0.5' }, { upTo: '50', unitPrice: '0.4' }, { upTo: '10', unitPrice: '0.3' }] },
        ingress_gib: { model: 'package', packageSize: '0', packagePrice: '1', freeUnits: 'lots' },
        requests_a: { model: 'volume', tiers: [] },
        requests_b: { model: 'flat' },
        requests_c: { model: 'per_unit', unitPrice: '1' },
      },
    };
    expect(planVersionIssues(bad).map((i) => i.path)).toEqual([
      'plan.planId',
      'plan.version',
      'plan.currency',
      'plan.monthlyFee',
      'plan.monthlyMinimum',
      'plan.taxRate',
      'plan.meters.storage_gib_month.unitPrice',
      'plan.meters.egress_gib.tiers[1].upTo',
      'plan.meters.egress_gib.tiers[2].upTo',
      'plan.meters.ingress_gib.freeUnits',
      'plan.meters.ingress_gib.packageSize',
      'plan.meters.requests_a.tiers',
      'plan.meters.requests_b.model',
      'plan.meters.requests_c',
    ]);
    expect(() => validatePlanVersion(bad)).toThrow(ValidationError);
  });
});
