import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../support/api-requests.ts';
import { startTestApp } from '../support/app.ts';

/**
 * A read right after a write: the command answers with `event-position`, and a GET with
 * `?after=` of it waits until the read models have applied the log up to there. The
 * projection runner is not started here; the tests catch it up when they choose, so the
 * read model is behind for as long as they want.
 */
type App = Awaited<ReturnType<typeof startTestApp>>;
let app: App;
let operator: string;
let accountId: string;

beforeAll(async () => {
  app = await startTestApp({ READ_AFTER_WAIT_MS: '1500' });
  operator = await app.tokenFor({ kind: 'operator' });
  const opened = await app.api.inject({ method: 'POST', url: '/accounts', headers: bearer(operator), payload: { name: 'after-co', slug: 'after-co', billingEmail: 'a@after.example', document: '11.222.333/0001-81' } });
  accountId = opened.json<{ accountId: string }>().accountId;
  await app.runner.catchUp();
});
afterAll(async () => app?.close());

async function newBucket(name: string) {
  const created = await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/buckets`, headers: bearer(operator), payload: { name } });
  expect(created.statusCode, created.body).toBe(201);
  return { bucketId: created.json<{ bucketId: string }>().bucketId, position: created.headers['event-position'] as string };
}

describe('?after=<event-position>', () => {
  it('without it, a read right after the write can miss it; with it, the read waits and sees it', async () => {
    const { bucketId, position } = await newBucket('after-data');
    expect(position).toMatch(/^\d+\/\d+$/);
    const url = `/accounts/${accountId}/buckets/${bucketId}`;
    expect((await app.api.inject({ method: 'GET', url, headers: bearer(operator) })).statusCode).toBe(404);

    let caughtUp = false;
    const later = new Promise<void>((resolve) =>
      setTimeout(() => {
        caughtUp = true;
        void app.runner.catchUp().then(resolve);
      }, 200),
    );
    const read = await app.api.inject({ method: 'GET', url: `${url}?after=${encodeURIComponent(position)}`, headers: bearer(operator) });
    expect(caughtUp).toBe(true);
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json<{ name: string }>().name).toBe('after-data');
    await later;
  });

  it('a read model already past the position answers at once, also for lists with their own query', async () => {
    const { position } = await newBucket('after-list');
    await app.runner.catchUp();
    const list = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/buckets?limit=50&after=${encodeURIComponent(position)}`, headers: bearer(operator) });
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json<{ items: { name: string }[] }>().items.map((b) => b.name)).toContain('after-list');
  });

  it('a read model that does not get there in time is refused, not answered from older rows', async () => {
    const { bucketId, position } = await newBucket('after-late');
    const read = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/buckets/${bucketId}?after=${encodeURIComponent(position)}`, headers: bearer(operator) });
    expect(read.statusCode).toBe(409);
    expect(read.json<{ code: string; detail: string }>()).toMatchObject({ code: 'read_model_behind', detail: expect.stringContaining('buckets') });
    await app.runner.catchUp();
  });

  it('a malformed position names the field; the OpenAPI document describes the parameter on reads', async () => {
    const bad = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/buckets?after=yesterday`, headers: bearer(operator) });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ errors: { path: string }[] }>().errors).toEqual([expect.objectContaining({ path: 'query.after' })]);
    const document = (await app.api.inject({ method: 'GET', url: '/docs' })).json<{ paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>> }>();
    expect(document.paths['/accounts/{accountId}/buckets']!.get!.parameters).toContainEqual(expect.objectContaining({ name: 'after', in: 'query' }));
    expect(document.paths['/accounts/{accountId}/buckets']!.post!.parameters ?? []).not.toContainEqual(expect.objectContaining({ name: 'after' }));
  });
});
