import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../support/app.ts';
import { bearer, openTestAccount } from '../support/api-requests.ts';

type App = Awaited<ReturnType<typeof startTestApp>>;
let app: App;
let operator: string;

beforeAll(async () => {
  app = await startTestApp();
  operator = await app.tokenFor({ kind: 'operator' });
});
afterAll(async () => {
  await app.close();
});

const openAccount = (slug: string, overrides: Record<string, unknown> = {}) => openTestAccount(app, operator, slug, overrides);

describe('accounts API', () => {
  it('opens an account with the documented defaults and shows it once projected', async () => {
    const opened = await openAccount('defaults-co', { document: '12.ABC.345/01DE-35' });
    expect(opened).toMatchObject({
      slug: 'defaults-co',
      currency: 'BRL',
      timeZone: 'America/Sao_Paulo',
      billingDay: 10,
      status: 'active',
      document: { kind: 'cnpj', number: '12ABC34501DE35', formatted: '12.ABC.345/01DE-35' },
    });
    await app.runner.catchUp();
    const shown = await app.api.inject({ method: 'GET', url: `/accounts/${opened.accountId}`, headers: bearer(operator) });
    expect(shown.statusCode).toBe(200);
    expect(shown.json()).toEqual(opened);
  });

  it('lists every failing field of a bad request, and records nothing', async () => {
    const response = await app.api.inject({
      method: 'POST',
      url: '/accounts',
      headers: bearer(operator),
      payload: { name: ' ', slug: 'Bad_Slug', billingEmail: 'nope', document: '529.982.247-26', billingDay: 29, currency: 'XYZ', color: 'red' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    const problem = response.json<{ code: string; errors: { path: string }[] }>();
    expect(problem.code).toBe('validation_failed');
    expect(problem.errors.map((e) => e.path).sort()).toEqual(
      ['body.billingDay', 'body.billingEmail', 'body.color', 'body.currency', 'body.document', 'body.name', 'body.slug'].sort(),
    );
    const events = await app.infrastructure.eventStore.readStream('accountslug-Bad_Slug');
    expect(events).toEqual([]);
  });

  it('refuses a slug that is taken, with a stable code', async () => {
    await openAccount('taken-slug');
    const response = await app.api.inject({
      method: 'POST',
      url: '/accounts',
      headers: bearer(operator),
      payload: { name: 'Other', slug: 'taken-slug', billingEmail: 'a@b.co', document: '11.222.333/0001-81' },
    });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ code: 'slug_taken' });
  });

  it('updates the billing profile, suspends, reactivates and closes', async () => {
    const { accountId } = await openAccount('lifecycle-co');
    const patched = await app.api.inject({
      method: 'PATCH',
      url: `/accounts/${accountId}/billing-profile`,
      headers: bearer(operator),
      payload: { billingDay: 5, billingEmail: 'ap@lifecycle.com.br' },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ billingDay: 5, billingEmail: 'ap@lifecycle.com.br' });

    const suspend = (reason: string) =>
      app.api.inject({ method: 'POST', url: `/accounts/${accountId}/suspend`, headers: bearer(operator), payload: { reason } });
    expect((await suspend('invoice 30 days overdue')).json()).toMatchObject({ status: 'suspended', statusReason: 'invoice 30 days overdue' });
    const reactivated = await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/reactivate`, headers: bearer(operator) });
    expect(reactivated.json()).toMatchObject({ status: 'active', statusReason: null });
    const closed = await app.api.inject({
      method: 'POST',
      url: `/accounts/${accountId}/close`,
      headers: bearer(operator),
      payload: { reason: 'customer left' },
    });
    expect(closed.json()).toMatchObject({ status: 'closed' });
    const afterClose = await suspend('too late');
    expect(afterClose.statusCode).toBe(409);
    expect(afterClose.json()).toMatchObject({ code: 'account_closed' });

    await app.runner.catchUp();
    const shown = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}`, headers: bearer(operator) });
    expect(shown.json()).toMatchObject({ status: 'closed', billingDay: 5, statusReason: 'customer left' });

    const events = await app.infrastructure.eventStore.readStream(`account-${accountId}`);
    expect(events.map((e) => e.type)).toEqual([
      'AccountOpened',
      'BillingProfileUpdated',
      'AccountSuspended',
      'AccountReactivated',
      'AccountClosed',
    ]);
    expect(events[2]!.metadata.actor).toMatch(/^token:[0-9a-f]{32}$/);
    expect(events[2]!.metadata.ip).toBe('127.0.0.1');
  });

  it('returns the first outcome for a retried Idempotency-Key and refuses the key for another request', async () => {
    const payload = { name: 'Idem', slug: 'idem-co', billingEmail: 'a@idem.co', document: '529.982.247-25' };
    const send = (body: unknown) =>
      app.api.inject({ method: 'POST', url: '/accounts', headers: { ...bearer(operator), 'idempotency-key': 'open-idem-co' }, payload: body as object });
    const first = await send(payload);
    const retry = await send(payload);
    expect(first.statusCode).toBe(201);
    expect(retry.statusCode).toBe(201);
    expect(retry.json()).toEqual(first.json());
    expect(retry.headers['idempotent-replayed']).toBe('true');
    const reused = await send({ ...payload, slug: 'idem-other' });
    expect(reused.statusCode).toBe(409);
    expect(reused.json()).toMatchObject({ code: 'idempotency_key_reused' });
    expect(await app.infrastructure.eventStore.readStream('accountslug-idem-other')).toEqual([]);
  });

  it('answers problem+json for unknown routes and malformed JSON, and never leaks internals', async () => {
    const unknown = await app.api.inject({ method: 'GET', url: '/nowhere' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'route_not_found' });
    const malformed = await app.api.inject({
      method: 'POST',
      url: '/accounts',
      headers: { ...bearer(operator), 'content-type': 'application/json' },
      payload: '{"name": ',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ code: 'malformed_json' });
  });

  it('ops rebuild of the accounts read model gives the same rows as before', async () => {
    await app.runner.catchUp();
    const rows = () => app.infrastructure.readModels.selectFrom('accounts').selectAll().orderBy('account_id').execute();
    const before = await rows();
    expect(before.length).toBeGreaterThanOrEqual(4);
    await app.infrastructure.readModels.updateTable('accounts').set({ name: 'tampered' }).execute();
    await app.runner.rebuild('accounts');
    expect(await rows()).toEqual(before);
  });

  it('reports health of PostgreSQL, the event store and the log', async () => {
    const response = await app.api.inject({ method: 'GET', url: '/health' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok', checks: { postgres: { status: 'ok' }, eventStore: { status: 'ok' }, eventLog: { status: 'ok' } } });
  });

  it('serves an OpenAPI document generated from the route schemas', async () => {
    const response = await app.api.inject({ method: 'GET', url: '/docs' });
    const document = response.json<{ openapi: string; paths: Record<string, Record<string, any>> }>();
    expect(document.openapi).toBe('3.1.0');
    const open = document.paths['/accounts']!.post;
    expect(open.requestBody.content['application/json'].schema.required).toEqual(['name', 'slug', 'billingEmail', 'document']);
    expect(open.requestBody.content['application/json'].schema.properties.billingDay.default).toBe(10);
    expect(Object.keys(document.paths['/accounts/{accountId}/billing-profile']!)).toEqual(['patch']);
  });
});

describe('authentication and tenant isolation', () => {
  let accountA: string;
  let accountB: string;
  let tokenA: string;
  let accountRoutes: { method: string; url: string }[];

  beforeAll(async () => {
    accountA = (await openAccount('tenant-a')).accountId;
    accountB = (await openAccount('tenant-b')).accountId;
    tokenA = await app.tokenFor({ kind: 'account', accountId: accountA });
    await app.runner.catchUp();
    // Every route under /accounts/{accountId}, read from the served API document, so a
    // route added later is covered without touching this test.
    const document = (await app.api.inject({ method: 'GET', url: '/docs' })).json<{ paths: Record<string, object> }>();
    accountRoutes = Object.entries(document.paths)
      .filter(([path]) => path.includes('{accountId}'))
      .flatMap(([path, methods]) => Object.keys(methods).map((method) => ({ method: method.toUpperCase(), url: path })));
    expect(accountRoutes.length).toBeGreaterThanOrEqual(5);
  });

  const call = (route: { method: string; url: string }, accountId: string, headers: Record<string, string>) =>
    app.api.inject({
      method: route.method as 'GET',
      url: route.url.replace('{accountId}', accountId),
      headers,
      ...(route.method === 'GET' ? {} : { payload: { reason: 'probe', name: 'Probe' } }),
    });

  it("account A's token gets 404 on every account route of account B", async () => {
    for (const route of accountRoutes) {
      const response = await call(route, accountB, bearer(tokenA));
      expect(response.statusCode, `${route.method} ${route.url}`).toBe(404);
      expect(response.json()).toMatchObject({ code: 'account_not_found' });
    }
    const events = await app.infrastructure.eventStore.readStream(`account-${accountB}`);
    expect(events.map((e) => e.type)).toEqual(['AccountOpened']);
  });

  it('no token, a malformed token, a forged token and a revoked token all get 401', async () => {
    const { revokeApiToken } = await import('../../src/commands/api-token-commands.ts');
    const { testContext } = await import('../support/app.ts');
    const revoked = await app.tokenFor({ kind: 'account', accountId: accountA });
    await revokeApiToken(app.infrastructure.eventStore, revoked.split('_')[1]!, testContext());
    const forged = `${tokenA.slice(0, -4)}AAAA`;
    for (const route of accountRoutes) {
      for (const headers of [{}, bearer('not-a-token'), bearer(forged), bearer(revoked)]) {
        const response = await call(route, accountA, headers);
        expect(response.statusCode, `${route.method} ${route.url} ${JSON.stringify(headers)}`).toBe(401);
      }
    }
  });

  it("an account token reads its own account, may not open accounts or suspend itself", async () => {
    const own = await app.api.inject({ method: 'GET', url: `/accounts/${accountA}`, headers: bearer(tokenA) });
    expect(own.statusCode).toBe(200);
    const open = await app.api.inject({
      method: 'POST',
      url: '/accounts',
      headers: bearer(tokenA),
      payload: { name: 'X', slug: 'x-co', billingEmail: 'a@b.co', document: '529.982.247-25' },
    });
    expect(open.statusCode).toBe(403);
    const suspend = await app.api.inject({ method: 'POST', url: `/accounts/${accountA}/suspend`, headers: bearer(tokenA), payload: { reason: 'x' } });
    expect(suspend.statusCode).toBe(403);
    expect(suspend.json()).toMatchObject({ code: 'operator_only' });
  });
});
