import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../support/app.ts';
import { accountWithWorkedExampleUsage, publishWorkedExamplePlan } from '../support/billing-fixtures.ts';
import { bearer } from '../support/api-requests.ts';

/**
 * The payment and credit-note lists, on invoices issued by real billing runs of the worked
 * example, with payments and credit notes recorded through the API: every row once across
 * cursor pages, in order; the filters; another tenant's account and invoices are 404; bad
 * query parameters are problem+json listing every failing one.
 */
type App = Awaited<ReturnType<typeof startTestApp>>;
let app: App;
let operator: string;

interface PaymentItem {
  paymentId: string;
  invoiceId: string;
  invoiceNumber: string;
  period: string;
  externalRef: string;
  amount: string;
  currency: string;
  method: string;
  receivedAt: string;
  recordedAt: string;
  appliedAmount: string;
  excessAmount: string;
}
interface CreditNoteItem {
  creditNoteId: string;
  invoiceId: string;
  invoiceNumber: string;
  period: string;
  amount: string;
  currency: string;
  reason: string;
  issuedAt: string;
  appliedAmount: string;
  excessAmount: string;
}
interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

const get = (url: string, token = operator) => app.api.inject({ method: 'GET', url, headers: bearer(token) });

async function billing(period: string) {
  const response = await app.api.inject({ method: 'POST', url: '/operator/billing-runs', headers: bearer(operator), payload: { period } });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ outcomes: { accountId: string; outcome: string; invoiceId?: string; number?: string }[] }>().outcomes;
}

/** Every page of a list, following nextCursor; the page count too. */
async function allPages<T>(url: string, token = operator): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const separator = url.includes('?') ? '&' : '?';
    const response = await get(cursor === null ? url : `${url}${separator}cursor=${encodeURIComponent(cursor)}`, token);
    expect(response.statusCode, response.body).toBe(200);
    const page = response.json<Page<T>>();
    items.push(...page.items);
    cursor = page.nextCursor;
    pages += 1;
    expect(pages).toBeLessThan(100);
  } while (cursor !== null);
  return { items, pages };
}

const newestFirst = (a: { at: string; id: string }, b: { at: string; id: string }) => (a.at === b.at ? (a.id < b.id ? 1 : -1) : a.at < b.at ? 1 : -1);

// Account A: June and July issued; 7 payments on June, 3 on July; 3 credit notes on June, 2 on July.
// Account B: June issued, one payment and one credit note (never in A's lists).
let accountA: string;
let accountB: string;
let juneA: { invoiceId: string; number: string };
let julyA: { invoiceId: string; number: string };
let juneB: { invoiceId: string; number: string };
const METHODS = ['pix', 'boleto', 'card', 'transfer'] as const;
/** what was sent, by externalRef */
const sent = new Map<string, { invoiceId: string; amount: string; method: string; receivedAt: string }>();

beforeAll(async () => {
  app = await startTestApp();
  operator = await app.tokenFor({ kind: 'operator' });
  await publishWorkedExamplePlan(app);
  accountA = await accountWithWorkedExampleUsage(app, operator, 'list-a');
  accountB = await accountWithWorkedExampleUsage(app, operator, 'list-b');
  const june = await billing('2026-06');
  const july = await billing('2026-07');
  const issued = (outcomes: Awaited<ReturnType<typeof billing>>, accountId: string) => {
    const mine = outcomes.find((o) => o.accountId === accountId)!;
    expect(mine.outcome).toBe('issued');
    return { invoiceId: mine.invoiceId!, number: mine.number! };
  };
  juneA = issued(june, accountA);
  julyA = issued(july, accountA);
  juneB = issued(june, accountB);
  await app.runner.catchUp(); // payments and credit notes find their invoice in the read model

  const pay = async (invoiceId: string, externalRef: string, amount: string, method: string, receivedAt: string) => {
    const response = await app.api.inject({
      method: 'POST',
      url: `/invoices/${invoiceId}/payments`,
      headers: bearer(operator),
      payload: { externalRef, amount, method, receivedAt },
    });
    expect(response.statusCode, response.body).toBe(201);
    sent.set(externalRef, { invoiceId, amount, method, receivedAt: new Date(receivedAt).toISOString() });
  };
  // received on July 1st … 7th at 10:00 São Paulo; "1" is sent bare and must come back as "1.00"
  for (let i = 1; i <= 7; i++) await pay(juneA.invoiceId, `list-june-${i}`, i % 2 === 0 ? '1.50' : '1', METHODS[i % 4]!, `2026-07-0${i}T10:00:00-03:00`);
  for (let i = 1; i <= 3; i++) await pay(julyA.invoiceId, `list-july-${i}`, '2.00', 'pix', `2026-08-0${i}T10:00:00-03:00`);
  await pay(juneB.invoiceId, 'list-other-1', '5.00', 'pix', '2026-07-03T10:00:00-03:00');

  const note = async (invoiceId: string, amount: string, reason: string) => {
    const response = await app.api.inject({ method: 'POST', url: `/invoices/${invoiceId}/credit-notes`, headers: bearer(operator), payload: { amount, reason } });
    expect(response.statusCode, response.body).toBe(201);
  };
  for (let i = 1; i <= 3; i++) await note(juneA.invoiceId, '1', `june correction ${i}`);
  for (let i = 1; i <= 2; i++) await note(julyA.invoiceId, '0.50', `july correction ${i}`);
  await note(juneB.invoiceId, '1.00', 'other account');
  await app.runner.catchUp();
});
afterAll(async () => {
  await app.close();
});

describe('GET /accounts/:accountId/payments', () => {
  it('pages through every payment of the account exactly once, newest recorded first, money as strings', async () => {
    const { items, pages } = await allPages<PaymentItem>(`/accounts/${accountA}/payments?limit=3`);
    expect(pages).toBe(4); // 10 rows: 3 + 3 + 3 + 1
    expect(items).toHaveLength(10);
    expect(new Set(items.map((p) => p.paymentId)).size).toBe(10);
    expect(items.map((p) => p.externalRef).sort()).toEqual([...sent.keys()].filter((ref) => !ref.startsWith('list-other')).sort());
    const order = items.map((p) => ({ at: p.recordedAt, id: p.paymentId }));
    expect(order).toEqual([...order].sort(newestFirst));

    for (const item of items) {
      const expected = sent.get(item.externalRef)!;
      const invoice = expected.invoiceId === juneA.invoiceId ? { ...juneA, period: '2026-06' } : { ...julyA, period: '2026-07' };
      expect(item).toMatchObject({
        invoiceId: invoice.invoiceId,
        invoiceNumber: invoice.number,
        period: invoice.period,
        method: expected.method,
        receivedAt: expected.receivedAt,
        currency: 'BRL',
        amount: expected.amount === '1' ? '1.00' : expected.amount,
        appliedAmount: expected.amount === '1' ? '1.00' : expected.amount,
        excessAmount: '0.00',
      });
      for (const money of [item.amount, item.appliedAmount, item.excessAmount]) expect(money).toMatch(/^\d+\.\d{2}$/);
    }

    // one page holding everything has no cursor; the same rows in the same order
    const single = (await get(`/accounts/${accountA}/payments?limit=200`)).json<Page<PaymentItem>>();
    expect(single.nextCursor).toBeNull();
    expect(single.items).toEqual(items);
  });

  it('filters by invoice, method, provider reference and when the money arrived (from inclusive, to exclusive), also across pages', async () => {
    const refs = async (query: string, limit = 2) =>
      (await allPages<PaymentItem>(`/accounts/${accountA}/payments?limit=${limit}&${query}`)).items.map((p) => p.externalRef).sort();

    expect(await refs(`invoiceId=${juneA.invoiceId}`)).toEqual(['list-june-1', 'list-june-2', 'list-june-3', 'list-june-4', 'list-june-5', 'list-june-6', 'list-june-7']);
    expect(await refs(`invoiceId=${julyA.invoiceId}`)).toEqual(['list-july-1', 'list-july-2', 'list-july-3']);
    // METHODS[i % 4]: pix for 4, boleto for 1 and 5, card for 2 and 6, transfer for 3 and 7; plus July's three pix
    expect(await refs('method=pix', 1)).toEqual(['list-july-1', 'list-july-2', 'list-july-3', 'list-june-4']);
    expect(await refs('method=boleto')).toEqual(['list-june-1', 'list-june-5']);
    expect(await refs(`method=card&invoiceId=${julyA.invoiceId}`)).toEqual([]);
    expect(await refs('externalRef=list-june-6')).toEqual(['list-june-6']);
    // July 3rd 10:00 São Paulo (inclusive) to July 6th 10:00 (exclusive): the 3rd, 4th and 5th
    const from = encodeURIComponent('2026-07-03T10:00:00-03:00');
    const to = encodeURIComponent('2026-07-06T13:00:00Z');
    expect(await refs(`receivedFrom=${from}&receivedTo=${to}`)).toEqual(['list-june-3', 'list-june-4', 'list-june-5']);
    expect(await refs(`receivedFrom=${encodeURIComponent('2026-08-01T00:00:00Z')}`)).toEqual(['list-july-1', 'list-july-2', 'list-july-3']);
    expect(await refs(`receivedTo=${encodeURIComponent('2026-07-02T13:00:00Z')}&method=boleto`)).toEqual(['list-june-1']);
  });

  it('account tokens with invoices:read see their own payments; another account is 404, its invoice filters to nothing', async () => {
    const billingToken = await app.tokenFor({ kind: 'account', accountId: accountA, role: 'billing' });
    const readOnly = await app.tokenFor({ kind: 'account', accountId: accountA, role: 'read-only' });
    const developer = await app.tokenFor({ kind: 'account', accountId: accountA, role: 'developer' });
    const strangerB = await app.tokenFor({ kind: 'account', accountId: accountB, role: 'owner' });

    for (const token of [billingToken, readOnly]) {
      const response = await get(`/accounts/${accountA}/payments?limit=200`, token);
      expect(response.statusCode).toBe(200);
      expect(response.json<Page<PaymentItem>>().items).toHaveLength(10);
    }
    expect((await get(`/accounts/${accountA}/payments`, developer)).statusCode).toBe(403);

    const stranger = await get(`/accounts/${accountA}/payments`, strangerB);
    expect(stranger.statusCode).toBe(404);
    expect(stranger.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(stranger.json()).toMatchObject({ code: 'account_not_found' });
    const strangerNotes = await get(`/accounts/${accountA}/credit-notes`, strangerB);
    expect(strangerNotes.statusCode).toBe(404);
    expect(strangerNotes.json()).toMatchObject({ code: 'account_not_found' });

    // B's own list holds B's payment only
    const own = (await get(`/accounts/${accountB}/payments`, strangerB)).json<Page<PaymentItem>>();
    expect(own.items.map((p) => p.externalRef)).toEqual(['list-other-1']);
    // B's invoice id as a filter on A's list: nothing, not B's payment
    const crossed = await get(`/accounts/${accountA}/payments?invoiceId=${juneB.invoiceId}`, billingToken);
    expect(crossed.statusCode).toBe(200);
    expect(crossed.json<Page<PaymentItem>>().items).toEqual([]);
    // an account that does not exist
    const missing = await get(`/accounts/${randomUUID()}/payments`);
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'account_not_found' });
  });

  it('bad query parameters: 400 problem+json naming every failing one', async () => {
    const bad = await get(`/accounts/${accountA}/payments?limit=0&method=cash&invoiceId=nope&receivedFrom=yesterday&externalRef=${encodeURIComponent(' spaced')}`);
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problem = bad.json<{ code: string; status: number; errors: { path: string; message: string }[] }>();
    expect(problem).toMatchObject({ code: 'validation_failed', status: 400 });
    expect(problem.errors.map((e) => e.path).sort()).toEqual(['query.externalRef', 'query.invoiceId', 'query.limit', 'query.method', 'query.receivedFrom']);

    const tooMany = await get(`/accounts/${accountA}/payments?limit=201`);
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json<{ errors: { path: string }[] }>().errors.map((e) => e.path)).toEqual(['query.limit']);

    const backwards = await get(`/accounts/${accountA}/payments?receivedFrom=${encodeURIComponent('2026-07-05T00:00:00Z')}&receivedTo=${encodeURIComponent('2026-07-01T00:00:00Z')}`);
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json<{ errors: { path: string }[] }>().errors.map((e) => e.path)).toEqual(['query.receivedTo']);

    const noOffset = await get(`/accounts/${accountA}/payments?receivedFrom=2026-07-05T00:00:00`);
    expect(noOffset.statusCode).toBe(400);

    for (const cursor of ['not-a-cursor', Buffer.from(JSON.stringify(['yesterday', 'x'])).toString('base64url'), Buffer.from(JSON.stringify([1])).toString('base64url')]) {
      const forged = await get(`/accounts/${accountA}/payments?cursor=${cursor}`);
      expect(forged.statusCode, cursor).toBe(400);
      expect(forged.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(forged.json()).toMatchObject({ code: 'invalid_cursor', errors: [{ path: 'query.cursor' }] });
    }
  });
});

describe('GET /accounts/:accountId/invoices/:invoiceId/payments', () => {
  it("pages through one invoice's payments once each; another account's invoice is 404", async () => {
    const { items, pages } = await allPages<PaymentItem>(`/accounts/${accountA}/invoices/${juneA.invoiceId}/payments?limit=2`);
    expect(pages).toBe(4);
    expect(items.map((p) => p.externalRef).sort()).toEqual(['list-june-1', 'list-june-2', 'list-june-3', 'list-june-4', 'list-june-5', 'list-june-6', 'list-june-7']);
    expect(items.every((p) => p.invoiceId === juneA.invoiceId && p.invoiceNumber === juneA.number)).toBe(true);
    const order = items.map((p) => ({ at: p.recordedAt, id: p.paymentId }));
    expect(order).toEqual([...order].sort(newestFirst));
    // the same rows as the account list filtered by the invoice
    const filtered = await allPages<PaymentItem>(`/accounts/${accountA}/payments?limit=200&invoiceId=${juneA.invoiceId}`);
    expect(filtered.items).toEqual(items);

    const readOnly = await app.tokenFor({ kind: 'account', accountId: accountA, role: 'read-only' });
    for (const token of [readOnly, operator]) {
      const crossed = await get(`/accounts/${accountA}/invoices/${juneB.invoiceId}/payments`, token);
      expect(crossed.statusCode).toBe(404);
      expect(crossed.json()).toMatchObject({ code: 'invoice_not_found' });
    }
    const unknown = await get(`/accounts/${accountA}/invoices/${randomUUID()}/payments`);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'invoice_not_found' });

    const bad = await get(`/accounts/${accountA}/invoices/not-a-uuid/payments?limit=x`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ errors: { path: string }[] }>().errors.map((e) => e.path).sort()).toEqual(['params.invoiceId', 'query.limit']);
  });
});

describe('credit notes', () => {
  it("GET /accounts/:accountId/credit-notes: every credit note once across pages, newest first; filters by invoice and issue time", async () => {
    const { items, pages } = await allPages<CreditNoteItem>(`/accounts/${accountA}/credit-notes?limit=2`);
    expect(pages).toBe(3);
    expect(items).toHaveLength(5);
    expect(new Set(items.map((c) => c.creditNoteId)).size).toBe(5);
    expect(items.map((c) => c.reason).sort()).toEqual(['july correction 1', 'july correction 2', 'june correction 1', 'june correction 2', 'june correction 3']);
    const order = items.map((c) => ({ at: c.issuedAt, id: c.creditNoteId }));
    expect(order).toEqual([...order].sort(newestFirst));
    for (const item of items) {
      const june = item.invoiceId === juneA.invoiceId;
      expect(item).toMatchObject({
        invoiceNumber: june ? juneA.number : julyA.number,
        period: june ? '2026-06' : '2026-07',
        currency: 'BRL',
        amount: june ? '1.00' : '0.50',
        appliedAmount: june ? '1.00' : '0.50',
        excessAmount: '0.00',
      });
    }

    const byInvoice = await allPages<CreditNoteItem>(`/accounts/${accountA}/credit-notes?limit=1&invoiceId=${julyA.invoiceId}`);
    expect(byInvoice.items.map((c) => c.reason).sort()).toEqual(['july correction 1', 'july correction 2']);
    const inFuture = await allPages<CreditNoteItem>(`/accounts/${accountA}/credit-notes?issuedFrom=${encodeURIComponent('2999-01-01T00:00:00Z')}`);
    expect(inFuture.items).toEqual([]);
    const inPast = await allPages<CreditNoteItem>(`/accounts/${accountA}/credit-notes?issuedTo=${encodeURIComponent('2000-01-01T00:00:00Z')}`);
    expect(inPast.items).toEqual([]);
    const allTime = await allPages<CreditNoteItem>(`/accounts/${accountA}/credit-notes?issuedFrom=${encodeURIComponent('2000-01-01T00:00:00Z')}&issuedTo=${encodeURIComponent('2999-01-01T00:00:00Z')}`);
    expect(allTime.items).toHaveLength(5);

    const bad = await get(`/accounts/${accountA}/credit-notes?invoiceId=1&issuedFrom=soon&limit=-1`);
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(bad.json<{ errors: { path: string }[] }>().errors.map((e) => e.path).sort()).toEqual(['query.invoiceId', 'query.issuedFrom', 'query.limit']);
  });

  it("GET /accounts/:accountId/invoices/:invoiceId/credit-notes: one invoice's; another account's invoice is 404", async () => {
    const { items } = await allPages<CreditNoteItem>(`/accounts/${accountA}/invoices/${juneA.invoiceId}/credit-notes?limit=1`);
    expect(items.map((c) => c.reason).sort()).toEqual(['june correction 1', 'june correction 2', 'june correction 3']);
    const own = await allPages<CreditNoteItem>(`/accounts/${accountB}/invoices/${juneB.invoiceId}/credit-notes`);
    expect(own.items.map((c) => c.reason)).toEqual(['other account']);
    const crossed = await get(`/accounts/${accountA}/invoices/${juneB.invoiceId}/credit-notes`);
    expect(crossed.statusCode).toBe(404);
    expect(crossed.json()).toMatchObject({ code: 'invoice_not_found' });
    const strangerB = await app.tokenFor({ kind: 'account', accountId: accountB, role: 'owner' });
    const stranger = await get(`/accounts/${accountA}/invoices/${juneA.invoiceId}/credit-notes`, strangerB);
    expect(stranger.statusCode).toBe(404);
    expect(stranger.json()).toMatchObject({ code: 'account_not_found' });
  });
});

describe('OpenAPI', () => {
  it('documents the list routes with their access and query parameters', async () => {
    const document = (await app.api.inject({ method: 'GET', url: '/docs' })).json<{
      paths: Record<string, Record<string, { 'x-access'?: string; parameters?: { name: string; in: string }[] }>>;
    }>();
    const payments = document.paths['/accounts/{accountId}/payments']?.get;
    expect(payments?.['x-access']).toBe('invoices:read');
    expect(payments?.parameters?.filter((p) => p.in === 'query').map((p) => p.name).sort()).toEqual(['after', 'cursor', 'externalRef', 'invoiceId', 'limit', 'method', 'receivedFrom', 'receivedTo']);
    for (const path of ['/accounts/{accountId}/credit-notes', '/accounts/{accountId}/invoices/{invoiceId}/payments', '/accounts/{accountId}/invoices/{invoiceId}/credit-notes']) {
      expect(document.paths[path]?.get?.['x-access'], path).toBe('invoices:read');
    }
  });
});
