import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../support/app.ts';
import { bearer } from '../support/api-requests.ts';

/**
 * What a portal shows next to a field: one sentence per failing rule, in words, at the field's
 * full path (`body.<field>`, `query.<field>`, `params.<field>`), never the library's own text.
 */
type App = Awaited<ReturnType<typeof startTestApp>>;
let app: App;
let operator: string;
let accountId: string;

type Problem = { code: string; errors: { path: string; message: string }[] };

beforeAll(async () => {
  app = await startTestApp();
  operator = await app.tokenFor({ kind: 'operator' });
  const opened = await app.api.inject({
    method: 'POST',
    url: '/accounts',
    headers: bearer(operator),
    payload: { name: 'Words Co', slug: 'words-co', billingEmail: 'billing@words.co', document: '529.982.247-25' },
  });
  accountId = opened.json<{ accountId: string }>().accountId;
  await app.runner.catchUp();
});
afterAll(async () => {
  await app.close();
});

async function errorsOf(method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) {
  const response = await app.api.inject({ method, url, headers: bearer(operator), ...(payload === undefined ? {} : { payload: payload as object }) });
  expect(response.statusCode, response.body).toBe(400);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  return response.json<Problem>().errors;
}

describe('validation messages', () => {
  it('a missing field is "is required", a wrong type says what to send', async () => {
    expect(await errorsOf('POST', `/accounts/${accountId}/quota/requests`, { requestedGiB: 'lots' })).toEqual([
      { path: 'body.requestedGiB', message: 'must be a number' },
      { path: 'body.reason', message: 'is required' },
    ]);
  });

  it('bounds in words, one per rule: a limit of 2^64 is "at most 200", not also the safe-integer bound', async () => {
    expect(await errorsOf('GET', '/plans?limit=18446744073709551616')).toEqual([{ path: 'query.limit', message: 'must be at most 200' }]);
    expect(await errorsOf('GET', '/plans?limit=0')).toEqual([{ path: 'query.limit', message: 'must be at least 1' }]);
    expect(await errorsOf('GET', '/plans?limit=1.5')).toEqual([{ path: 'query.limit', message: 'must be a whole number' }]);
    expect(await errorsOf('POST', `/accounts/${accountId}/quota/requests`, { requestedGiB: 500, reason: 'x'.repeat(501) })).toEqual([
      { path: 'body.reason', message: 'must be at most 500 characters long' },
    ]);
    expect(await errorsOf('POST', `/accounts/${accountId}/quota/requests`, { requestedGiB: 500, reason: '   ' })).toEqual([
      { path: 'body.reason', message: 'must not be empty' },
    ]);
  });

  it('formats and choices in words', async () => {
    const invite = await errorsOf('POST', `/accounts/${accountId}/invitations`, { email: 'not-an-email', role: 'owner' });
    expect(invite).toEqual([
      { path: 'body.email', message: 'must be an email address' },
      { path: 'body.role', message: 'must be one of "admin", "billing", "developer", "read-only"' },
    ]);
    expect(await errorsOf('GET', `/accounts/${accountId}/audit-log?from=yesterday`)).toEqual([
      { path: 'query.from', message: 'must be an ISO 8601 instant with its offset, e.g. 2026-03-01T12:00:00-03:00' },
    ]);
    expect(await errorsOf('GET', '/accounts/not-a-uuid')).toEqual([{ path: 'params.accountId', message: 'must be a UUID' }]);
  });

  it('unknown fields are named, each at its full path', async () => {
    expect(await errorsOf('POST', `/accounts/${accountId}/quota/requests`, { requestedGiB: 500, reason: 'growth', extra: 1 })).toEqual([
      { path: 'body.extra', message: 'unknown field' },
    ]);
  });

  it("a rule the domain checks is reported at the same full path as the schema's", async () => {
    expect(await errorsOf('POST', `/accounts/${accountId}/quota/requests`, { requestedGiB: 50, reason: 'smaller' })).toEqual([
      { path: 'body.requestedGiB', message: expect.stringMatching(/^must be more than the current quota/) },
    ]);
  });

  it('no message anywhere is the library text', async () => {
    const samples = [
      await errorsOf('POST', '/accounts', {}),
      await errorsOf('POST', '/accounts', { name: 5, slug: [], billingEmail: null, document: {}, billingDay: 'x', locale: 7 }),
      await errorsOf('PUT', `/accounts/${accountId}/smtp`, { host: 1, port: 'x', secure: 'yes' }),
      await errorsOf('POST', '/usage', { samples: [{}] }),
    ];
    for (const errors of samples) {
      for (const { path, message } of errors) {
        expect(path).toMatch(/^(body|query|params)(\.|$)/);
        expect(message).not.toMatch(/Invalid input|expected \w+, received|Too (small|big)|Invalid (string|option|element)/);
      }
    }
  });
});
