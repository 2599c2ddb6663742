import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/domain/access/permissions.ts';
import { startTestApp } from '../support/app.ts';
import { bearer, openTestAccount } from '../support/api-requests.ts';

type App = Awaited<ReturnType<typeof startTestApp>>;
let app: App;
let operator: string;

interface RequestBody {
  requestId: string;
  accountId: string;
  currentGiB: number;
  requestedGiB: number;
  reason: string;
  status: string;
  note: string | null;
  requestedAt: string;
  decidedAt: string | null;
}

/** The configuration's default (DEFAULT_ACCOUNT_QUOTA_GIB unset in tests). */
const DEFAULT_GIB = 100;

beforeAll(async () => {
  app = await startTestApp();
  operator = await app.tokenFor({ kind: 'operator' });
  expect(app.config.defaultAccountQuotaGiB).toBe(DEFAULT_GIB);
});
afterAll(async () => {
  await app.close();
});

const catchUp = () => app.runner.catchUp(['accounts', 'account-quotas', 'quota-requests']);

async function openAccount(slug: string) {
  const { accountId } = await openTestAccount(app, operator, slug, { document: '11.222.333/0001-81' });
  return { accountId, token: (role: Role) => app.tokenFor({ kind: 'account', accountId, role }) };
}

const getQuota = (accountId: string, token: string) => app.api.inject({ method: 'GET', url: `/accounts/${accountId}/quota`, headers: bearer(token) });
const ask = (accountId: string, token: string, requestedGiB: number, reason = 'more backups') =>
  app.api.inject({ method: 'POST', url: `/accounts/${accountId}/quota/requests`, headers: bearer(token), payload: { requestedGiB, reason } });
const decide = (accountId: string, requestId: string, verdict: 'approve' | 'reject', token: string, note = 'checked with sales') =>
  app.api.inject({ method: 'POST', url: `/accounts/${accountId}/quota/requests/${requestId}/${verdict}`, headers: bearer(token), payload: { note } });

describe('quota API', () => {
  it('shows the configured default while no event set a quota, and writes no event for it', async () => {
    const { accountId, token } = await openAccount('quota-default');
    await catchUp();
    const response = await getQuota(accountId, await token('read-only'));
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ accountId, quotaGiB: DEFAULT_GIB, isDefault: true, defaultGiB: DEFAULT_GIB, pendingRequest: null });
    expect(await app.infrastructure.eventStore.readStream(`quota-${accountId}`)).toEqual([]);
  });

  it('request, then approve: the quota becomes the GiB requested', async () => {
    const { accountId, token } = await openAccount('quota-approve');
    const billing = await token('billing');

    const asked = await ask(accountId, billing, 250, '  nightly ERP backups  ');
    expect(asked.statusCode, asked.body).toBe(201);
    const request = asked.json<RequestBody>();
    expect(request).toMatchObject({ accountId, currentGiB: 100, requestedGiB: 250, reason: 'nightly ERP backups', status: 'pending', note: null, decidedAt: null });
    expect(asked.headers.location).toBe(`/accounts/${accountId}/quota/requests/${request.requestId}`);

    await catchUp();
    const pending = await getQuota(accountId, billing);
    expect(pending.json()).toEqual({ accountId, quotaGiB: 100, isDefault: true, defaultGiB: 100, pendingRequest: request });

    const second = await ask(accountId, billing, 300);
    expect(second.statusCode).toBe(409);
    expect(second.json()).toMatchObject({ code: 'quota_request_pending' });

    const byTenant = await decide(accountId, request.requestId, 'approve', await token('owner'));
    expect(byTenant.statusCode).toBe(403);
    expect(byTenant.json()).toMatchObject({ code: 'operator_only' });

    const approved = await decide(accountId, request.requestId, 'approve', operator, 'contract amended');
    expect(approved.statusCode).toBe(200);
    expect(approved.json()).toMatchObject({ requestId: request.requestId, status: 'approved', note: 'contract amended' });
    const again = await decide(accountId, request.requestId, 'approve', operator);
    expect(again.statusCode).toBe(200);
    expect(again.headers['event-position']).toBeUndefined();
    const rejectApproved = await decide(accountId, request.requestId, 'reject', operator);
    expect(rejectApproved.statusCode).toBe(409);
    expect(rejectApproved.json()).toMatchObject({ code: 'quota_request_decided' });

    await catchUp();
    expect((await getQuota(accountId, billing)).json()).toEqual({ accountId, quotaGiB: 250, isDefault: false, defaultGiB: 100, pendingRequest: null });
    const list = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/quota/requests`, headers: bearer(billing) });
    expect(list.json()).toEqual({ items: [approved.json()], nextCursor: null });

    // The next request is measured against 250, not the default.
    const tooSmall = await ask(accountId, billing, 200);
    expect(tooSmall.statusCode).toBe(400);
    expect(tooSmall.json()).toMatchObject({ errors: [{ path: 'body.requestedGiB', message: 'must be more than the current quota of 250 GiB' }] });

    const events = await app.infrastructure.eventStore.readStream(`quota-${accountId}`);
    expect(events.map((e) => [e.type, e.data])).toEqual([
      [
        'QuotaIncreaseRequested',
        { accountId, requestId: request.requestId, currentGiB: 100, requestedGiB: 250, reason: 'nightly ERP backups', requestedAt: request.requestedAt },
      ],
      [
        'QuotaRequestApproved',
        { accountId, requestId: request.requestId, fromGiB: 100, toGiB: 250, note: 'contract amended', approvedAt: approved.json<RequestBody>().decidedAt },
      ],
    ]);
  });

  it('rejects, lists newest first across pages, and filters by status', async () => {
    const { accountId, token } = await openAccount('quota-list');
    const owner = await token('owner');
    const made: RequestBody[] = [];
    for (const gib of [150, 200, 300, 400, 500]) {
      const asked = await ask(accountId, owner, gib);
      expect(asked.statusCode, asked.body).toBe(201);
      const request = asked.json<RequestBody>();
      made.push(request);
      // All rejected but the last, which stays pending.
      if (gib !== 500) expect((await decide(accountId, request.requestId, 'reject', operator, 'not now')).json()).toMatchObject({ status: 'rejected' });
    }
    await catchUp();

    const seen: RequestBody[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `/accounts/${accountId}/quota/requests?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await app.api.inject({ method: 'GET', url, headers: bearer(owner) })).json<{ items: RequestBody[]; nextCursor: string | null }>();
      seen.push(...page.items);
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen.map((r) => r.requestedGiB)).toEqual([500, 400, 300, 200, 150]);
    expect(new Set(seen.map((r) => r.requestId)).size).toBe(5);

    const rejected = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/quota/requests?status=rejected`, headers: bearer(owner) });
    expect(rejected.json<{ items: RequestBody[] }>().items.map((r) => [r.requestedGiB, r.note])).toEqual([
      [400, 'not now'],
      [300, 'not now'],
      [200, 'not now'],
      [150, 'not now'],
    ]);
    const quota = (await getQuota(accountId, owner)).json<{ quotaGiB: number; pendingRequest: RequestBody }>();
    expect(quota.quotaGiB).toBe(100);
    expect(quota.pendingRequest.requestId).toBe(made[4]!.requestId);
  });

  it('checks roles, input and tenancy', async () => {
    const { accountId, token } = await openAccount('quota-rules');
    const other = await openAccount('quota-other');
    const developer = await token('developer');
    await catchUp();
    expect((await getQuota(accountId, developer)).statusCode).toBe(200);
    const refused = await ask(accountId, developer, 200);
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ code: 'role_forbidden' });

    const bad = await app.api.inject({
      method: 'POST',
      url: `/accounts/${accountId}/quota/requests`,
      headers: bearer(await token('admin')),
      payload: { requestedGiB: 10.5, reason: '' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ errors: { path: string }[] }>().errors.map((e) => e.path).sort()).toEqual(['body.reason', 'body.requestedGiB']);

    // Another account's request, decided through this account's path, does not exist here.
    const theirs = (await ask(other.accountId, await other.token('owner'), 900)).json<RequestBody>();
    const crossed = await decide(accountId, theirs.requestId, 'approve', operator);
    expect(crossed.statusCode).toBe(404);
    expect(crossed.json()).toMatchObject({ code: 'quota_request_not_found' });
    const events = await app.infrastructure.eventStore.readStream(`quota-${other.accountId}`);
    expect(events.map((e) => e.type)).toEqual(['QuotaIncreaseRequested']);

    const stranger = await getQuota(other.accountId, developer);
    expect(stranger.statusCode).toBe(404);
    expect(stranger.json()).toMatchObject({ code: 'account_not_found' });
    const missing = await getQuota('00000000-0000-4000-8000-000000000000', operator);
    expect(missing.statusCode).toBe(404);
  });

  it('refuses requests from a suspended account', async () => {
    const { accountId, token } = await openAccount('quota-suspended');
    await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/suspend`, headers: bearer(operator), payload: { reason: 'overdue' } });
    const refused = await ask(accountId, await token('owner'), 200);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'account_suspended' });
  });

  it('ops rebuild of the quota read models gives the same rows as before', async () => {
    await catchUp();
    const quotas = () => app.infrastructure.readModels.selectFrom('account_quotas').selectAll().orderBy('account_id').execute();
    const requests = () => app.infrastructure.readModels.selectFrom('quota_requests').selectAll().orderBy('request_id').execute();
    const quotasBefore = await quotas();
    const requestsBefore = await requests();
    expect(quotasBefore.length).toBeGreaterThanOrEqual(3);
    expect(requestsBefore.length).toBeGreaterThanOrEqual(7);
    expect(new Set(requestsBefore.map((r) => r.status))).toEqual(new Set(['pending', 'approved', 'rejected']));
    await app.infrastructure.readModels.updateTable('account_quotas').set({ quota_gib: 1 }).execute();
    await app.infrastructure.readModels.updateTable('quota_requests').set({ reason: 'tampered', decided_by: 'nobody' }).execute();
    await app.runner.rebuild('account-quotas');
    await app.runner.rebuild('quota-requests');
    expect(await quotas()).toEqual(quotasBefore);
    expect(await requests()).toEqual(requestsBefore);
    // Who asked and who decided come from the events' metadata.
    for (const row of requestsBefore) expect(row.requested_by).toMatch(/^token:[0-9a-f]{32}$/);
  });
});
