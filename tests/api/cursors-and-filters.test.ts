import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../support/app.ts';
import { bearer } from '../support/api-requests.ts';

type App = Awaited<ReturnType<typeof startTestApp>>;
let app: App;
let operator: string;
let accountId: string;

const cursorOf = (key: unknown) => Buffer.from(JSON.stringify(key)).toString('base64url');

beforeAll(async () => {
  app = await startTestApp();
  operator = await app.tokenFor({ kind: 'operator' });
  const opened = await app.api.inject({
    method: 'POST',
    url: '/accounts',
    headers: bearer(operator),
    payload: { name: 'Cursor Co', slug: 'cursor-co', billingEmail: 'billing@cursor.co', document: '529.982.247-25' },
  });
  accountId = opened.json<{ accountId: string }>().accountId;
  await app.runner.catchUp();
});
afterAll(async () => {
  await app.close();
});

const get = (url: string) => app.api.inject({ method: 'GET', url, headers: bearer(operator) });

/** Every list route, with a cursor it really hands out, to forge variants of. */
const lists = () => [
  { url: `/accounts/${accountId}/members`, real: ['owner@cursor.co', randomUUID()] },
  { url: `/accounts/${accountId}/invitations`, real: ['2026-01-01T00:00:00.000Z', randomUUID()] },
  { url: `/accounts/${accountId}/api-tokens`, real: ['2026-01-01T00:00:00.000Z', randomUUID().replaceAll('-', '')] },
  { url: `/accounts/${accountId}/access-keys`, real: ['2026-01-01T00:00:00.000Z', randomUUID()] },
  { url: `/accounts/${accountId}/buckets`, real: ['2026-01-01T00:00:00.000Z', randomUUID()] },
  { url: `/accounts/${accountId}/quota/requests`, real: ['2026-01-01T00:00:00.000Z', randomUUID()] },
  { url: `/accounts/${accountId}/notifications`, real: ['2026-01-01T00:00:00.000Z', randomUUID()] },
  { url: `/accounts/${accountId}/payments`, real: ['2026-01-01T00:00:00.000Z', randomUUID()] },
  { url: `/accounts/${accountId}/credit-notes`, real: ['2026-01-01T00:00:00.000Z', randomUUID()] },
  { url: `/accounts/${accountId}/invoices`, real: ['2026-01'] },
  { url: `/accounts/${accountId}/audit-log`, real: ['00000000000000000001/0000000000000000001'] },
  { url: '/plans', real: ['basic-plan'] },
];

describe('cursors are parsed strictly', () => {
  it('a well-formed cursor of each list is accepted', async () => {
    for (const { url, real } of lists()) {
      const response = await get(`${url}?cursor=${cursorOf(real)}`);
      expect(response.statusCode, `${url} ${response.body}`).toBe(200);
    }
  });

  it('forged ones (year -271821, 1e308, 2^64, NUL, wrong shape, not base64 JSON) are 400 invalid_cursor', async () => {
    for (const { url, real } of lists()) {
      const forgeries = [
        real.map((part, i) => (i === 0 ? '-271821-04-20T00:00:00.000Z' : part)),
        real.map((part, i) => (i === 0 ? '+275760-09-13T00:00:00.000Z' : part)),
        real.map((part, i) => (i === 0 ? 1e308 : part)),
        real.map((part, i) => (i === 0 ? 2 ** 64 : part)),
        ...(url === '/plans' ? [] : [real.map((part, i) => (i === 0 ? '18446744073709551616' : part))]),
        real.map((part) => `${part}\u0000`),
        real.map((part, i) => (i === real.length - 1 ? '\ud800' : part)),
        [...real, 'extra'],
        { after: real },
        null,
      ];
      for (const forged of forgeries) {
        const response = await get(`${url}?cursor=${cursorOf(forged)}`);
        expect(response.statusCode, `${url} ${JSON.stringify(forged)} ${response.body}`).toBe(400);
        expect(response.json()).toMatchObject({ code: 'invalid_cursor', errors: [{ path: 'query.cursor' }] });
      }
      const garbage = await get(`${url}?cursor=not-base64-json`);
      expect(garbage.json(), url).toMatchObject({ code: 'invalid_cursor' });
    }
  });
});

describe('query filters reach PostgreSQL only when they are valid', () => {
  it('NUL or another control character in a query value: 400 naming it', async () => {
    for (const query of ['actor=a%00b', 'resourceId=%07', 'type=Account%00Opened', 'resourceType=%C2%85']) {
      const response = await get(`/accounts/${accountId}/audit-log?${query}`);
      expect(response.statusCode, `${query} ${response.body}`).toBe(400);
      expect(response.json()).toMatchObject({ code: 'validation_failed', errors: [{ path: `query.${query.split('=')[0]}` }] });
    }
  });

  it('instants PostgreSQL cannot hold: 400 naming the filter', async () => {
    for (const from of ['0000-01-01T00:00:00Z', '-271821-04-20T00:00:00Z', '+275760-09-13T00:00:00Z']) {
      const response = await get(`/accounts/${accountId}/audit-log?from=${encodeURIComponent(from)}`);
      expect(response.statusCode, `${from} ${response.body}`).toBe(400);
      expect(response.json(), response.body).toMatchObject({ code: 'validation_failed', errors: [{ path: 'query.from' }] });
    }
    const fine = await get(`/accounts/${accountId}/audit-log?from=${encodeURIComponent('2026-01-01T00:00:00-03:00')}`);
    expect(fine.statusCode, fine.body).toBe(200);
  });

  it('a limit of 1e308 or 2^64 is 400, not a database error', async () => {
    for (const limit of ['1e308', '18446744073709551616', 'Infinity', '-1', '1.5']) {
      const response = await get(`/accounts/${accountId}/members?limit=${limit}`);
      expect(response.statusCode, `${limit} ${response.body}`).toBe(400);
      expect(response.json()).toMatchObject({ errors: [{ path: 'query.limit' }] });
    }
  });
});
