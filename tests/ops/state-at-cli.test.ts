import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { issueApiToken } from '../../src/commands/api-token-commands.ts';
import { loadConfig } from '../../src/config.ts';
import { compose, type Application } from '../../src/main.ts';
import { bearer } from '../support/api-requests.ts';
import { testContext } from '../support/app.ts';
import { createTestDatabase } from '../support/database.ts';
import { runOps } from '../support/ops-cli.ts';

// Each call starts the ops CLI as a process (tsx compiles on every start): slow on a busy machine.
vi.setConfig({ testTimeout: 180_000 });

const platformKey = randomBytes(32).toString('base64');
let databaseUrl: string;
let app: Application;
let token: string;
let accountId: string;

// The CLI runs on the machine's clock, so the history is written some days before it, whatever the date.
const HOUR = 3_600_000;
const anchor = Math.floor(Date.now() / HOUR) * HOUR - 10 * 24 * HOUR;
const at = (hours: number) => new Date(anchor + hours * HOUR).toISOString();
let now = at(0);

const ops = (...args: string[]) => runOps({ ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent', PLATFORM_KEY: platformKey }, ...args);

async function call(method: 'GET' | 'POST', url: string, payload?: Record<string, unknown>) {
  const response = await app.api.inject({ method, url, headers: bearer(token), ...(payload ? { payload } : {}) });
  expect(response.statusCode, `${method} ${url}: ${response.body}`).toBeLessThan(300);
  return response.json<Record<string, unknown>>();
}

beforeAll(async () => {
  databaseUrl = await createTestDatabase('stateat');
  app = await compose(loadConfig({ DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent', PLATFORM_KEY: platformKey }), { httpLogs: false, clock: () => new Date(now) });
  ({ token } = await issueApiToken(app.infrastructure.eventStore, { name: 'ops', scope: { kind: 'operator' } }, testContext({ occurredAt: now })));
  now = at(1);
  ({ accountId } = (await call('POST', '/accounts', { name: 'Acme Ops', slug: 'stateat-ops', billingEmail: 'billing@stateat-ops.com.br', document: '529.982.247-25' })) as { accountId: string });
  now = at(2);
  await call('POST', `/accounts/${accountId}/buckets`, { name: 'stateat-ops-data' });
  now = at(3);
  await call('POST', `/accounts/${accountId}/access-keys`, { name: 'backup', buckets: 'all', permission: 'read' });
  now = at(4);
  await call('POST', `/accounts/${accountId}/suspend`, { reason: 'audit' });
});
afterAll(async () => {
  await app?.close();
});

describe('ops state-at', () => {
  it('prints the account and what hangs off it as recorded at the instant, as the API answers asOf', async () => {
    // between the bucket and the key, written at São Paulo's offset
    const instant = new Date(anchor + 2.5 * HOUR - 3 * HOUR).toISOString().replace('Z', '-03:00');
    const printed = await ops('state-at', accountId, instant);
    expect(printed.code, printed.stderr).toBe(0);
    const state = JSON.parse(printed.stdout) as Record<string, unknown>;
    const get = (url: string) => call('GET', `${url}${url.includes('?') ? '&' : '?'}asOf=${encodeURIComponent(instant)}`);
    const base = `/accounts/${accountId}`;
    expect(state).toEqual({
      asOf: at(2.5),
      account: await get(base),
      members: (await get(`${base}/members`)).items,
      buckets: (await get(`${base}/buckets`)).items,
      accessKeys: [],
      subscription: await get(`${base}/subscription`),
      balance: await get(`${base}/balance`),
    });
    expect(state).toMatchObject({
      account: { status: 'active', name: 'Acme Ops' },
      members: [{ email: 'billing@stateat-ops.com.br', role: 'owner' }],
      buckets: [{ name: 'stateat-ops-data', status: 'requested' }],
      subscription: { planId: null, history: [] },
      balance: { openInvoices: [], amountDue: '0.00', creditAvailable: '0.00' },
    });
  });

  it('exits 2 with the reason for an account not opened yet, a bad or future instant, or missing arguments', async () => {
    const before = await ops('state-at', accountId, at(0.5));
    expect(before.code).toBe(2);
    expect(before.stderr).toContain(`account ${accountId} does not exist`);

    const malformed = await ops('state-at', accountId, 'yesterday');
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('"yesterday" is not an ISO 8601 instant with an offset');

    const future = await ops('state-at', accountId, '9999-01-01T00:00:00Z');
    expect(future.code).toBe(2);
    expect(future.stderr).toContain('asOf: must not be later than now');

    const missing = await ops('state-at', accountId);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('state-at needs an account id and an instant');
  });
});
