import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../support/api-requests.ts';
import { startClockedApp, type ClockedApp } from '../support/clocked-app.ts';

/**
 * Finding things through the API (issue 14, part 1): accounts by slug, name, CPF/CNPJ, email
 * and status; invoices by number and across accounts; the operator's queues. Every instant is
 * set here, so each day count below is worked out by hand.
 *
 * Three accounts on a 30.00 BRL monthly fee, billing day 10:
 * - acme-find  (São Paulo) CNPJ 11.222.333/0001-81, financeiro@acme.com.br
 * - beta-find  (Tokyo)     CPF  529.982.247-25,     contas@beta.io
 * - gama-find  (São Paulo) CNPJ 11.222.333/0002-62 (the same company root as acme), pays May
 * May is issued on 2026-06-02 (+10 days = 06-12, after the billing day 06-10): due 2026-06-12.
 */
let app: ClockedApp;
let operator: string;
const ids = {} as Record<'acme' | 'beta' | 'gama', string>;
const may = {} as Record<'acme' | 'beta' | 'gama', { invoiceId: string; number: string }>;
const june = {} as Record<'acme' | 'beta' | 'gama', { invoiceId: string; number: string }>;

type Page<T> = { items: T[]; nextCursor: string | null };
type FoundInvoice = { invoiceId: string; accountId: string; number: string | null; status: string; dueDate: string | null; amountDue: string; total: string };

const get = (url: string, token = operator) => app.api.inject({ method: 'GET', url, headers: bearer(token) });
async function page<T>(url: string, token = operator): Promise<Page<T>> {
  const response = await get(url, token);
  expect(response.statusCode, response.body).toBe(200);
  return response.json<Page<T>>();
}
/** Every page of a list, following the cursors; the rows in the order served. */
async function walk<T>(url: string, limit: number, token = operator): Promise<T[]> {
  const rows: T[] = [];
  let cursor: string | null = null;
  do {
    const separator = url.includes('?') ? '&' : '?';
    const next: Page<T> = await page<T>(`${url}${separator}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, token);
    expect(next.items.length).toBeLessThanOrEqual(limit);
    rows.push(...next.items);
    cursor = next.nextCursor;
  } while (cursor !== null);
  return rows;
}

async function open(key: 'acme' | 'beta' | 'gama', payload: Record<string, unknown>) {
  const opened = await app.api.inject({ method: 'POST', url: '/accounts', headers: bearer(operator), payload: { billingDay: 10, ...payload } });
  expect(opened.statusCode, opened.body).toBe(201);
  ids[key] = opened.json<{ accountId: string }>().accountId;
  const subscribed = await app.api.inject({
    method: 'PUT',
    url: `/accounts/${ids[key]}/subscription`,
    headers: bearer(operator),
    payload: { planId: 'find-fee', effectiveAt: '2026-05-01T00:00:00Z' },
  });
  expect(subscribed.statusCode, subscribed.body).toBe(200);
}

async function bill(period: string) {
  await app.runner.catchUp();
  const run = await app.api.inject({ method: 'POST', url: '/operator/billing-runs', headers: bearer(operator), payload: { period } });
  expect(run.statusCode, run.body).toBe(200);
  await app.runner.catchUp();
  const outcomes = run.json<{ outcomes: { accountId: string; outcome: string; invoiceId?: string; number?: string }[] }>().outcomes;
  const issued = (key: 'acme' | 'beta' | 'gama') => {
    const outcome = outcomes.find((o) => o.accountId === ids[key])!;
    expect(outcome.outcome).toBe('issued');
    return { invoiceId: outcome.invoiceId!, number: outcome.number! };
  };
  return { acme: issued('acme'), beta: issued('beta'), gama: issued('gama') };
}

async function dunning() {
  const run = await app.api.inject({ method: 'POST', url: '/operator/dunning-runs', headers: bearer(operator), payload: {} });
  expect(run.statusCode, run.body).toBe(200);
  await app.runner.catchUp();
}

const eventCount = () => app.infrastructure.eventStore.countAfter(null);

beforeAll(async () => {
  app = await startClockedApp('2026-05-20T12:00:00Z');
  operator = await app.tokenFor({ kind: 'operator' });
  const plan = await app.api.inject({
    method: 'POST',
    url: '/operator/plans',
    headers: bearer(operator),
    payload: { planId: 'find-fee', name: 'Fee only', effectiveFrom: '2026-01', currency: 'BRL', monthlyFee: '30.00', monthlyMinimum: '0', taxRate: '0', meters: {} },
  });
  expect(plan.statusCode, plan.body).toBe(201);
  await open('acme', { name: 'Acme Armazenamento Ltda', slug: 'acme-find', billingEmail: 'financeiro@acme.com.br', document: '11.222.333/0001-81' });
  await open('beta', { name: 'Beta Backup', slug: 'beta-find', billingEmail: 'contas@beta.io', document: '529.982.247-25', timeZone: 'Asia/Tokyo' });
  await open('gama', { name: 'Gama Filial 100%', slug: 'gama-find', billingEmail: 'ap@gama.com.br', document: '11222333000262' });
  app.setClock('2026-06-02T12:00:00Z');
  Object.assign(may, await bill('2026-05'));
  const paid = await app.api.inject({
    method: 'POST',
    url: `/invoices/${may.gama.invoiceId}/payments`,
    headers: bearer(operator),
    payload: { externalRef: 'find-gama-may', amount: '30.00', method: 'pix', receivedAt: '2026-06-02T11:00:00Z' },
  });
  expect(paid.statusCode, paid.body).toBe(201);
  await app.runner.catchUp();
});
afterAll(async () => {
  await app?.close();
});

describe('GET /accounts (operators)', () => {
  type Found = { accountId: string; slug: string };
  const slugs = async (query: string) => (await page<Found>(`/accounts?${query}`)).items.map((account) => account.slug);

  it('a CNPJ finds the same account formatted or not; its 8-digit root finds every branch', async () => {
    expect(await slugs(`document=${encodeURIComponent('11.222.333/0001-81')}`)).toEqual(['acme-find']);
    expect(await slugs('document=11222333000181')).toEqual(['acme-find']);
    expect(await slugs(`document=${encodeURIComponent('11 222 333 0001 81')}`)).toEqual(['acme-find']);
    expect(await slugs(`document=${encodeURIComponent('11.222.333')}`)).toEqual(['acme-find', 'gama-find']);
    expect(await slugs('document=52998224725')).toEqual(['beta-find']);
    expect(await slugs(`document=${encodeURIComponent('529.982.247-25')}`)).toEqual(['beta-find']);
    // a valid CNPJ no account has
    expect(await slugs('document=11444777000161')).toEqual([]);
  });

  it('name and billing email match a part in any case; % and _ stand for themselves', async () => {
    expect(await slugs('name=ARMAZENAMENTO')).toEqual(['acme-find']);
    expect(await slugs('name=beta%20back')).toEqual(['beta-find']);
    expect(await slugs('name=a')).toEqual(['acme-find', 'beta-find', 'gama-find']);
    expect(await slugs(`name=${encodeURIComponent('100%')}`)).toEqual(['gama-find']);
    expect(await slugs(`name=${encodeURIComponent('%')}`)).toEqual(['gama-find']);
    expect(await slugs('name=_')).toEqual([]);
    expect(await slugs(`billingEmail=${encodeURIComponent('@BETA.IO')}`)).toEqual(['beta-find']);
    expect(await slugs('billingEmail=.com.br')).toEqual(['acme-find', 'gama-find']);
  });

  it('slug exactly, status, and filters together (all must hold)', async () => {
    expect(await slugs('slug=beta-find')).toEqual(['beta-find']);
    expect(await slugs('slug=beta')).toEqual([]);
    expect(await slugs('status=active')).toEqual(['acme-find', 'beta-find', 'gama-find']);
    expect(await slugs('status=suspended')).toEqual([]);
    expect(await slugs('document=11222333&billingEmail=gama')).toEqual(['gama-find']);
    expect(await slugs('document=11222333&name=beta')).toEqual([]);
    const [acme] = (await page<Found & { name: string; document: { formatted: string } }>('/accounts?slug=acme-find')).items;
    expect(acme).toMatchObject({ accountId: ids.acme, name: 'Acme Armazenamento Ltda', document: { formatted: '11.222.333/0001-81' } });
  });

  it('pages by slug visit every account exactly once, whatever the page size', async () => {
    const everyone = (await page<Found>('/accounts?limit=200')).items.map((a) => a.slug);
    expect(everyone).toEqual([...everyone].sort());
    expect(everyone).toEqual(expect.arrayContaining(['acme-find', 'beta-find', 'gama-find']));
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 4 }), async (limit) => {
        expect((await walk<Found>('/accounts', limit)).map((a) => a.slug)).toEqual(everyone);
      }),
      { numRuns: 6 },
    );
  });

  it('a bad parameter is 400 naming it, and records nothing', async () => {
    const before = await eventCount();
    const cases: [string, string][] = [
      ['document=112223330001811', 'query.document'],
      ['document=11.222.333%2F0001-81x!', 'query.document'],
      ['status=frozen', 'query.status'],
      ['limit=0', 'query.limit'],
      ['limit=201', 'query.limit'],
      ['name=', 'query.name'],
      [`billingEmail=${'x'.repeat(201)}`, 'query.billingEmail'],
      ['slug=acme_find', 'query.slug'],
      ['documnet=11222333000181', 'query.documnet'],
      ['cursor=bm90LWEtY3Vyc29y', 'query.cursor'],
    ];
    for (const [query, path] of cases) {
      const response = await get(`/accounts?${query}`);
      expect(response.statusCode, query).toBe(400);
      expect(response.json<{ errors: { path: string }[] }>().errors.map((e) => e.path), query).toContain(path);
    }
    expect(await eventCount()).toBe(before);
  });

  it('a part of a name or email is served by a trigram index where pg_trgm is installed (the embedded server has it)', async () => {
    const { rows } = await sql<{ indexname: string; indexdef: string }>`
      SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'accounts' AND indexname LIKE 'accounts_%_search_idx' ORDER BY indexname`.execute(app.infrastructure.readModels);
    expect(rows.map((r) => r.indexname)).toEqual(['accounts_document_search_idx', 'accounts_email_search_idx', 'accounts_name_search_idx']);
    expect(rows[1]!.indexdef).toMatch(/USING gin \(lower\(billing_email\) (\w+\.)?gin_trgm_ops\)/);
    expect(rows[2]!.indexdef).toMatch(/USING gin \(lower\(name\) (\w+\.)?gin_trgm_ops\)/);
    expect(rows[0]!.indexdef).toContain('document_number text_pattern_ops');
  });

  it('is for operators only', async () => {
    const owner = await app.tokenFor({ kind: 'account', accountId: ids.acme, role: 'owner' });
    const response = await get('/accounts?slug=acme-find', owner);
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ code: 'operator_only' });
  });
});

describe('the operator queues', () => {
  type Overdue = { invoiceId: string; number: string; accountSlug: string; daysOverdue: number; amountDue: string; dueDate: string; timeZone: string; dunningStep: string; lastReminderDay: number | null };

  it('overdue invoices: days counted in the account zone by the service clock, and the dunning step reached', async () => {
    // 2026-06-20T16:00Z is 13:00 on the 20th in São Paulo (8 days after 06-12) and 01:00 on the 21st in Tokyo (9 days)
    app.setClock('2026-06-20T16:00:00Z');
    const before = (await page<Overdue>('/operator/queues/overdue-invoices')).items;
    // gama paid: not in the queue; acme and beta both due 06-12, so by invoice id
    const byId = [may.acme, may.beta].sort((a, b) => (a.invoiceId < b.invoiceId ? -1 : 1));
    expect(before.map((o) => o.invoiceId)).toEqual(byId.map((i) => i.invoiceId));
    const acme = before.find((o) => o.invoiceId === may.acme.invoiceId)!;
    const beta = before.find((o) => o.invoiceId === may.beta.invoiceId)!;
    expect(acme).toMatchObject({ number: may.acme.number, accountSlug: 'acme-find', dueDate: '2026-06-12', timeZone: 'America/Sao_Paulo', daysOverdue: 8, amountDue: '30.00', dunningStep: 'not_marked', lastReminderDay: null });
    expect(beta).toMatchObject({ accountSlug: 'beta-find', timeZone: 'Asia/Tokyo', daysOverdue: 9, dunningStep: 'not_marked' });

    await dunning();
    const after = (await page<Overdue>('/operator/queues/overdue-invoices')).items;
    // days 8 and 9: marked overdue, and the day-7 reminder is the latest one reached
    for (const invoice of after) expect(invoice).toMatchObject({ dunningStep: 'reminded', lastReminderDay: 7 });
    expect(after.map((o) => o.daysOverdue).sort()).toEqual([8, 9]);
  });

  it('an invoice due today is not overdue yet: 2026-06-12 23:00 in São Paulo is still the due day', async () => {
    app.setClock('2026-06-13T02:00:00Z');
    // São Paulo: 2026-06-12 23:00, the due day (not overdue); Tokyo: 2026-06-13 11:00, day 1
    const items = (await page<Overdue>('/operator/queues/overdue-invoices')).items;
    expect(items.map((o) => [o.accountSlug, o.daysOverdue])).toEqual([['beta-find', 1]]);
    app.setClock('2026-06-20T16:00:00Z');
  });

  it('pending quota requests of every account, oldest first; a decided one leaves the queue', async () => {
    const ask = async (key: 'acme' | 'beta', at: string, requestedGiB: number) => {
      app.setClock(at);
      const token = await app.tokenFor({ kind: 'account', accountId: ids[key], role: 'billing' });
      const response = await app.api.inject({ method: 'POST', url: `/accounts/${ids[key]}/quota/requests`, headers: bearer(token), payload: { requestedGiB, reason: 'growth' } });
      expect(response.statusCode, response.body).toBe(201);
      return response.json<{ requestId: string }>().requestId;
    };
    const betaFirst = await ask('beta', '2026-06-20T16:05:00Z', 500);
    const acmeSecond = await ask('acme', '2026-06-20T16:10:00Z', 300);
    await app.runner.catchUp();
    type Pending = { requestId: string; accountSlug: string; requestedGiB: number; requestedAt: string; status: string };
    expect((await page<Pending>('/operator/queues/quota-requests')).items).toMatchObject([
      { requestId: betaFirst, accountSlug: 'beta-find', requestedGiB: 500, requestedAt: '2026-06-20T16:05:00.000Z', status: 'pending' },
      { requestId: acmeSecond, accountSlug: 'acme-find', requestedGiB: 300, requestedAt: '2026-06-20T16:10:00.000Z', status: 'pending' },
    ]);
    expect((await walk<Pending>('/operator/queues/quota-requests', 1)).map((r) => r.requestId)).toEqual([betaFirst, acmeSecond]);
    const approved = await app.api.inject({ method: 'POST', url: `/accounts/${ids.beta}/quota/requests/${betaFirst}/approve`, headers: bearer(operator), payload: { note: 'ok' } });
    expect(approved.statusCode, approved.body).toBe(200);
    await app.runner.catchUp();
    expect((await page<Pending>('/operator/queues/quota-requests')).items.map((r) => r.requestId)).toEqual([acmeSecond]);
    app.setClock('2026-06-20T16:00:00Z');
  });

  it('failed reactor jobs, as ops status lists them, most recently failed first', async () => {
    const failed = (reactor: string, jobId: string, failedAt: string, error: string) => ({
      reactor,
      job_id: jobId,
      subject: `subject-${jobId}`,
      account_id: ids.acme,
      kind: 'send',
      position: '1',
      event_id: randomUUID(),
      correlation_id: 'c',
      payload: JSON.stringify({}),
      status: 'failed' as const,
      attempts: 8,
      not_before: new Date('2026-06-01T00:00:00Z'),
      last_error: error,
      created_at: new Date('2026-06-01T00:00:00Z'),
      updated_at: new Date(failedAt),
    });
    await app.infrastructure.readModels
      .insertInto('reactor_jobs')
      .values([
        failed('email', 'job-old', '2026-06-10T00:00:00Z', 'mailbox full'),
        failed('minio-buckets', 'job-new', '2026-06-11T00:00:00Z', 'MinIO said no'),
        failed('email', 'job-tie:b', '2026-06-10T12:00:00Z', 'refused'),
        failed('email', 'job-tie:a', '2026-06-10T12:00:00Z', 'refused'),
      ])
      .execute();
    type Failed = { reactor: string; jobId: string; attempts: number; error: string; failedAt: string };
    const expected = [
      { reactor: 'minio-buckets', jobId: 'job-new', attempts: 8, error: 'MinIO said no', failedAt: '2026-06-11T00:00:00.000Z' },
      { reactor: 'email', jobId: 'job-tie:a', failedAt: '2026-06-10T12:00:00.000Z' },
      { reactor: 'email', jobId: 'job-tie:b', failedAt: '2026-06-10T12:00:00.000Z' },
      { reactor: 'email', jobId: 'job-old', error: 'mailbox full', failedAt: '2026-06-10T00:00:00.000Z' },
    ];
    expect((await page<Failed>('/operator/queues/failed-jobs')).items).toMatchObject(expected);
    for (const limit of [1, 2, 3]) expect((await walk<Failed>('/operator/queues/failed-jobs', limit)).map((j) => j.jobId)).toEqual(expected.map((j) => j.jobId));
    expect((await page<Failed>('/operator/queues/failed-jobs?reactor=minio-buckets')).items.map((j) => j.jobId)).toEqual(['job-new']);
    // the same jobs `ops status` prints
    const status = await app.reactors.status();
    const listed = status.flatMap((r) => r.failures.map((f) => f.jobId)).sort();
    expect(listed).toEqual(expected.map((j) => j.jobId).sort());
    expect((await get('/operator/queues/failed-jobs?reactor=Email!')).statusCode).toBe(400);
  });

  it('are for operators only', async () => {
    const owner = await app.tokenFor({ kind: 'account', accountId: ids.acme, role: 'owner' });
    for (const queue of ['quota-requests', 'overdue-invoices', 'failed-jobs']) {
      expect((await get(`/operator/queues/${queue}`, owner)).statusCode).toBe(403);
    }
  });
});

describe('GET /invoices', () => {
  beforeAll(async () => {
    // May's two unpaid invoices are overdue (dunning ran on 06-20); June is issued on 07-02, due 07-12
    app.setClock('2026-07-02T12:00:00Z');
    Object.assign(june, await bill('2026-06'));
  });

  const byId = (invoices: { invoiceId: string }[]) => invoices.map((i) => i.invoiceId).sort();

  it('overdue first, then by due date, ties by invoice id: one fixed order', async () => {
    const all = (await page<FoundInvoice>('/invoices?limit=200')).items;
    const expected = [...byId([may.acme, may.beta]), may.gama.invoiceId, ...byId([june.acme, june.beta, june.gama])];
    expect(all.map((i) => i.invoiceId)).toEqual(expected);
    expect(all.map((i) => i.status)).toEqual(['overdue', 'overdue', 'paid', 'issued', 'issued', 'issued']);
    expect(all.find((i) => i.invoiceId === may.gama.invoiceId)).toMatchObject({ accountId: ids.gama, amountDue: '0.00', total: '30.00', dueDate: '2026-06-12' });
  });

  it('paging visits every invoice exactly once, in that order, whatever the page size and filter', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 7 }), fc.constantFrom('', 'status=issued', 'period=2026-05', 'dueFrom=2026-06-12&dueTo=2026-07-12'), async (limit, filter) => {
        const whole = (await page<FoundInvoice>(`/invoices?limit=200${filter ? `&${filter}` : ''}`)).items.map((i) => i.invoiceId);
        const walked = (await walk<FoundInvoice>(`/invoices${filter ? `?${filter}` : ''}`, limit)).map((i) => i.invoiceId);
        expect(walked).toEqual(whole);
        expect(new Set(walked).size).toBe(walked.length);
      }),
      { numRuns: 12 },
    );
  });

  it('filters by status, period, due dates (from inclusive, to exclusive) and account', async () => {
    expect(byId((await page<FoundInvoice>('/invoices?status=overdue')).items)).toEqual(byId([may.acme, may.beta]));
    expect(byId((await page<FoundInvoice>('/invoices?period=2026-06')).items)).toEqual(byId([june.acme, june.beta, june.gama]));
    expect((await page<FoundInvoice>('/invoices?dueFrom=2026-06-12&dueTo=2026-06-13')).items).toHaveLength(3);
    expect((await page<FoundInvoice>('/invoices?dueFrom=2026-06-13&dueTo=2026-07-12')).items).toHaveLength(0);
    expect((await page<FoundInvoice>('/invoices?dueFrom=2026-07-12')).items).toHaveLength(3);
    expect((await page<FoundInvoice>(`/invoices?accountId=${ids.beta}`)).items.map((i) => i.invoiceId)).toEqual([may.beta.invoiceId, june.beta.invoiceId]);
  });

  it('by number: the operator finds any; an account member only its own, and 404 for another account\'s as for none', async () => {
    const found = await page<FoundInvoice>(`/invoices?number=${may.acme.number}`);
    expect(found.items).toMatchObject([{ invoiceId: may.acme.invoiceId, accountId: ids.acme, number: may.acme.number, status: 'overdue', amountDue: '30.00' }]);
    expect(found.nextCursor).toBeNull();
    expect((await page<FoundInvoice>(`/invoices?number=${may.acme.number.toLowerCase()}`)).items.map((i) => i.invoiceId)).toEqual([may.acme.invoiceId]);

    const acmeBilling = await app.tokenFor({ kind: 'account', accountId: ids.acme, role: 'billing' });
    const betaOwner = await app.tokenFor({ kind: 'account', accountId: ids.beta, role: 'owner' });
    expect((await page<FoundInvoice>(`/invoices?number=${may.acme.number}`, acmeBilling)).items.map((i) => i.invoiceId)).toEqual([may.acme.invoiceId]);

    const stranger = await get(`/invoices?number=${may.acme.number}`, betaOwner);
    const missing = await get('/invoices?number=INV-2099-999999', betaOwner);
    expect(stranger.statusCode).toBe(404);
    expect(missing.statusCode).toBe(404);
    // the same answer either way: nothing tells another account's invoice from none
    const { instance: _a, detail: _d, ...strangerProblem } = stranger.json<Record<string, unknown>>();
    const { instance: _b, detail: _e, ...missingProblem } = missing.json<Record<string, unknown>>();
    expect(strangerProblem).toEqual(missingProblem);
    expect(strangerProblem).toMatchObject({ code: 'invoice_not_found' });
    expect((await get('/invoices?number=INV-2099-999999')).statusCode).toBe(404);
  });

  it("an account member's list is its own account's only; developers may not read invoices", async () => {
    const betaReader = await app.tokenFor({ kind: 'account', accountId: ids.beta, role: 'read-only' });
    expect((await page<FoundInvoice>('/invoices', betaReader)).items.map((i) => i.invoiceId)).toEqual([may.beta.invoiceId, june.beta.invoiceId]);
    expect((await page<FoundInvoice>(`/invoices?accountId=${ids.acme}`, betaReader)).items).toEqual([]);
    const developer = await app.tokenFor({ kind: 'account', accountId: ids.beta, role: 'developer' });
    expect((await get(`/invoices?number=${may.beta.number}`, developer)).statusCode).toBe(403);
  });

  it('a bad parameter is 400 naming it, and records nothing', async () => {
    const before = await eventCount();
    const cases: [string, string][] = [
      ['number=12345', 'query.number'],
      ['status=late', 'query.status'],
      ['period=2026-13', 'query.period'],
      ['dueFrom=2026-02-30', 'query.dueFrom'],
      ['dueTo=tomorrow', 'query.dueTo'],
      ['accountId=acme', 'query.accountId'],
      ['limit=abc', 'query.limit'],
      ['sort=due', 'query.sort'],
      // a cursor of the right shape whose rank is not one this list hands out
      [`cursor=${Buffer.from(JSON.stringify(['a', '2026-06-12', 'x'])).toString('base64url')}`, 'query.cursor'],
    ];
    for (const [query, path] of cases) {
      const response = await get(`/invoices?${query}`);
      expect(response.statusCode, query).toBe(400);
      expect(response.json<{ errors: { path: string }[] }>().errors.map((e) => e.path), query).toContain(path);
    }
    expect(await eventCount()).toBe(before);
  });
});
