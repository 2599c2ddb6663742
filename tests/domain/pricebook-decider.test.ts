import { describe, expect, it } from 'vitest';
import { ConflictError, IllegalStateError, NotFoundError, ValidationError } from '../../src/domain/errors.ts';
import type { PlanTerms, PublishPlan, PublishPlanVersion } from '../../src/domain/pricebook/pricebook-commands.ts';
import { describePricebookEvent, summarizePricebookEvent } from '../../src/presentation/audit/pricebook-audit.ts';
import { earliestEffectiveFrom, pricebookDecider, versionInForce } from '../../src/domain/pricebook/pricebook-decider.ts';
import type { PlanVersionPublished } from '../../src/domain/pricebook/pricebook-events.ts';
import { describeSubscriptionEvent } from '../../src/presentation/audit/subscription-audit.ts';
import type { ChangeSubscription } from '../../src/domain/subscription/subscription-commands.ts';
import { planAt, subscriptionDecider } from '../../src/domain/subscription/subscription-decider.ts';
import type { SubscriptionChanged } from '../../src/domain/subscription/subscription-events.ts';
import { deciderSpec } from '../support/decider-spec.ts';

const plans = deciderSpec(pricebookDecider);
const subscriptions = deciderSpec(subscriptionDecider);

const AT = '2026-05-20T12:00:00.000Z';
const LATER = '2026-05-21T12:00:00.000Z';

const TERMS: PlanTerms = {
  currency: 'BRL',
  monthlyFee: '0',
  monthlyMinimum: '10.00',
  taxRate: '0.05',
  meters: {
    storage_gib_month: { model: 'per_unit', unitPrice: '0.15' },
    egress_gib: { model: 'graduated', tiers: [{ upTo: '100', unitPrice: '0.40' }, { upTo: null, unitPrice: '0.30' }], freeUnits: '1' },
  },
};

const publish = (overrides: Partial<PublishPlan['data']> = {}): PublishPlan => ({
  type: 'PublishPlan',
  data: { planId: 'basic', name: 'Basic', effectiveFrom: '2026-06', terms: TERMS, publishedAt: AT, ...overrides },
});
const newVersion = (overrides: Partial<PublishPlanVersion['data']> = {}): PublishPlanVersion => ({
  type: 'PublishPlanVersion',
  data: { planId: 'basic', effectiveFrom: '2026-07', terms: { ...TERMS, monthlyFee: '5.00' }, publishedAt: LATER, ...overrides },
});
const published = (version: number, effectiveFrom: string, terms: PlanTerms = TERMS, name = 'Basic', publishedAt = AT): PlanVersionPublished => ({
  type: 'PlanVersionPublished',
  data: { planId: 'basic', version, name, effectiveFrom, plan: { planId: 'basic', version, ...terms }, publishedAt },
});

describe('price book decider', () => {
  it('publishes the first version of a new plan as version 1', () => {
    plans.given().when(publish({ name: '  Basic ' })).then(published(1, '2026-06'));
  });

  it('lists every bad field of a publication at once, plan fields under plan.', () => {
    plans
      .given()
      .when(
        publish({
          planId: 'Not A Slug',
          name: '',
          effectiveFrom: '2026-13',
          terms: { ...TERMS, currency: 'XXX' as 'BRL', taxRate: '1.5', meters: { egress_gib: { model: 'graduated', tiers: [{ upTo: '10', unitPrice: '-1' }] } } },
        }),
      )
      .thenThrows(ValidationError, 'validation_failed', (error) => {
        expect((error as ValidationError).issues.map((i) => i.path)).toEqual([
          'planId',
          'name',
          'effectiveFrom',
          'plan.currency',
          'plan.taxRate',
          'plan.meters.egress_gib.tiers[0].upTo',
          'plan.meters.egress_gib.tiers[0].unitPrice',
        ]);
      });
  });

  it('refuses a plan id that is taken; the very same publication again records nothing', () => {
    plans.given(published(1, '2026-06')).when(publish({ name: 'Other' })).thenThrows(ConflictError, 'plan_exists');
    plans.given(published(1, '2026-06')).when(publish()).thenNothing();
    // key order does not make a publication different
    plans
      .given(published(1, '2026-06'))
      .when(publish({ terms: { meters: TERMS.meters, taxRate: '0.05', monthlyMinimum: '10.00', monthlyFee: '0', currency: 'BRL' } }))
      .thenNothing();
    plans.given(published(1, '2026-06'), published(2, '2026-07')).when(publish()).thenThrows(ConflictError, 'plan_exists');
  });

  it('publishes the next version, numbered one more, keeping the name unless given', () => {
    plans
      .given(published(1, '2026-06'))
      .when(newVersion())
      .then(published(2, '2026-07', { ...TERMS, monthlyFee: '5.00' }, 'Basic', LATER));
    plans
      .given(published(1, '2026-06'), published(2, '2026-07'))
      .when(newVersion({ effectiveFrom: '2027-01', name: 'Basic 2027' }))
      .then(published(3, '2027-01', { ...TERMS, monthlyFee: '5.00' }, 'Basic 2027', LATER));
  });

  it("a version's currency is the plan's when left out", () => {
    const { currency: _omitted, ...rest } = { ...TERMS, monthlyFee: '5.00' };
    plans
      .given(published(1, '2026-06'))
      .when(newVersion({ terms: rest }))
      .then(published(2, '2026-07', { ...TERMS, monthlyFee: '5.00' }, 'Basic', LATER));
  });

  it('a new version takes effect in a period after the previous version', () => {
    plans.given(published(1, '2026-06')).when(newVersion({ effectiveFrom: '2026-06' })).thenThrows(IllegalStateError, 'effective_from_not_after_previous');
    plans.given(published(1, '2026-06')).when(newVersion({ effectiveFrom: '2026-05' })).thenThrows(IllegalStateError, 'effective_from_not_after_previous');
  });

  it('a new version only takes effect from a period that has not begun in any zone (UTC+14 first)', () => {
    // 2026-05-31T10:00Z is midnight of 1 June at UTC+14 (Kiritimati): June has begun there
    expect(earliestEffectiveFrom('2026-05-31T09:59:59.999Z')).toBe('2026-06');
    expect(earliestEffectiveFrom('2026-05-31T10:00:00.000Z')).toBe('2026-07');
    expect(earliestEffectiveFrom('2026-12-31T10:00:00.000Z')).toBe('2027-02');
    plans.given(published(1, '2026-05')).when(newVersion({ effectiveFrom: '2026-06', publishedAt: '2026-05-31T09:59:59.999Z' })).then(published(2, '2026-06', { ...TERMS, monthlyFee: '5.00' }, 'Basic', '2026-05-31T09:59:59.999Z'));
    plans
      .given(published(1, '2026-05'))
      .when(newVersion({ effectiveFrom: '2026-06', publishedAt: '2026-05-31T10:00:00.000Z' }))
      .thenThrows(ValidationError, 'effective_from_started', (error) => {
        const [issue] = (error as ValidationError).issues;
        expect(issue?.path).toBe('effectiveFrom');
        expect(issue?.message).toMatch(/^must be 2026-07 or later: 2026-06 has already begun/);
      });
    // an already billed period, months back
    plans
      .given(published(1, '2026-01'))
      .when(newVersion({ effectiveFrom: '2026-03', publishedAt: '2026-12-06T03:00:00.000Z' }))
      .thenThrows(ValidationError, 'effective_from_started', (error) => expect((error as ValidationError).issues[0]?.message).toMatch(/^must be 2027-01 or later/));
    // retrying the publication that made the latest version still records nothing, whenever it comes
    plans.given(published(1, '2026-06'), published(2, '2026-07', { ...TERMS, monthlyFee: '5.00' })).when(newVersion({ publishedAt: '2027-03-01T00:00:00Z' })).thenNothing();
  });

  it('the currency never changes within a plan', () => {
    plans.given(published(1, '2026-06')).when(newVersion({ terms: { ...TERMS, currency: 'USD' } })).thenThrows(IllegalStateError, 'plan_currency_fixed');
  });

  it('a version of a plan that does not exist is not found; a bad version lists its fields', () => {
    plans.given().when(newVersion()).thenThrows(NotFoundError, 'plan_not_found');
    plans
      .given(published(1, '2026-06'))
      .when(newVersion({ effectiveFrom: 'July', terms: { ...TERMS, monthlyFee: '1e3' } }))
      .thenThrows(ValidationError, 'validation_failed', (error) => {
        expect((error as ValidationError).issues.map((i) => i.path)).toEqual(['effectiveFrom', 'plan.monthlyFee']);
      });
  });

  it('repeating the publication of the latest version records nothing', () => {
    plans.given(published(1, '2026-06'), published(2, '2026-07', { ...TERMS, monthlyFee: '5.00' })).when(newVersion()).thenNothing();
  });

  it('folds to the plan with its versions in order', () => {
    const state = plans.given(published(1, '2026-06'), published(2, '2026-09')).state();
    expect(state).toMatchObject({ status: 'published', planId: 'basic', currency: 'BRL' });
    expect(state.status === 'published' && state.versions.map((v) => v.version)).toEqual([1, 2]);
  });

  it('the version in force for a period is the latest effective at or before it', () => {
    const versions = [
      { version: 1, effectiveFrom: '2026-06' },
      { version: 2, effectiveFrom: '2026-09' },
    ];
    expect(versionInForce(versions, '2026-05')).toBeNull();
    expect(versionInForce(versions, '2026-06')?.version).toBe(1);
    expect(versionInForce(versions, '2026-08')?.version).toBe(1);
    expect(versionInForce(versions, '2026-09')?.version).toBe(2);
    expect(versionInForce(versions, '2030-01')?.version).toBe(2);
  });

  it('a plan is no account’s business in the audit log', () => {
    const event = published(2, '2026-07');
    expect(describePricebookEvent(event.type, event.data)).toBeNull();
    expect(summarizePricebookEvent(event)).toBe('Plan "Basic" (basic) version 2 published, in force from 2026-07, in BRL');
  });
});

// ---- subscriptions --------------------------------------------------------------------

const ACCOUNT = 'acc-1';
const ACCOUNT_INFO: ChangeSubscription['data']['account'] = { status: 'active', currency: 'BRL', timeZone: 'America/Sao_Paulo' };
const PLAN_INFO: ChangeSubscription['data']['plan'] = { currency: 'BRL', versions: [{ version: 1, effectiveFrom: '2026-06' }] };

const change = (overrides: Partial<ChangeSubscription['data']> = {}): ChangeSubscription => ({
  type: 'ChangeSubscription',
  data: { accountId: ACCOUNT, planId: 'basic', effectiveAt: '2026-06-01T00:00:00-03:00', changedAt: AT, account: ACCOUNT_INFO, plan: PLAN_INFO, ...overrides },
});
const changed = (planId: string, effectiveAt: string, previousPlanId: string | null, changedAt = AT): SubscriptionChanged => ({
  type: 'SubscriptionChanged',
  data: { accountId: ACCOUNT, planId, effectiveAt, changedAt, previousPlanId },
});

describe('subscription decider', () => {
  it('subscribes an account, recording the instant in UTC', () => {
    subscriptions.given().when(change()).then(changed('basic', '2026-06-01T03:00:00.000Z', null));
  });

  it('changes plan at an instant, naming the previous plan', () => {
    subscriptions
      .given(changed('basic', '2026-06-01T03:00:00.000Z', null))
      .when(change({ planId: 'pro', effectiveAt: '2026-06-16T00:00:00-03:00', changedAt: LATER }))
      .then(changed('pro', '2026-06-16T03:00:00.000Z', 'basic', LATER));
  });

  it('changing to the plan it is already on records nothing', () => {
    subscriptions.given(changed('basic', '2026-06-01T03:00:00.000Z', null)).when(change({ effectiveAt: '2026-07-01T00:00:00Z' })).thenNothing();
  });

  it('a change may not take effect before the last one; at the same instant it may', () => {
    const history = [changed('basic', '2026-06-01T03:00:00.000Z', null), changed('pro', '2026-06-16T03:00:00.000Z', 'basic')];
    subscriptions
      .given(...history)
      .when(change({ planId: 'basic', effectiveAt: '2026-06-16T02:59:59.999Z' }))
      .thenThrows(IllegalStateError, 'effective_before_last_change');
    subscriptions
      .given(...history)
      .when(change({ planId: 'basic', effectiveAt: '2026-06-16T03:00:00Z' }))
      .then(changed('basic', '2026-06-16T03:00:00.000Z', 'pro'));
  });

  it("the plan's currency must be the account's", () => {
    subscriptions.given().when(change({ plan: { ...PLAN_INFO, currency: 'USD' } })).thenThrows(IllegalStateError, 'currency_mismatch');
  });

  it('the plan must exist', () => {
    subscriptions.given().when(change({ plan: null })).thenThrows(NotFoundError, 'plan_not_found');
  });

  it("the plan must have a version in force in the account's period of the change", () => {
    // 2026-05-31T23:00-03:00 is still May in São Paulo (though June in UTC): no version yet.
    subscriptions.given().when(change({ effectiveAt: '2026-06-01T02:00:00Z' })).thenThrows(IllegalStateError, 'plan_not_yet_effective');
    subscriptions.given().when(change({ effectiveAt: '2026-06-01T03:00:00Z' })).then(changed('basic', '2026-06-01T03:00:00.000Z', null));
  });

  it('a closed account cannot subscribe', () => {
    subscriptions.given().when(change({ account: { ...ACCOUNT_INFO, status: 'closed' } })).thenThrows(IllegalStateError, 'account_closed');
  });

  it('effectiveAt must be an instant with an offset', () => {
    subscriptions
      .given()
      .when(change({ effectiveAt: '2026-06-16T00:00:00' }))
      .thenThrows(ValidationError, 'validation_failed', (error) => expect((error as ValidationError).issues.map((i) => i.path)).toEqual(['effectiveAt']));
  });

  it('folds to the latest change, keeping every change; planAt answers per instant', () => {
    const state = subscriptions.given(changed('basic', '2026-06-01T03:00:00.000Z', null), changed('pro', '2026-06-16T03:00:00.000Z', 'basic')).state();
    expect(state).toMatchObject({ status: 'subscribed', planId: 'pro', effectiveAt: '2026-06-16T03:00:00.000Z' });
    const changes = state.status === 'subscribed' ? state.changes : [];
    expect(planAt(changes, Date.parse('2026-06-01T02:59:59Z'))).toBeNull();
    expect(planAt(changes, Date.parse('2026-06-10T00:00:00Z'))).toBe('basic');
    expect(planAt(changes, Date.parse('2026-06-16T03:00:00Z'))).toBe('pro');
  });

  it("reads in the account's audit log", () => {
    const first = changed('basic', '2026-06-01T03:00:00.000Z', null);
    const second = changed('pro', '2026-06-16T03:00:00.000Z', 'basic');
    expect(describeSubscriptionEvent(first.type, first.data)).toEqual({
      accountId: ACCOUNT,
      resourceType: 'subscription',
      resourceId: ACCOUNT,
      summary: 'Subscribed to plan basic, effective 2026-06-01T03:00:00.000Z',
    });
    expect(describeSubscriptionEvent(second.type, second.data)?.summary).toBe('Plan changed from basic to pro, effective 2026-06-16T03:00:00.000Z');
    expect(describeSubscriptionEvent('BucketRequested', {})).toBeNull();
  });
});
