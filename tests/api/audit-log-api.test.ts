import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../support/app.ts';
import { bearer } from '../support/api-requests.ts';

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

type Entry = { type: string; summary: string; resourceType: string; resourceId: string; actor: string; ip: string | null; occurredAt: string };

describe('audit log', () => {
  let accountId: string;
  let otherAccountId: string;
  let adminTokenId: string;
  let adminToken: string;

  beforeAll(async () => {
    const open = async (slug: string) =>
      (
        await app.api.inject({
          method: 'POST',
          url: '/accounts',
          headers: bearer(operator),
          payload: { name: slug, slug, billingEmail: `b@${slug}.co`, document: '529.982.247-25' },
        })
      ).json<{ accountId: string }>().accountId;
    accountId = await open('audited-co');
    otherAccountId = await open('other-co');
    adminToken = await app.tokenFor({ kind: 'account', accountId, role: 'admin' });
    adminTokenId = adminToken.split('_')[1]!;
    await app.api.inject({ method: 'PATCH', url: `/accounts/${accountId}/billing-profile`, headers: bearer(adminToken), payload: { billingDay: 20 } });
    await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/invitations`, headers: bearer(adminToken), payload: { email: 'dev@audited.co', role: 'developer' } });
    await app.api.inject({ method: 'PATCH', url: `/accounts/${otherAccountId}/billing-profile`, headers: bearer(operator), payload: { billingDay: 3 } });
    await app.runner.catchUp();
  });

  it("lists an account's events newest first with who, what, which resource, when and from where", async () => {
    const response = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/audit-log`, headers: bearer(operator) });
    expect(response.statusCode).toBe(200);
    const items = response.json<{ items: Entry[] }>().items;
    expect(items.map((e) => e.type)).toEqual(['MemberInvited', 'BillingProfileUpdated', 'ApiTokenIssued', 'AccountOpened']);
    expect(items[1]).toMatchObject({
      summary: 'Billing profile changed: billingDay',
      resourceType: 'account',
      resourceId: accountId,
      actor: `token:${adminTokenId}`,
      ip: '127.0.0.1',
    });
    expect(items[0]!.summary).toBe('dev@audited.co invited as developer');
    // the other account's change is not here
    expect(items.some((e) => e.summary.includes('billingDay') && e.resourceId === otherAccountId)).toBe(false);
  });

  it('answers "who revoked this token, and when" in one filtered request', async () => {
    const member = await app.tokenFor({ kind: 'account', accountId, role: 'developer' });
    const memberTokenId = member.split('_')[1]!;
    const revokedAt = new Date();
    const revoked = await app.api.inject({ method: 'DELETE', url: `/accounts/${accountId}/api-tokens/${memberTokenId}`, headers: bearer(adminToken) });
    expect(revoked.statusCode, revoked.body).toBe(204);
    await app.runner.catchUp();

    const response = await app.api.inject({
      method: 'GET',
      url: `/accounts/${accountId}/audit-log?resourceType=api_token&resourceId=${memberTokenId}&type=ApiTokenRevoked`,
      headers: bearer(adminToken),
    });
    const items = response.json<{ items: Entry[] }>().items;
    expect(items).toHaveLength(1);
    expect(items[0]!.actor).toBe(`token:${adminTokenId}`);
    expect(Math.abs(Date.parse(items[0]!.occurredAt) - revokedAt.getTime())).toBeLessThan(5_000);
  });

  it('answers "who revoked this access key, and when" in one filtered request', async () => {
    const developer = await app.tokenFor({ kind: 'account', accountId, role: 'developer' });
    const issued = await app.api.inject({
      method: 'POST',
      url: `/accounts/${accountId}/access-keys`,
      headers: bearer(developer),
      payload: { name: 'nightly backup', buckets: 'all', permission: 'read-write' },
    });
    expect(issued.statusCode, issued.body).toBe(201);
    const { keyId } = issued.json<{ keyId: string }>();
    const before = Date.now();
    const revoked = await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/access-keys/${keyId}/revoke`, headers: bearer(adminToken) });
    expect(revoked.statusCode, revoked.body).toBe(200);
    await app.runner.catchUp();

    const answer = await app.api.inject({
      method: 'GET',
      url: `/accounts/${accountId}/audit-log?resourceType=access_key&resourceId=${keyId}&type=AccessKeyRevoked`,
      headers: bearer(developer),
    });
    const items = answer.json<{ items: Entry[] }>().items;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ actor: `token:${adminTokenId}`, ip: '127.0.0.1', resourceId: keyId });
    expect(items[0]!.summary).toMatch(/^Access key "nightly backup" \([A-Z0-9]{20}\) revoked$/);
    expect(Date.parse(items[0]!.occurredAt)).toBeGreaterThanOrEqual(before - 1);
    expect(Date.parse(items[0]!.occurredAt)).toBeLessThanOrEqual(Date.now());
  });

  it('filters by actor and time range, and pages without repeats', async () => {
    const byOperator = await app.api.inject({
      method: 'GET',
      url: `/accounts/${accountId}/audit-log?actor=${encodeURIComponent(`token:${operator.split('_')[1]}`)}`,
      headers: bearer(operator),
    });
    expect(byOperator.json<{ items: Entry[] }>().items.map((e) => e.type)).toEqual(['AccountOpened']);
    const future = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/audit-log?from=2099-01-01T00:00:00Z`, headers: bearer(operator) });
    expect(future.json<{ items: Entry[] }>().items).toEqual([]);

    const all = (await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/audit-log`, headers: bearer(operator) })).json<{ items: Entry[] }>().items;
    const paged: Entry[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Entry[]; nextCursor: string | null } = (
        await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/audit-log?limit=2${cursor ? `&cursor=${cursor}` : ''}`, headers: bearer(operator) })
      ).json();
      paged.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    expect(paged).toEqual(all);
    const bad = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/audit-log?cursor=garbage`, headers: bearer(operator) });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ errors: [{ path: 'query.cursor' }] });
  });

  it('is rebuilt from the event log alone to the same rows', async () => {
    const rows = () => app.infrastructure.readModels.selectFrom('audit_log').selectAll().orderBy('position').execute();
    const before = await rows();
    await app.runner.rebuild('audit-log');
    expect(await rows()).toEqual(before);
  });
});
