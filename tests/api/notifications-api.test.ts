import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noticeExpiringAccessKeys } from '../../src/commands/access-key-expiry.ts';
import { checkQuotaThresholds } from '../../src/commands/quota-thresholds.ts';
import type { NotificationsRead } from '../../src/domain/notification/notifications.ts';
import { bearer, openTestAccount } from '../support/api-requests.ts';
import { startTestApp, testContext } from '../support/app.ts';
import { accessKeyExpiryDeps, quotaThresholdDeps } from '../../src/composition/jobs.ts';

type App = Awaited<ReturnType<typeof startTestApp>>;
let app: App;
let operator: string;
let accountId: string;
let otherAccountId: string;
let ownerToken: string;
let ownerMemberId: string;
let readOnlyToken: string;
let otherToken: string;
let bucketId: string;
let keyId: string;

const GIB = 2n ** 30n;

interface Notification {
  notificationId: string;
  kind: string;
  title: string;
  body: string;
  resource: { type: string; id: string };
  createdAt: string;
  readAt: string | null;
}
type Page = { items: Notification[]; nextCursor: string | null };

async function openAccount(slug: string, locale: 'pt-BR' | 'en') {
  return (await openTestAccount(app, operator, slug, { name: slug, locale })).accountId;
}

const list = async (token: string, query = '', account = accountId) => {
  await app.runner.catchUp();
  return app.api.inject({ method: 'GET', url: `/accounts/${account}/notifications${query}`, headers: bearer(token) });
};
const unreadCount = async (token: string, account = accountId) => {
  await app.runner.catchUp();
  const response = await app.api.inject({ method: 'GET', url: `/accounts/${account}/notifications/unread-count`, headers: bearer(token) });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ unread: number }>().unread;
};
const markRead = (token: string, notificationIds: unknown, account = accountId) =>
  app.api.inject({ method: 'POST', url: `/accounts/${account}/notifications/read`, headers: bearer(token), payload: { notificationIds } });

beforeAll(async () => {
  app = await startTestApp();
  operator = await app.tokenFor({ kind: 'operator' });
  accountId = await openAccount('notify-co', 'en');
  otherAccountId = await openAccount('notify-other', 'pt-BR');
  await app.runner.catchUp();
  const members = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/members`, headers: bearer(operator) });
  ownerMemberId = members.json<{ items: { memberId: string }[] }>().items[0]!.memberId;
  const created = await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/api-tokens`, headers: bearer(operator), payload: { name: 'owner', memberId: ownerMemberId } });
  ownerToken = created.json<{ token: string }>().token;
  readOnlyToken = await app.tokenFor({ kind: 'account', accountId, role: 'read-only' });
  otherToken = await app.tokenFor({ kind: 'account', accountId: otherAccountId, role: 'owner' });

  // 1. a bucket MinIO could not create
  const failing = await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/buckets`, headers: bearer(operator), payload: { name: 'notify-failing' } });
  expect(failing.statusCode, failing.body).toBe(201);
  const failed = await app.api.inject({
    method: 'POST',
    url: `/accounts/${accountId}/buckets/${failing.json<{ bucketId: string }>().bucketId}/provisioning-failed`,
    headers: bearer(operator),
    payload: { reason: 'XMinioStorageFull: storage is full' },
  });
  expect(failed.statusCode, failed.body).toBe(200);

  // 2. 85 GiB stored of the default 100 GiB quota, measured twice (the later sample counts)
  const bucket = await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/buckets`, headers: bearer(operator), payload: { name: 'notify-photos' } });
  bucketId = bucket.json<{ bucketId: string }>().bucketId;
  const usage = await app.api.inject({
    method: 'POST',
    url: '/usage',
    headers: bearer(operator),
    payload: {
      samples: [
        { kind: 'storage', sampleKey: 'n-1', bucket: 'notify-photos', bytes: (10n * GIB).toString(), at: '2026-11-20T10:00:00Z' },
        { kind: 'storage', sampleKey: 'n-2', bucket: 'notify-photos', bytes: (85n * GIB).toString(), at: '2026-11-21T10:00:00Z' },
      ],
    },
  });
  expect(usage.statusCode, usage.body).toBe(200);
  await app.runner.catchUp();

  // 3. an access key expiring in three days
  const expiresAt = new Date(Date.now() + 3 * 86_400_000).toISOString();
  const key = await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/access-keys`, headers: bearer(operator), payload: { name: 'nightly', buckets: 'all', permission: 'read', expiresAt } });
  expect(key.statusCode, key.body).toBe(201);
  keyId = key.json<{ keyId: string }>().keyId;
  await app.runner.catchUp();
});
afterAll(async () => {
  await app.close();
});

describe('the jobs that make notifications', () => {
  it('checkQuotaThresholds records 80% once for 85 GiB of 100 GiB, and nothing for an account below it', async () => {
    const deps = quotaThresholdDeps(app.infrastructure, 100);
    const first = await checkQuotaThresholds(deps, new Date(), testContext());
    expect(first.failed).toEqual([]);
    expect(first.reached).toEqual([{ accountId, thresholdPercent: 80, usedBytes: (85n * GIB).toString(), quotaBytes: (100n * GIB).toString() }]);
    const again = await checkQuotaThresholds(deps, new Date(), testContext());
    expect(again.reached).toEqual([]);
    expect(again.rearmed).toBe(0);
    const events = await app.infrastructure.eventStore.readStream(`quotathresholds-${accountId}`);
    expect(events.map((e) => [e.type, e.metadata.actor])).toEqual([['QuotaThresholdReached', 'system:quota-thresholds']]);
    expect(await app.infrastructure.eventStore.readStream(`quotathresholds-${otherAccountId}`)).toEqual([]);
  });

  it('noticeExpiringAccessKeys notices the key once', async () => {
    const deps = accessKeyExpiryDeps(app.infrastructure);
    const first = await noticeExpiringAccessKeys(deps, new Date(), testContext());
    expect(first.noticed.map((n) => [n.keyId, n.name])).toEqual([[keyId, 'nightly']]);
    const again = await noticeExpiringAccessKeys(deps, new Date(), testContext());
    expect(again.candidates).toBe(1);
    expect(again.noticed).toEqual([]);
    // eight days on it has expired: no longer a candidate
    expect((await noticeExpiringAccessKeys(deps, new Date(Date.now() + 8 * 86_400_000), testContext())).candidates).toBe(0);
  });
});

describe('notification routes', () => {
  it('lists newest first, in English for an English account, with pages and the unread filter', async () => {
    const all = await list(readOnlyToken);
    expect(all.statusCode, all.body).toBe(200);
    const items = all.json<Page>().items;
    expect(items.map((n) => n.kind)).toEqual(['access_key_expiring', 'quota_80_percent', 'bucket_provisioning_failed']);
    expect(items[1]).toMatchObject({ title: 'Storage at 80% of your quota', body: 'You are using 85.00 GiB of 100.00 GiB (85%).', resource: { type: 'quota', id: accountId }, readAt: null });
    expect(items[2]).toMatchObject({
      title: 'Bucket notify-failing could not be created',
      body: 'The bucket notify-failing could not be created: XMinioStorageFull: storage is full',
      resource: { type: 'bucket' },
    });
    expect(items[0]).toMatchObject({ title: 'Access key "nightly" is expiring', resource: { type: 'access_key', id: keyId } });

    const first = await list(readOnlyToken, '?limit=2');
    const page1 = first.json<Page>();
    expect(page1.items.map((n) => n.notificationId)).toEqual(items.slice(0, 2).map((n) => n.notificationId));
    expect(page1.nextCursor).not.toBeNull();
    const page2 = (await list(readOnlyToken, `?limit=2&cursor=${page1.nextCursor}`)).json<Page>();
    expect(page2).toEqual({ items: [items[2]], nextCursor: null });

    expect(await unreadCount(readOnlyToken)).toBe(3);
    expect((await list(readOnlyToken, '?cursor=bm90LWEtY3Vyc29y')).statusCode).toBe(400);
  });

  it('marks by id, recording the member who read; the count and the filter follow; repeating records nothing', async () => {
    const items = (await list(ownerToken)).json<Page>().items;
    const bucketNotice = items.find((n) => n.kind === 'bucket_provisioning_failed')!;
    const marked = await markRead(ownerToken, [bucketNotice.notificationId]);
    expect(marked.statusCode, marked.body).toBe(200);
    expect(marked.json()).toEqual({ markedRead: [bucketNotice.notificationId], readAt: expect.any(String) });

    const stream = await app.infrastructure.eventStore.readStream(`notifications-${accountId}`);
    expect(stream.map((e) => e.data)).toEqual([
      { accountId, notificationIds: [bucketNotice.notificationId], memberId: ownerMemberId, readAt: marked.json<{ readAt: string }>().readAt },
    ] satisfies NotificationsRead['data'][]);

    expect(await unreadCount(ownerToken)).toBe(2);
    const unread = (await list(ownerToken, '?unread=true')).json<Page>().items;
    expect(unread.map((n) => n.kind)).toEqual(['access_key_expiring', 'quota_80_percent']);
    const shown = (await list(ownerToken)).json<Page>().items.find((n) => n.notificationId === bucketNotice.notificationId)!;
    expect(shown.readAt).toBe(marked.json<{ readAt: string }>().readAt);

    const repeated = await markRead(ownerToken, [bucketNotice.notificationId]);
    expect(repeated.json()).toEqual({ markedRead: [], readAt: null });
    expect(await app.infrastructure.eventStore.readStream(`notifications-${accountId}`)).toHaveLength(1);
  });

  it("another tenant's token gets 404 on the account; an id of another account's notification is not found", async () => {
    for (const response of [await list(otherToken), await markRead(otherToken, 'all')]) {
      expect(response.statusCode).toBe(404);
      expect(response.json<{ code: string }>().code).toBe('account_not_found');
    }
    const count = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/notifications/unread-count`, headers: bearer(otherToken) });
    expect(count.statusCode).toBe(404);
    const mine = (await list(ownerToken)).json<Page>().items[0]!;
    const foreign = await markRead(otherToken, [mine.notificationId], otherAccountId);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json<{ code: string }>().code).toBe('notification_not_found');
    expect((await list(otherToken, '', otherAccountId)).json<Page>().items).toEqual([]);
  });

  it('refuses an empty list of ids or ids that are not ids', async () => {
    for (const notificationIds of [[], ['nope'], 'some']) {
      const response = await markRead(readOnlyToken, notificationIds);
      expect(response.statusCode, JSON.stringify(notificationIds)).toBe(400);
    }
  });

  it('"all" marks every unread one, for any member role; then nothing is left to mark', async () => {
    const all = await markRead(readOnlyToken, 'all');
    expect(all.statusCode, all.body).toBe(200);
    expect(all.json()).toMatchObject({ markedRead: 'all' });
    expect(await unreadCount(readOnlyToken)).toBe(0);
    expect((await list(readOnlyToken, '?unread=true')).json<Page>().items).toEqual([]);
    const again = await markRead(readOnlyToken, 'all');
    expect(again.json()).toEqual({ markedRead: [], readAt: null });
    const stream = await app.infrastructure.eventStore.readStream(`notifications-${accountId}`);
    // a service token has no member: recorded as null, with the token as the actor
    expect(stream.map((e) => [(e.data as NotificationsRead['data']).memberId, e.metadata.actor.startsWith('token:')])).toEqual([
      [ownerMemberId, true],
      [null, true],
    ]);
  });

  it('the audit log tells the quota warning, the key notice and the reads', async () => {
    await app.runner.catchUp();
    const audit = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/audit-log?limit=200`, headers: bearer(operator) });
    const summaries = audit.json<{ items: { type: string; summary: string }[] }>().items.map((e) => [e.type, e.summary]);
    expect(summaries).toEqual(
      expect.arrayContaining([
        ['QuotaThresholdReached', 'Storage reached 80% of the quota (85.00 GiB of 100.00 GiB)'],
        ['NotificationsRead', 'All notifications marked read'],
        ['NotificationsRead', `1 notification marked read by member ${ownerMemberId}`],
      ]),
    );
    expect(summaries.some(([type, summary]) => type === 'AccessKeyExpiring' && summary!.startsWith('Access key "nightly" expires at'))).toBe(true);
  });
});
