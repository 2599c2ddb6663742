import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/domain/access/permissions.ts';
import { startTestApp } from '../support/app.ts';
import { bearer, openTestAccount } from '../support/api-requests.ts';

type App = Awaited<ReturnType<typeof startTestApp>>;
let app: App;
let operator: string;

interface BucketBody {
  bucketId: string;
  accountId: string;
  name: string;
  status: string;
  failureReason: string | null;
  quotaBytes: string | null;
  versioning: string;
  lifecycle: { expirationDays: number | null; noncurrentVersionExpirationDays: number | null };
  requestedAt: string;
  updatedAt: string;
}
interface Page {
  items: BucketBody[];
  nextCursor: string | null;
}

beforeAll(async () => {
  app = await startTestApp();
  operator = await app.tokenFor({ kind: 'operator' });
});
afterAll(async () => {
  await app.close();
});

// Only the projections this file reads: others are being written beside it.
const catchUp = () => app.runner.catchUp(['accounts', 'buckets']);

async function openAccount(slug: string) {
  const { accountId } = await openTestAccount(app, operator, slug);
  return { accountId, token: (role: Role = 'admin') => app.tokenFor({ kind: 'account', accountId, role }) };
}

const requestBucket = (accountId: string, token: string, name: string) =>
  app.api.inject({ method: 'POST', url: `/accounts/${accountId}/buckets`, headers: bearer(token), payload: { name } });

async function createBucket(accountId: string, token: string, name: string): Promise<BucketBody> {
  const response = await requestBucket(accountId, token, name);
  expect(response.statusCode, response.body).toBe(201);
  return response.json<BucketBody>();
}

/** Every recorded event of a type, across the whole log. */
async function eventsOfType(type: string) {
  const all = await app.infrastructure.eventStore.readAll({ maxCount: 100_000 });
  return all.filter((e) => e.type === type);
}

describe('buckets API', () => {
  let acme: Awaited<ReturnType<typeof openAccount>>;
  let acmeToken: string;
  let globex: Awaited<ReturnType<typeof openAccount>>;
  let globexToken: string;

  beforeAll(async () => {
    acme = await openAccount('acme-buckets');
    globex = await openAccount('globex-buckets');
    acmeToken = await acme.token('developer');
    globexToken = await globex.token('owner');
  });

  it('requests a bucket and shows it, the same, once projected', async () => {
    const response = await requestBucket(acme.accountId, acmeToken, 'acme-photos');
    expect(response.statusCode, response.body).toBe(201);
    const bucket = response.json<BucketBody>();
    expect(bucket).toMatchObject({
      accountId: acme.accountId,
      name: 'acme-photos',
      status: 'requested',
      failureReason: null,
      quotaBytes: null,
      versioning: 'disabled',
      lifecycle: { expirationDays: null, noncurrentVersionExpirationDays: null },
    });
    expect(response.headers['event-position']).toMatch(/^\d{20}\/\d{19}$/);
    expect(response.headers.location).toBe(`/accounts/${acme.accountId}/buckets/${bucket.bucketId}`);

    await catchUp();
    const shown = await app.api.inject({ method: 'GET', url: `/accounts/${acme.accountId}/buckets/${bucket.bucketId}`, headers: bearer(acmeToken) });
    expect(shown.statusCode).toBe(200);
    expect(shown.json()).toEqual(bucket);

    const events = await app.infrastructure.eventStore.readStream(`bucket-${bucket.bucketId}`);
    expect(events.map((e) => [e.type, e.data])).toEqual([
      ['BucketRequested', { accountId: acme.accountId, bucketId: bucket.bucketId, name: 'acme-photos', requestedAt: bucket.requestedAt }],
    ]);
  });

  it('lists every broken naming rule, and takes no name for a bad request', async () => {
    const response = await requestBucket(acme.accountId, acmeToken, 'xn--Acme..Photos');
    expect(response.statusCode).toBe(400);
    const problem = response.json<{ code: string; errors: { path: string; message: string }[] }>();
    expect(problem.code).toBe('validation_failed');
    expect(problem.errors).toEqual([
      { path: 'body.name', message: 'may contain only lowercase letters (a-z), digits, hyphens and dots' },
      { path: 'body.name', message: 'must not contain two dots in a row' },
      { path: 'body.name', message: 'must not start with "xn--" (reserved for internationalized domain names)' },
    ]);
    expect(await app.infrastructure.eventStore.readStream('bucketname-xn--Acme..Photos')).toEqual([]);
  });

  it('of two concurrent requests for one name from two accounts, exactly one wins', async () => {
    for (const name of ['race-a', 'race-b', 'race-c', 'race-d', 'race-e']) {
      const responses = await Promise.all([requestBucket(acme.accountId, acmeToken, name), requestBucket(globex.accountId, globexToken, name)]);
      expect(responses.map((r) => r.statusCode).sort(), name).toEqual([201, 409]);
      const winner = responses.find((r) => r.statusCode === 201)!.json<BucketBody>();
      const loser = responses.find((r) => r.statusCode === 409)!;
      expect(loser.json()).toMatchObject({ code: 'name_taken' });

      const requested = (await eventsOfType('BucketRequested')).filter((e) => (e.data as { name: string }).name === name);
      expect(requested).toHaveLength(1);
      expect(requested[0]!.streamName).toBe(`bucket-${winner.bucketId}`);
      const reservation = await app.infrastructure.eventStore.readStream(`bucketname-${name}`);
      expect(reservation.map((e) => [e.type, (e.data as { holderId: string }).holderId])).toEqual([['NameReserved', winner.bucketId]]);
    }
  });

  it("frees a deleted bucket's name for anyone, and only once the deletion is recorded", async () => {
    const bucket = await createBucket(acme.accountId, acmeToken, 'reusable-name');
    const deleting = await app.api.inject({ method: 'DELETE', url: `/accounts/${acme.accountId}/buckets/${bucket.bucketId}`, headers: bearer(acmeToken) });
    expect(deleting.statusCode).toBe(202);
    expect(deleting.json()).toMatchObject({ status: 'deleting' });

    // Still held while MinIO removes it.
    const tooSoon = await requestBucket(globex.accountId, globexToken, 'reusable-name');
    expect(tooSoon.statusCode).toBe(409);
    expect(tooSoon.json()).toMatchObject({ code: 'name_taken' });

    const byTenant = await app.api.inject({ method: 'POST', url: `/accounts/${acme.accountId}/buckets/${bucket.bucketId}/deleted`, headers: bearer(acmeToken) });
    expect(byTenant.statusCode).toBe(403);
    expect(byTenant.json()).toMatchObject({ code: 'operator_only' });
    const recorded = await app.api.inject({ method: 'POST', url: `/accounts/${acme.accountId}/buckets/${bucket.bucketId}/deleted`, headers: bearer(operator) });
    expect(recorded.statusCode).toBe(200);
    expect(recorded.json()).toMatchObject({ status: 'deleted' });

    const again = await createBucket(globex.accountId, globexToken, 'reusable-name');
    expect(again.bucketId).not.toBe(bucket.bucketId);
    const reservation = await app.infrastructure.eventStore.readStream('bucketname-reusable-name');
    expect(reservation.map((e) => [e.type, (e.data as { holderId: string }).holderId])).toEqual([
      ['NameReserved', bucket.bucketId],
      ['NameReleased', bucket.bucketId],
      ['NameReserved', again.bucketId],
    ]);
    // Settings on the deleted bucket are refused.
    const late = await app.api.inject({
      method: 'PUT',
      url: `/accounts/${acme.accountId}/buckets/${bucket.bucketId}/versioning`,
      headers: bearer(acmeToken),
      payload: { versioning: 'enabled' },
    });
    expect(late.statusCode).toBe(409);
    expect(late.json()).toMatchObject({ code: 'bucket_deleted' });
  });

  it('records provisioning and its failure as the MinIO reactor would, operators only', async () => {
    const ok = await createBucket(acme.accountId, acmeToken, 'acme-provisioned');
    const provisioned = await app.api.inject({ method: 'POST', url: `/accounts/${acme.accountId}/buckets/${ok.bucketId}/provisioned`, headers: bearer(operator) });
    expect(provisioned.json()).toMatchObject({ status: 'provisioned' });
    const cannotFail = await app.api.inject({
      method: 'POST',
      url: `/accounts/${acme.accountId}/buckets/${ok.bucketId}/provisioning-failed`,
      headers: bearer(operator),
      payload: { reason: 'late' },
    });
    expect(cannotFail.statusCode).toBe(409);
    expect(cannotFail.json()).toMatchObject({ code: 'bucket_provisioned' });

    const bad = await createBucket(acme.accountId, acmeToken, 'acme-failed');
    const failed = await app.api.inject({
      method: 'POST',
      url: `/accounts/${acme.accountId}/buckets/${bad.bucketId}/provisioning-failed`,
      headers: bearer(operator),
      payload: { reason: 'XMinioStorageFull: disk full' },
    });
    expect(failed.json()).toMatchObject({ status: 'failed', failureReason: 'XMinioStorageFull: disk full' });
    const quota = await app.api.inject({
      method: 'PUT',
      url: `/accounts/${acme.accountId}/buckets/${bad.bucketId}/quota`,
      headers: bearer(acmeToken),
      payload: { quotaBytes: '1024' },
    });
    expect(quota.statusCode).toBe(409);
    expect(quota.json()).toMatchObject({ code: 'bucket_failed' });
  });

  it('sets quota, versioning and lifecycle; repeats record nothing; bad values list every field', async () => {
    const bucket = await createBucket(acme.accountId, acmeToken, 'acme-settings');
    const url = `/accounts/${acme.accountId}/buckets/${bucket.bucketId}`;
    const put = (part: string, payload: object) => app.api.inject({ method: 'PUT', url: `${url}/${part}`, headers: bearer(acmeToken), payload });

    expect((await put('quota', { quotaBytes: '10737418240' })).json()).toMatchObject({ quotaBytes: '10737418240' });
    const repeat = await put('quota', { quotaBytes: '10737418240' });
    expect(repeat.statusCode).toBe(200);
    expect(repeat.headers['event-position']).toBeUndefined();
    expect((await put('versioning', { versioning: 'enabled' })).json()).toMatchObject({ versioning: 'enabled' });
    expect((await put('lifecycle', { expirationDays: 365 })).json()).toMatchObject({
      lifecycle: { expirationDays: 365, noncurrentVersionExpirationDays: null },
    });
    const last = await put('lifecycle', { expirationDays: 365, noncurrentVersionExpirationDays: 30 });
    expect(last.json()).toMatchObject({ lifecycle: { expirationDays: 365, noncurrentVersionExpirationDays: 30 } });

    const badQuota = await put('quota', { quotaBytes: 1024 });
    expect(badQuota.statusCode).toBe(400);
    expect(badQuota.json<{ errors: { path: string }[] }>().errors.map((e) => e.path)).toEqual(['body.quotaBytes']);
    const badLifecycle = await put('lifecycle', { expirationDays: 0, noncurrentVersionExpirationDays: 2.5, other: true });
    expect(badLifecycle.json<{ errors: { path: string }[] }>().errors.map((e) => e.path).sort()).toEqual(
      ['body.expirationDays', 'body.noncurrentVersionExpirationDays', 'body.other'].sort(),
    );
    const badVersioning = await put('versioning', { versioning: 'disabled' });
    expect(badVersioning.statusCode).toBe(400);

    const events = await app.infrastructure.eventStore.readStream(`bucket-${bucket.bucketId}`);
    expect(events.map((e) => e.type)).toEqual(['BucketRequested', 'BucketQuotaSet', 'BucketVersioningSet', 'BucketLifecycleSet', 'BucketLifecycleSet']);
    for (const event of events) expect(event.data).toMatchObject({ accountId: acme.accountId, bucketId: bucket.bucketId, name: 'acme-settings' });

    await catchUp();
    const shown = await app.api.inject({ method: 'GET', url, headers: bearer(acmeToken) });
    expect(shown.json()).toEqual(last.json());
  });

  it('refuses new work for a suspended account, without taking the name, but lets it delete', async () => {
    const initech = await openAccount('initech-buckets');
    const token = await initech.token('owner');
    const kept = await createBucket(initech.accountId, token, 'initech-kept');
    const suspended = await app.api.inject({
      method: 'POST',
      url: `/accounts/${initech.accountId}/suspend`,
      headers: bearer(operator),
      payload: { reason: 'invoice 30 days overdue' },
    });
    expect(suspended.statusCode).toBe(200);

    const refused = await requestBucket(initech.accountId, token, 'initech-new');
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'account_suspended' });
    expect(await app.infrastructure.eventStore.readStream('bucketname-initech-new')).toEqual([]);

    const setting = await app.api.inject({
      method: 'PUT',
      url: `/accounts/${initech.accountId}/buckets/${kept.bucketId}/quota`,
      headers: bearer(token),
      payload: { quotaBytes: null },
    });
    expect(setting.statusCode).toBe(409);
    expect(setting.json()).toMatchObject({ code: 'account_suspended' });

    const deleting = await app.api.inject({ method: 'DELETE', url: `/accounts/${initech.accountId}/buckets/${kept.bucketId}`, headers: bearer(token) });
    expect(deleting.statusCode).toBe(202);
  });

  it("answers 404 for another account's bucket, even to operators going through the wrong account", async () => {
    const theirs = await createBucket(globex.accountId, globexToken, 'globex-private');
    await catchUp();
    const wrongPath = `/accounts/${acme.accountId}/buckets/${theirs.bucketId}`;
    const attempts = [
      { method: 'GET' as const, url: wrongPath, token: acmeToken },
      { method: 'GET' as const, url: wrongPath, token: operator },
      { method: 'PUT' as const, url: `${wrongPath}/quota`, token: acmeToken, payload: { quotaBytes: '1' } },
      { method: 'PUT' as const, url: `${wrongPath}/versioning`, token: operator, payload: { versioning: 'enabled' } },
      { method: 'PUT' as const, url: `${wrongPath}/lifecycle`, token: acmeToken, payload: { expirationDays: 1 } },
      { method: 'DELETE' as const, url: wrongPath, token: acmeToken },
      { method: 'DELETE' as const, url: wrongPath, token: operator },
      { method: 'POST' as const, url: `${wrongPath}/provisioned`, token: operator },
    ];
    for (const { method, url, token, payload } of attempts) {
      const response = await app.api.inject({ method, url, headers: bearer(token), ...(payload ? { payload } : {}) });
      expect(response.statusCode, `${method} ${url}`).toBe(404);
      expect(response.json()).toMatchObject({ code: 'bucket_not_found' });
    }
    // Through another account's path with that account's token: the account itself is hidden.
    const crossTenant = await app.api.inject({ method: 'GET', url: `/accounts/${globex.accountId}/buckets/${theirs.bucketId}`, headers: bearer(acmeToken) });
    expect(crossTenant.statusCode).toBe(404);
    expect(crossTenant.json()).toMatchObject({ code: 'account_not_found' });

    const events = await app.infrastructure.eventStore.readStream(`bucket-${theirs.bucketId}`);
    expect(events.map((e) => e.type)).toEqual(['BucketRequested']);
    const list = await app.api.inject({ method: 'GET', url: `/accounts/${acme.accountId}/buckets?limit=200`, headers: bearer(operator) });
    expect(list.json<Page>().items.map((b) => b.bucketId)).not.toContain(theirs.bucketId);
  });

  it('lets roles do what the permission table says', async () => {
    const readOnly = await acme.token('read-only');
    const billing = await acme.token('billing');
    expect((await app.api.inject({ method: 'GET', url: `/accounts/${acme.accountId}/buckets`, headers: bearer(readOnly) })).statusCode).toBe(200);
    for (const token of [readOnly, billing]) {
      const response = await requestBucket(acme.accountId, token, 'acme-not-allowed');
      expect(response.statusCode).toBe(403);
      expect(response.json()).toMatchObject({ code: 'role_forbidden' });
    }
  });

  it('walks every page of a list exactly once, newest first, and filters by status and name prefix', async () => {
    const umbrella = await openAccount('umbrella-buckets');
    const token = await umbrella.token('admin');
    const created: BucketBody[] = [];
    for (let i = 0; i < 7; i++) created.push(await createBucket(umbrella.accountId, token, `umbrella-${i}`));
    const other = await createBucket(umbrella.accountId, token, 'zeta-archive');
    await app.api.inject({ method: 'DELETE', url: `/accounts/${umbrella.accountId}/buckets/${created[2]!.bucketId}`, headers: bearer(token) });
    await catchUp();

    const seen: BucketBody[] = [];
    const pageSizes: number[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/accounts/${umbrella.accountId}/buckets?limit=3${cursor ? `&cursor=${cursor}` : ''}`;
      const response = await app.api.inject({ method: 'GET', url, headers: bearer(token) });
      expect(response.statusCode, response.body).toBe(200);
      const page = response.json<Page>();
      pageSizes.push(page.items.length);
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);

    expect(pageSizes).toEqual([3, 3, 2]);
    const ids = seen.map((b) => b.bucketId);
    expect(new Set(ids).size).toBe(8);
    expect(new Set(ids)).toEqual(new Set([...created, other].map((b) => b.bucketId)));
    const keys = seen.map((b) => `${b.requestedAt}|${b.bucketId}`);
    expect(keys).toEqual([...keys].sort().reverse());

    const byPrefix = await app.api.inject({ method: 'GET', url: `/accounts/${umbrella.accountId}/buckets?name=zeta`, headers: bearer(token) });
    expect(byPrefix.json<Page>().items.map((b) => b.name)).toEqual(['zeta-archive']);
    const deleting = await app.api.inject({ method: 'GET', url: `/accounts/${umbrella.accountId}/buckets?status=deleting`, headers: bearer(token) });
    expect(deleting.json<Page>().items.map((b) => b.name)).toEqual(['umbrella-2']);

    const badCursor = await app.api.inject({ method: 'GET', url: `/accounts/${umbrella.accountId}/buckets?cursor=bm9wZQ`, headers: bearer(token) });
    expect(badCursor.statusCode).toBe(400);
    const badFilter = await app.api.inject({ method: 'GET', url: `/accounts/${umbrella.accountId}/buckets?name=%25&status=gone`, headers: bearer(token) });
    expect(badFilter.json<{ errors: { path: string }[] }>().errors.map((e) => e.path).sort()).toEqual(['query.name', 'query.status']);
  });

  it('lists no buckets for an account without any, and answers 404 for an account the read model does not have', async () => {
    const empty = await openAccount('empty-buckets');
    await catchUp();
    const listed = await app.api.inject({ method: 'GET', url: `/accounts/${empty.accountId}/buckets`, headers: bearer(operator) });
    expect(listed.statusCode, listed.body).toBe(200);
    expect(listed.json()).toEqual({ items: [], nextCursor: null });
    const missing = await app.api.inject({ method: 'GET', url: '/accounts/00000000-0000-4000-8000-000000000000/buckets', headers: bearer(operator) });
    expect(missing.statusCode, missing.body).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'account_not_found' });
  });

  it('ops rebuild of the buckets read model gives the same rows as before', async () => {
    await catchUp();
    const rows = () => app.infrastructure.readModels.selectFrom('buckets').selectAll().orderBy('bucket_id').execute();
    const before = await rows();
    expect(before.length).toBeGreaterThanOrEqual(20);
    expect(new Set(before.map((r) => r.status))).toEqual(new Set(['requested', 'provisioned', 'failed', 'deleting', 'deleted']));
    await app.infrastructure.readModels.updateTable('buckets').set({ name: 'tampered', quota_bytes: '1' }).execute();
    await app.runner.rebuild('buckets');
    expect(await rows()).toEqual(before);
  });
});
