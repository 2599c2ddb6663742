import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../support/api-requests.ts';
import { startClockedApp, type ClockedApp } from '../support/clocked-app.ts';

/**
 * `?asOf=` on the account reads: a history of changes is made through the API with the clock
 * moved between steps, every live read is captured right after each step at its instant, and
 * then every one of those states is read back with `?asOf=` (at the step's instant, in another
 * offset, and half an hour later, before the next step) and must be exactly what was seen live.
 */
let app: ClockedApp;
let operator: string;

const START = '2026-05-20T12:00:00.000Z';

beforeAll(async () => {
  app = await startClockedApp(START);
  operator = await app.tokenFor({ kind: 'operator' });
  for (const [planId, monthlyFee] of [['asof-basic', '30.00'], ['asof-pro', '50.00']] as const) {
    const plan = await call('POST', '/operator/plans', { planId, name: planId, effectiveFrom: '2026-01', currency: 'BRL', monthlyFee, monthlyMinimum: '0', taxRate: '0', meters: {} });
    expect(plan.statusCode, plan.body).toBe(201);
  }
});
afterAll(async () => {
  await app?.close();
});

function call(method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: unknown) {
  return app.api.inject({ method, url, headers: bearer(operator), ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
}

async function ok<T = Record<string, unknown>>(method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: unknown): Promise<T> {
  const response = await call(method, url, payload);
  expect(response.statusCode, `${method} ${url}: ${response.body}`).toBeLessThan(300);
  return response.json<T>();
}

/** Every read the test compares, by URL (without asOf), as the live read answered it. */
type Capture = { at: string; reads: Map<string, unknown> };

async function captureLive(accountId: string, bucketIds: string[], keyIds: string[]): Promise<Map<string, unknown>> {
  await app.runner.catchUp();
  const base = `/accounts/${accountId}`;
  const urls = [
    base,
    `${base}/buckets`,
    `${base}/buckets?status=requested`,
    `${base}/buckets?name=asof-acme-l`,
    ...bucketIds.map((id) => `${base}/buckets/${id}`),
    `${base}/access-keys`,
    `${base}/access-keys?status=active`,
    `${base}/access-keys?status=expired`,
    ...keyIds.map((id) => `${base}/access-keys/${id}`),
    `${base}/members`,
    `${base}/members?role=billing`,
    `${base}/subscription`,
    `${base}/balance`,
  ];
  const reads = new Map<string, unknown>();
  for (const url of urls) reads.set(url, await ok('GET', url));
  return reads;
}

const withAsOf = (url: string, asOf: string) => `${url}${url.includes('?') ? '&' : '?'}asOf=${encodeURIComponent(asOf)}`;
/** The same instant written at São Paulo's offset (-03:00). */
const inSaoPaulo = (instant: string) => new Date(Date.parse(instant) - 3 * 3_600_000).toISOString().replace('Z', '-03:00');

describe('state as of an instant', () => {
  let accountId: string;
  const captures: Capture[] = [];
  const bucketIds: string[] = [];
  const keyIds: string[] = [];
  let openedAt: string;

  /** One change at `at`, then every live read at that same instant. */
  async function step(at: string, change: () => Promise<void>) {
    app.setClock(at);
    await change();
    captures.push({ at, reads: await captureLive(accountId, bucketIds, keyIds) });
  }

  it('reads back every intermediate state exactly as it was read live', async () => {
    openedAt = '2026-05-20T13:00:00.000Z';
    app.setClock(openedAt);
    ({ accountId } = await ok<{ accountId: string }>('POST', '/accounts', { name: 'Acme AsOf', slug: 'asof-acme', billingEmail: 'billing@asof-acme.com.br', document: '529.982.247-25', billingDay: 10 }));
    captures.push({ at: openedAt, reads: await captureLive(accountId, bucketIds, keyIds) });
    const base = `/accounts/${accountId}`;

    await step('2026-05-21T09:00:00.000Z', async () => {
      bucketIds.push((await ok<{ bucketId: string }>('POST', `${base}/buckets`, { name: 'asof-acme-data' })).bucketId);
    });
    await step('2026-05-21T10:00:00.000Z', async () => {
      bucketIds.push((await ok<{ bucketId: string }>('POST', `${base}/buckets`, { name: 'asof-acme-logs' })).bucketId);
      await ok('POST', `${base}/buckets/${bucketIds[0]}/provisioned`);
    });
    await step('2026-05-22T08:00:00.000Z', async () => {
      await ok('PUT', `${base}/buckets/${bucketIds[0]}/quota`, { quotaBytes: '10737418240' });
    });
    await step('2026-05-23T08:00:00.000Z', async () => {
      // expires between two later steps: the asOf read must tell it expired exactly when the live one did
      keyIds.push((await ok<{ keyId: string }>('POST', `${base}/access-keys`, { name: 'backup', buckets: 'all', permission: 'read-write', expiresAt: '2026-06-10T00:00:00Z' })).keyId);
      keyIds.push((await ok<{ keyId: string }>('POST', `${base}/access-keys`, { name: 'reports', buckets: [bucketIds[0]], permission: 'read' })).keyId);
    });
    // a pending invitation is no member yet (and none of the reads compared shows it)
    app.setClock('2026-05-24T08:00:00.000Z');
    const { invitationToken } = await ok<{ invitationToken: string }>('POST', `${base}/invitations`, { email: 'zoe@asof-acme.com.br', role: 'billing' });
    await step('2026-05-24T09:00:00.000Z', async () => {
      const accepted = await app.api.inject({ method: 'POST', url: '/invitations/accept', payload: { token: invitationToken } });
      expect(accepted.statusCode, accepted.body).toBe(201);
    });
    await step('2026-05-25T08:00:00.000Z', async () => {
      await ok('PATCH', `${base}/billing-profile`, { name: 'Acme AsOf Ltda', billingEmail: 'finance@asof-acme.com.br' });
    });
    await step('2026-05-26T08:00:00.000Z', async () => {
      await ok('PUT', `${base}/subscription`, { planId: 'asof-basic', effectiveAt: '2026-05-01T00:00:00-03:00' });
    });
    await step('2026-05-27T08:00:00.000Z', async () => {
      // scheduled: in force from 2026-06-15, so reads before then show it under `scheduled`
      await ok('PUT', `${base}/subscription`, { planId: 'asof-pro', effectiveAt: '2026-06-15T00:00:00-03:00' });
    });
    await step('2026-06-01T08:00:00.000Z', async () => {
      await ok('POST', `${base}/suspend`, { reason: 'card declined' });
    });
    await step('2026-06-02T08:00:00.000Z', async () => {
      await ok('POST', `${base}/reactivate`);
    });
    await step('2026-06-05T08:00:00.000Z', async () => {
      await ok('POST', `${base}/access-keys/${keyIds[1]}/revoke`);
    });
    // nothing recorded: the backup key has expired since, and the pro plan came into force
    await step('2026-06-12T08:00:00.000Z', async () => {});
    await step('2026-06-20T08:00:00.000Z', async () => {});

    let invoiceId = '';
    await step('2026-07-02T12:00:00.000Z', async () => {
      await app.runner.catchUp();
      const run = await ok<{ outcomes: { accountId: string; outcome: string; invoiceId?: string }[] }>('POST', '/operator/billing-runs', { period: '2026-06' });
      const outcome = run.outcomes.find((o) => o.accountId === accountId)!;
      expect(outcome.outcome).toBe('issued');
      invoiceId = outcome.invoiceId!;
    });
    const issued = captures.at(-1)!.reads.get(`${base}/balance`) as { amountDue: string; openInvoices: { total: string }[] };
    expect(issued.openInvoices).toHaveLength(1);
    const total = issued.openInvoices[0]!.total;
    expect(issued.amountDue).toBe(total);

    let firstPaymentId = '';
    await step('2026-07-03T12:00:00.000Z', async () => {
      await app.runner.catchUp();
      ({ paymentId: firstPaymentId } = await ok<{ paymentId: string }>('POST', `/invoices/${invoiceId}/payments`, { externalRef: 'asof-pix-1', amount: '10.00', method: 'pix', receivedAt: '2026-07-03T09:00:00-03:00' }));
    });
    await step('2026-07-25T12:00:00.000Z', async () => {
      await ok('POST', '/operator/dunning-runs', {});
    });
    const overdue = captures.at(-1)!.reads.get(`${base}/balance`) as { amountDue: string; openInvoices: { status: string; amountPaid: string }[] };
    expect(overdue.openInvoices[0]).toMatchObject({ status: 'overdue', amountPaid: '10.00' });
    // 5.00 more than is due: the invoice is paid and the excess is credit for the next one
    const rest = (Number(total) - 10 + 5).toFixed(2);
    await step('2026-07-26T12:00:00.000Z', async () => {
      await app.runner.catchUp();
      await ok('POST', `/invoices/${invoiceId}/payments`, { externalRef: 'asof-pix-2', amount: rest, method: 'pix', receivedAt: '2026-07-26T09:00:00-03:00' });
    });
    expect(captures.at(-1)!.reads.get(`${base}/balance`)).toEqual({ accountId, currency: 'BRL', openInvoices: [], amountDue: '0.00', creditAvailable: '5.00' });
    await step('2026-07-27T12:00:00.000Z', async () => {
      await ok('POST', `${base}/credit/refunds`, { amount: '2.00', externalRef: 'asof-refund-1', reason: 'customer asked' });
    });
    // the first payment was a chargeback: its 10.00 is due again, and the invoice is overdue again
    await step('2026-07-28T12:00:00.000Z', async () => {
      await app.runner.catchUp();
      await ok('POST', `/payments/${firstPaymentId}/reversal`, { reason: 'chargeback' });
    });
    expect(captures.at(-1)!.reads.get(`${base}/balance`)).toMatchObject({
      openInvoices: [{ invoiceId, status: 'overdue', total, amountPaid: (Number(total) - 10).toFixed(2), amountDue: '10.00' }],
      amountDue: '10.00',
      creditAvailable: '3.00',
    });

    // the history did change between the captures (so the comparison below compares something)
    const distinct = new Set(captures.map((c) => JSON.stringify([...c.reads.entries()])));
    expect(distinct.size).toBe(captures.length);
    const keyStatusAt = (at: string) => (captures.find((c) => c.at === at)!.reads.get(`${base}/access-keys/${keyIds[0]}`) as { status: string }).status;
    expect([keyStatusAt('2026-06-05T08:00:00.000Z'), keyStatusAt('2026-06-12T08:00:00.000Z')]).toEqual(['active', 'expired']);
    const planAt = (at: string) => (captures.find((c) => c.at === at)!.reads.get(`${base}/subscription`) as { planId: string; scheduled: unknown[] });
    expect(planAt('2026-06-12T08:00:00.000Z')).toMatchObject({ planId: 'asof-basic', scheduled: [{ planId: 'asof-pro' }] });
    expect(planAt('2026-06-20T08:00:00.000Z')).toMatchObject({ planId: 'asof-pro', scheduled: [] });

    // much later, every captured state read back as of its instant
    app.setClock('2026-09-01T00:00:00.000Z');
    for (const { at, reads } of captures) {
      const later = new Date(Date.parse(at) + 30 * 60_000).toISOString();
      for (const [url, live] of reads) {
        for (const asOf of [at, inSaoPaulo(at), later]) {
          const past = await call('GET', withAsOf(url, asOf));
          expect(past.statusCode, `${url} as of ${asOf}: ${past.body}`).toBe(200);
          const body = past.json<Record<string, unknown>>();
          // a live list's page was complete here (fewer than 50 rows): asOf answers the same one page
          expect(body, `${url} as of ${asOf}`).toEqual(live);
        }
      }
    }
  });

  it('answers 404 before the account was opened, and before any event at all', async () => {
    const base = `/accounts/${accountId}`;
    const justBefore = new Date(Date.parse(openedAt) - 1).toISOString();
    const urls = [base, `${base}/buckets`, `${base}/buckets/${bucketIds[0]}`, `${base}/access-keys`, `${base}/access-keys/${keyIds[0]}`, `${base}/members`, `${base}/subscription`, `${base}/balance`];
    for (const asOf of [justBefore, '2001-01-01T00:00:00Z']) {
      for (const url of urls) {
        const response = await call('GET', withAsOf(url, asOf));
        expect(response.statusCode, `${url} as of ${asOf}`).toBe(404);
        expect(response.headers['content-type']).toContain('application/problem+json');
        expect(response.json()).toMatchObject({ status: 404, code: 'account_not_found' });
      }
    }
    // the account existed, the bucket and the key not yet
    const beforeBucket = await call('GET', withAsOf(`${base}/buckets/${bucketIds[0]}`, '2026-05-21T08:59:59.999Z'));
    expect(beforeBucket.json()).toMatchObject({ status: 404, code: 'bucket_not_found' });
    const beforeKey = await call('GET', withAsOf(`${base}/access-keys/${keyIds[0]}`, '2026-05-23T07:59:59.999Z'));
    expect(beforeKey.json()).toMatchObject({ status: 404, code: 'access_key_not_found' });
    // at the bucket's own instant it is there: events recorded at asOf count
    expect((await call('GET', withAsOf(`${base}/buckets/${bucketIds[0]}`, '2026-05-21T09:00:00.000Z'))).statusCode).toBe(200);
  });

  it('another account’s bucket or key is not found as of any instant', async () => {
    app.setClock('2026-09-02T00:00:00.000Z');
    const { accountId: other } = await ok<{ accountId: string }>('POST', '/accounts', { name: 'Other', slug: 'asof-other', billingEmail: 'b@asof-other.com.br', document: '529.982.247-25' });
    const bucket = await call('GET', withAsOf(`/accounts/${other}/buckets/${bucketIds[0]}`, '2026-09-02T00:00:00Z'));
    expect(bucket.json()).toMatchObject({ status: 404, code: 'bucket_not_found' });
    const key = await call('GET', withAsOf(`/accounts/${other}/access-keys/${keyIds[0]}`, '2026-09-02T00:00:00Z'));
    expect(key.json()).toMatchObject({ status: 404, code: 'access_key_not_found' });
    const list = await ok<{ items: unknown[]; nextCursor: null }>('GET', withAsOf(`/accounts/${other}/buckets`, '2026-09-02T00:00:00Z'));
    expect(list).toEqual({ items: [], nextCursor: null });
  });

  it('refuses an asOf later than the clock, a malformed one, and a cursor with it, naming the field', async () => {
    app.setClock('2026-09-03T00:00:00.000Z');
    const base = `/accounts/${accountId}`;
    for (const url of [base, `${base}/buckets`, `${base}/access-keys/${keyIds[0]}`, `${base}/members`, `${base}/subscription`, `${base}/balance`]) {
      const future = await call('GET', withAsOf(url, '2026-09-03T00:00:00.001Z'));
      expect(future.statusCode, url).toBe(400);
      expect(future.json<{ errors: { path: string; message: string }[] }>().errors).toEqual([{ path: 'query.asOf', message: expect.stringContaining('must not be later than now') }]);
      for (const malformed of ['yesterday', '2026-09-01T00:00:00', '2026-02-30T00:00:00Z']) {
        const bad = await call('GET', withAsOf(url, malformed));
        expect(bad.statusCode, `${url} ${malformed}`).toBe(400);
        expect(bad.json<{ errors: { path: string }[] }>().errors.map((e) => e.path)).toEqual(['query.asOf']);
      }
    }
    // exactly now is allowed
    expect((await call('GET', withAsOf(base, '2026-09-03T00:00:00.000Z'))).statusCode).toBe(200);
    // one page, whatever the limit
    const page = await call('GET', withAsOf(`${base}/buckets?limit=1`, '2026-09-03T00:00:00Z'));
    expect(page.json()).toMatchObject({ items: [{ name: 'asof-acme-logs' }, { name: 'asof-acme-data' }], nextCursor: null });
    const withCursor = await call('GET', withAsOf(`${base}/buckets?cursor=abc`, '2026-09-03T00:00:00Z'));
    expect(withCursor.statusCode).toBe(400);
    expect(withCursor.json<{ errors: { path: string }[] }>().errors.map((e) => e.path)).toEqual(['query.cursor']);
  });

  it('documents asOf on every route that takes it', async () => {
    const document = (await app.api.inject({ method: 'GET', url: '/docs' })).json<{
      paths: Record<string, { get?: { parameters?: { name: string; in: string; schema: { format?: string; description?: string } }[] } }>;
    }>();
    const paths = ['', '/buckets', '/buckets/{bucketId}', '/access-keys', '/access-keys/{keyId}', '/members', '/subscription', '/balance'].map((p) => `/accounts/{accountId}${p}`);
    for (const path of paths) {
      const asOf = document.paths[path]?.get?.parameters?.find((p) => p.in === 'query' && p.name === 'asOf');
      expect(asOf?.schema, path).toMatchObject({ format: 'date-time', description: expect.stringContaining('recorded time, not effective time') });
    }
  });

  it('never shows an access key’s secret as of any instant', async () => {
    const keys = await ok<{ items: Record<string, unknown>[] }>('GET', withAsOf(`/accounts/${accountId}/access-keys`, '2026-06-01T00:00:00Z'));
    expect(keys.items).toHaveLength(2);
    for (const key of keys.items) expect(Object.keys(key).filter((name) => /secret/i.test(name))).toEqual([]);
    expect(JSON.stringify(keys)).not.toMatch(/sealed|secretAccessKey/i);
  });
});
