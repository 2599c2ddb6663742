import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRatingPlan } from '../../src/commands/subscription-commands.ts';
import { nextPeriod, periodOf } from '../../src/domain/rating/index.ts';
import { startTestApp } from '../support/app.ts';
import { bearer, openTestAccount } from '../support/api-requests.ts';
import { WORKED_EXAMPLE_TERMS } from '../support/billing-fixtures.ts';

type App = Awaited<ReturnType<typeof startTestApp>>;
let app: App;
let operator: string;

interface PlanBody {
  planId: string;
  name: string;
  currency: string;
  latestVersion: number;
  latestEffectiveFrom: string;
  createdAt: string;
  updatedAt: string;
  versions: { version: number; name: string; effectiveFrom: string; publishedAt: string; terms: Record<string, unknown> }[];
}
interface SubscriptionBody {
  accountId: string;
  planId: string | null;
  since: string | null;
  scheduled: unknown[];
  history: { planId: string; previousPlanId: string | null; effectiveAt: string; changedAt: string }[];
}

beforeAll(async () => {
  app = await startTestApp();
  operator = await app.tokenFor({ kind: 'operator' });
});
afterAll(async () => {
  await app.close();
});

// A version takes effect only from a period not yet begun anywhere (UTC+14 first): these
// follow the real clock, two periods ahead so that a month turning mid-test changes nothing.
const SOON = nextPeriod(nextPeriod(periodOf(new Date().toISOString(), 'Pacific/Kiritimati')));
const LATER = nextPeriod(SOON);
// Only the projections this file reads: others are being written beside it.
const catchUp = () => app.runner.catchUp(['accounts', 'pricebook', 'subscriptions']);

const TERMS = WORKED_EXAMPLE_TERMS;

const publishPlan = (payload: Record<string, unknown>, token = operator) => app.api.inject({ method: 'POST', url: '/operator/plans', headers: bearer(token), payload });
const publishVersion = (planId: string, payload: Record<string, unknown>) =>
  app.api.inject({ method: 'POST', url: `/operator/plans/${planId}/versions`, headers: bearer(operator), payload });
const subscribe = (accountId: string, payload: Record<string, unknown>, token = operator) =>
  app.api.inject({ method: 'PUT', url: `/accounts/${accountId}/subscription`, headers: bearer(token), payload });

const openAccount = async (slug: string, currency = 'BRL') => (await openTestAccount(app, operator, slug, { currency })).accountId;

describe('price book API', () => {
  it('publishes a plan, and shows it the same once projected', async () => {
    const response = await publishPlan({ planId: 'basic', name: 'Basic', effectiveFrom: '2026-06', ...TERMS });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.headers.location).toBe('/plans/basic');
    expect(response.headers['event-position']).toBeTruthy();
    const plan = response.json<PlanBody>();
    const { currency: _c, ...rest } = TERMS;
    expect(plan).toMatchObject({ planId: 'basic', name: 'Basic', currency: 'BRL', latestVersion: 1, latestEffectiveFrom: '2026-06' });
    expect(plan.versions).toEqual([{ version: 1, name: 'Basic', effectiveFrom: '2026-06', publishedAt: plan.createdAt, terms: { currency: 'BRL', ...rest } }]);

    await catchUp();
    const shown = await app.api.inject({ method: 'GET', url: '/plans/basic', headers: bearer(operator) });
    expect(shown.statusCode).toBe(200);
    expect(shown.json()).toEqual(plan);

    const events = await app.infrastructure.eventStore.readStream('pricebook-basic');
    expect(events.map((e) => [e.type, e.data])).toEqual([
      ['PlanVersionPublished', { planId: 'basic', version: 1, name: 'Basic', effectiveFrom: '2026-06', plan: { planId: 'basic', version: 1, ...TERMS }, publishedAt: plan.createdAt }],
    ]);
  });

  it('lists every bad field of a plan at once, with its path under body', async () => {
    const response = await publishPlan({
      planId: 'Bad Id',
      name: 'X',
      effectiveFrom: '2026-6',
      currency: 'ARS',
      monthlyFee: 10,
      monthlyMinimum: '-1',
      taxRate: '2',
      meters: {
        egress_gib: { model: 'graduated', tiers: [{ upTo: '10', unitPrice: '0.4' }, { upTo: '5', unitPrice: '0.3' }] },
        bandwidth: { model: 'per_unit', unitPrice: '1' },
        requests_a: { model: 'package', packageSize: '0', packagePrice: '1' },
      },
    });
    expect(response.statusCode).toBe(400);
    const problem = response.json<{ code: string; errors: { path: string; message: string }[] }>();
    expect(problem.code).toBe('validation_failed');
    expect(problem.errors.map((e) => e.path).sort()).toEqual(
      [
        'body.planId',
        'body.effectiveFrom',
        'body.monthlyFee',
        'body.currency',
        'body.monthlyMinimum',
        'body.taxRate',
        'body.meters.egress_gib.tiers[1].upTo',
        'body.meters.bandwidth',
        'body.meters.requests_a.packageSize',
      ].sort(),
    );
    expect(problem.errors.filter((e) => e.path === 'body.monthlyFee')).toHaveLength(1);
    expect(await app.infrastructure.eventStore.readStream('pricebook-bad-id')).toEqual([]);
  });

  it('refuses figures beyond the ranges (a fee of 95 nines, a price beyond 10^12, a sub-cent minimum), naming each field; nothing is recorded', async () => {
    const response = await publishPlan({
      planId: 'huge-fee',
      name: 'Huge',
      effectiveFrom: SOON,
      ...TERMS,
      monthlyFee: '9'.repeat(95),
      monthlyMinimum: '10.001',
      meters: { ...TERMS.meters, egress_gib: { model: 'per_unit', unitPrice: '1000000000000.5' } },
    });
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json<{ errors: { path: string; message: string }[] }>().errors).toEqual([
      { path: 'body.monthlyFee', message: 'must be at most 1000000000000' },
      { path: 'body.monthlyMinimum', message: 'must have at most 2 decimal places' },
      { path: 'body.meters.egress_gib.unitPrice', message: 'must be at most 1000000000000' },
    ]);
    expect(await app.infrastructure.eventStore.readStream('pricebook-huge-fee')).toEqual([]);
  });

  it('a plan id is taken once; repeating the same publication changes nothing', async () => {
    const again = await publishPlan({ planId: 'basic', name: 'Basic', effectiveFrom: '2026-06', ...TERMS });
    expect(again.statusCode).toBe(200);
    expect(again.json<PlanBody>().latestVersion).toBe(1);
    const clash = await publishPlan({ planId: 'basic', name: 'Other basic', effectiveFrom: '2026-06', ...TERMS });
    expect(clash.statusCode).toBe(409);
    expect(clash.json()).toMatchObject({ code: 'plan_exists' });
  });

  it('publishes versions forward only, in the same currency', async () => {
    const v2 = await publishVersion('basic', { effectiveFrom: SOON, ...TERMS, currency: undefined, monthlyFee: '9.90' });
    expect(v2.statusCode, v2.body).toBe(201);
    expect(v2.json<PlanBody>()).toMatchObject({ latestVersion: 2, latestEffectiveFrom: SOON, name: 'Basic' });
    expect(v2.json<PlanBody>().versions.map((v) => [v.version, v.effectiveFrom, v.terms.monthlyFee, v.terms.currency])).toEqual([
      [1, '2026-06', '0', 'BRL'],
      [2, SOON, '9.90', 'BRL'],
    ]);

    const notLater = await publishVersion('basic', { effectiveFrom: SOON, ...TERMS, monthlyFee: '1' });
    expect(notLater.statusCode).toBe(409);
    expect(notLater.json()).toMatchObject({ code: 'effective_from_not_after_previous' });
    const otherCurrency = await publishVersion('basic', { effectiveFrom: LATER, ...TERMS, currency: 'USD' });
    expect(otherCurrency.statusCode).toBe(409);
    expect(otherCurrency.json()).toMatchObject({ code: 'plan_currency_fixed' });
    const missing = await publishVersion('nothing-here', { effectiveFrom: LATER, ...TERMS });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'plan_not_found' });
    const bad = await publishVersion('basic', { effectiveFrom: LATER, ...TERMS, meters: { storage_gib_month: { model: 'flat' } } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ errors: { path: string }[] }>().errors.map((e) => e.path)).toEqual(['body.meters.storage_gib_month.model']);
  });

  it('lists plans by id, page by page; operators only', async () => {
    for (const planId of ['pro', 'max']) {
      expect((await publishPlan({ planId, name: planId.toUpperCase(), effectiveFrom: '2026-03', ...TERMS })).statusCode).toBe(201);
    }
    await catchUp();
    const first = await app.api.inject({ method: 'GET', url: '/plans?limit=2', headers: bearer(operator) });
    const page = first.json<{ items: { planId: string; latestVersion: number }[]; nextCursor: string | null }>();
    expect(page.items.map((p) => [p.planId, p.latestVersion])).toEqual([
      ['basic', 2],
      ['max', 1],
    ]);
    const second = await app.api.inject({ method: 'GET', url: `/plans?limit=2&cursor=${page.nextCursor}`, headers: bearer(operator) });
    expect(second.json()).toMatchObject({ items: [{ planId: 'pro' }], nextCursor: null });

    const accountId = await openAccount('plan-reader');
    const tenant = await app.tokenFor({ kind: 'account', accountId, role: 'owner' });
    for (const [method, url] of [
      ['GET', '/plans'],
      ['GET', '/plans/basic'],
      ['POST', '/operator/plans'],
    ] as const) {
      const response = await app.api.inject({ method, url, headers: bearer(tenant), ...(method === 'POST' ? { payload: {} } : {}) });
      expect(response.statusCode, url).toBe(403);
      expect(response.json()).toMatchObject({ code: 'operator_only' });
    }
  });

  it('refuses a version taking effect in a period already begun in any zone, naming the earliest allowed; nothing is recorded', async () => {
    const before = await app.infrastructure.eventStore.readStream('pricebook-retro-prices');
    expect((await publishPlan({ planId: 'retro-prices', name: 'Retro prices', effectiveFrom: '2026-01', ...TERMS })).statusCode).toBe(201);
    const recorded = (await app.infrastructure.eventStore.readStream('pricebook-retro-prices')).length;
    expect(recorded).toBe(before.length + 1);
    // the period under way at UTC+14 (already billed elsewhere, or being estimated) and one long past
    const current = periodOf(new Date().toISOString(), 'Pacific/Kiritimati');
    for (const effectiveFrom of [current, '2026-02']) {
      const refused = await publishVersion('retro-prices', { effectiveFrom, ...TERMS, monthlyFee: '5.00' });
      expect(refused.statusCode, refused.body).toBe(400);
      const problem = refused.json<{ code: string; errors: { path: string; message: string }[] }>();
      expect(problem.code).toBe('effective_from_started');
      expect(problem.errors).toHaveLength(1);
      expect(problem.errors[0]!.path).toMatch(/effectiveFrom$/);
      // the earliest allowed period is the next one at UTC+14 (or the one after, if it turned meanwhile)
      expect([nextPeriod(current), nextPeriod(nextPeriod(current))]).toContain(/^must be (\d{4}-\d{2}) or later/.exec(problem.errors[0]!.message)?.[1]);
    }
    expect(await app.infrastructure.eventStore.readStream('pricebook-retro-prices')).toHaveLength(recorded);
  });
});

describe('subscriptions API', () => {
  let accountId: string;

  beforeAll(async () => {
    accountId = await openAccount('acme-plans');
    // pro: a dearer plan, published for the whole year
    const pro = await publishPlan({ planId: 'pro-2026', name: 'Pro', effectiveFrom: '2026-01', ...TERMS, monthlyFee: '99.00' });
    expect(pro.statusCode, pro.body).toBe(201);
  });

  it('subscribes, then changes plan mid-period; the period splits at the change', async () => {
    const first = await subscribe(accountId, { planId: 'basic', effectiveAt: '2026-06-01T00:00:00-03:00' });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.headers['event-position']).toBeTruthy();
    expect(first.json<SubscriptionBody>()).toMatchObject({ accountId, planId: 'basic', since: '2026-06-01T03:00:00.000Z' });

    const change = await subscribe(accountId, { planId: 'pro-2026', effectiveAt: '2026-06-16T00:00:00-03:00' });
    expect(change.statusCode, change.body).toBe(200);
    const body = change.json<SubscriptionBody>();
    expect(body).toMatchObject({ planId: 'pro-2026', since: '2026-06-16T03:00:00.000Z', scheduled: [] });
    expect(body.history.map((h) => [h.planId, h.previousPlanId, h.effectiveAt])).toEqual([
      ['basic', null, '2026-06-01T03:00:00.000Z'],
      ['pro-2026', 'basic', '2026-06-16T03:00:00.000Z'],
    ]);

    await catchUp();
    const readOnly = await app.tokenFor({ kind: 'account', accountId, role: 'read-only' });
    const shown = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/subscription`, headers: bearer(readOnly) });
    expect(shown.statusCode).toBe(200);
    expect(shown.json()).toEqual(body);

    const rating = await loadRatingPlan(app.infrastructure.eventStore, accountId, '2026-06', 'America/Sao_Paulo');
    expect(rating.segments.map((s) => [s.from, s.to, s.plan.planId, s.plan.version, s.plan.monthlyFee])).toEqual([
      ['2026-06-01T03:00:00.000Z', '2026-06-16T03:00:00.000Z', 'basic', 1, '0'],
      ['2026-06-16T03:00:00.000Z', '2026-07-01T03:00:00.000Z', 'pro-2026', 1, '99.00'],
    ]);
    expect(rating.planVersions).toEqual([
      { planId: 'basic', version: 1 },
      { planId: 'pro-2026', version: 1 },
    ]);
    expect(rating.subscriptionRevision).toBe(1n);
    // As of the first change only: the whole period on basic.
    const asOf = await loadRatingPlan(app.infrastructure.eventStore, accountId, '2026-06', 'America/Sao_Paulo', { subscriptionRevision: 0n });
    expect(asOf.segments.map((s) => [s.from, s.to, s.plan.planId])).toEqual([['2026-06-01T03:00:00.000Z', '2026-07-01T03:00:00.000Z', 'basic']]);
    // May: before the first subscription, no segment.
    expect((await loadRatingPlan(app.infrastructure.eventStore, accountId, '2026-05', 'America/Sao_Paulo')).segments).toEqual([]);
  });

  it('the same plan again records nothing; a change before the last is refused', async () => {
    const before = await app.infrastructure.eventStore.readStream(`subscription-${accountId}`);
    const same = await subscribe(accountId, { planId: 'pro-2026' });
    expect(same.statusCode).toBe(200);
    expect(same.headers['event-position']).toBeUndefined();
    const early = await subscribe(accountId, { planId: 'basic', effectiveAt: '2026-06-10T00:00:00-03:00' });
    expect(early.statusCode).toBe(409);
    expect(early.json()).toMatchObject({ code: 'effective_before_last_change' });
    expect(await app.infrastructure.eventStore.readStream(`subscription-${accountId}`)).toHaveLength(before.length);
  });

  it("refuses a plan in another currency, an unknown plan, bad input, and anyone but operators", async () => {
    const usd = await publishPlan({ planId: 'dollar', name: 'Dollar', effectiveFrom: '2026-01', ...TERMS, currency: 'USD' });
    expect(usd.statusCode).toBe(201);
    const mismatch = await subscribe(accountId, { planId: 'dollar' });
    expect(mismatch.statusCode).toBe(409);
    expect(mismatch.json()).toMatchObject({ code: 'currency_mismatch' });
    const unknown = await subscribe(accountId, { planId: 'no-such-plan' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'plan_not_found' });
    const bad = await subscribe(accountId, { planId: 'Pro!', effectiveAt: 'tomorrow', extra: 1 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ errors: { path: string }[] }>().errors.map((e) => e.path).sort()).toEqual(['body.effectiveAt', 'body.extra', 'body.planId']);
    const owner = await app.tokenFor({ kind: 'account', accountId, role: 'owner' });
    const byOwner = await subscribe(accountId, { planId: 'basic' }, owner);
    expect(byOwner.statusCode).toBe(403);
    expect(byOwner.json()).toMatchObject({ code: 'operator_only' });
  });

  it('a change scheduled for later shows as scheduled; an account never subscribed has no plan', async () => {
    const later = await subscribe(accountId, { planId: 'basic', effectiveAt: '2099-01-01T00:00:00Z' });
    expect(later.statusCode, later.body).toBe(200);
    expect(later.json<SubscriptionBody>()).toMatchObject({ planId: 'pro-2026', scheduled: [{ planId: 'basic', previousPlanId: 'pro-2026', effectiveAt: '2099-01-01T00:00:00.000Z' }] });

    const fresh = await openAccount('no-plan-yet');
    await catchUp();
    const shown = await app.api.inject({ method: 'GET', url: `/accounts/${fresh}/subscription`, headers: bearer(operator) });
    expect(shown.json()).toEqual({ accountId: fresh, planId: null, since: null, scheduled: [], history: [] });
  });

  it('a rebuild of each read model gives the same rows', async () => {
    await catchUp();
    const db = app.infrastructure.readModels;
    const snapshot = async () => ({
      plans: await db.selectFrom('plans').selectAll().orderBy('plan_id').execute(),
      planVersions: await db.selectFrom('plan_versions').selectAll().orderBy('plan_id').orderBy('version').execute(),
      subscriptions: await db.selectFrom('subscriptions').selectAll().orderBy('account_id').execute(),
      changes: await db.selectFrom('subscription_changes').selectAll().orderBy('account_id').orderBy('revision').execute(),
    });
    const before = await snapshot();
    expect(before.plans.length).toBeGreaterThanOrEqual(4);
    expect(before.changes.length).toBeGreaterThanOrEqual(3);
    await app.runner.rebuild('pricebook');
    await app.runner.rebuild('subscriptions');
    expect(await snapshot()).toEqual(before);
  });
});
