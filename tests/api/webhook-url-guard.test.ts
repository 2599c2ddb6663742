import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, openTestAccount } from '../support/api-requests.ts';
import { startClockedApp, type ClockedApp } from '../support/clocked-app.ts';

/**
 * A webhook can never be pointed at the platform's own network: refused when it is
 * registered (not only when a message is sent), whether the URL names an internal address
 * or a name that resolves to one. Refused means untouched: no event, no row, no sealed key.
 * WEBHOOK_ALLOW_LOOPBACK is off here (the default); the resolver stands in for DNS.
 */
const RESOLVES: Record<string, readonly string[]> = {
  'hooks.public.test': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
  'hooks.sneaky.test': ['93.184.215.14', '10.20.30.40'],
  'metadata.sneaky.test': ['169.254.169.254'],
  'loop.sneaky.test': ['::1'],
  'mapped.sneaky.test': ['::ffff:192.168.1.7'],
};
const lookedUp: string[] = [];

let app: ClockedApp;
let operator: string;

beforeAll(async () => {
  app = await startClockedApp('2026-06-10T12:00:00.000Z', {}, {
    resolveHost: async (host) => {
      lookedUp.push(host);
      return RESOLVES[host] ?? null;
    },
  });
  operator = await app.tokenFor({ kind: 'operator' });
});
afterAll(async () => {
  await app?.close();
});

async function openAccount(slug: string): Promise<string> {
  return (await openTestAccount(app, operator, slug)).accountId;
}

const register = (accountId: string, url: string) =>
  app.api.inject({ method: 'POST', url: `/accounts/${accountId}/webhooks`, headers: bearer(operator), payload: { url, kinds: ['invoice.paid'] } });

const untouched = async (accountId: string) => {
  const stream = await app.infrastructure.eventStore.readStream(`webhooks-${accountId}`);
  await app.runner.catchUp();
  const rows = await app.infrastructure.readModels.selectFrom('webhooks' as never).selectAll().where('account_id' as never, '=', accountId as never).execute();
  return { events: stream.length, rows: rows.length };
};

describe('webhook endpoints inside the platform are refused when registered', () => {
  it('every class of internal address written in the URL: 400 webhook_url_internal naming body.url, nothing recorded', async () => {
    const accountId = await openAccount('guarded-co');
    const keysBefore = (await app.infrastructure.readModels.selectFrom('sealing_keys' as never).selectAll().execute()).length;
    const internal: Record<string, string> = {
      'private 10/8': 'https://10.0.0.1/hooks',
      'private 172.16/12': 'https://172.16.5.4/hooks',
      'private 192.168/16': 'https://192.168.0.10:8443/hooks',
      'cloud metadata (link-local)': 'https://169.254.169.254/latest/meta-data',
      'loopback without the flag': 'https://127.0.0.1/hooks',
      'loopback, other spelling': 'https://127.1/hooks',
      'loopback as a number': 'https://2130706433/hooks',
      'carrier-grade NAT': 'https://100.64.0.1/hooks',
      multicast: 'https://224.0.0.1/hooks',
      unspecified: 'https://0.0.0.0/hooks',
      'IPv6 loopback': 'https://[::1]/hooks',
      'IPv6 unspecified': 'https://[::]/hooks',
      'IPv6 unique-local': 'https://[fd12:3456::1]/hooks',
      'IPv6 link-local': 'https://[fe80::1]/hooks',
      'IPv6 multicast': 'https://[ff02::1]/hooks',
      'IPv4-mapped private': 'https://[::ffff:10.0.0.1]/hooks',
      'IPv4-mapped metadata': 'https://[::ffff:a9fe:a9fe]/hooks',
      'NAT64 loopback': 'https://[64:ff9b::7f00:1]/hooks',
      localhost: 'https://localhost/hooks',
      'localhost, upper case with the root dot': 'https://LOCALHOST./hooks',
      'a localhost subdomain': 'https://api.localhost:8443/hooks',
    };
    for (const [why, url] of Object.entries(internal)) {
      const refused = await register(accountId, url);
      expect(refused.statusCode, `${why}: ${refused.body}`).toBe(400);
      const problem = refused.json<{ code: string; errors: { path: string; message: string }[] }>();
      expect(problem.code, why).toBe('webhook_url_internal');
      expect(problem.errors, why).toEqual([{ path: 'body.url', message: expect.stringMatching(/^is an? (internal|loopback) address \(.+\): a webhook must be reachable on the internet/) }]);
    }
    // a literal is judged as written, never looked up
    expect(lookedUp).toEqual([]);
    expect(await untouched(accountId)).toEqual({ events: 0, rows: 0 });
    expect(await app.infrastructure.readModels.selectFrom('sealing_keys' as never).selectAll().execute()).toHaveLength(keysBefore);
  });

  it('a name is resolved and judged by every address it has; one internal address refuses it', async () => {
    const accountId = await openAccount('resolved-co');
    for (const [host, address] of [
      ['hooks.sneaky.test', '10.20.30.40'],
      ['metadata.sneaky.test', '169.254.169.254'],
      ['loop.sneaky.test', '::1'],
      ['mapped.sneaky.test', '::ffff:192.168.1.7'],
    ] as const) {
      const refused = await register(accountId, `https://${host}/in`);
      expect(refused.statusCode, `${host}: ${refused.body}`).toBe(400);
      const problem = refused.json<{ code: string; errors: { path: string; message: string }[] }>();
      expect(problem.code).toBe('webhook_url_internal');
      expect(problem.errors).toEqual([{ path: 'body.url', message: `resolves to an internal address (${address}): a webhook must be reachable on the internet` }]);
    }
    expect(lookedUp).toEqual(['hooks.sneaky.test', 'metadata.sneaky.test', 'loop.sneaky.test', 'mapped.sneaky.test']);
    expect(await untouched(accountId)).toEqual({ events: 0, rows: 0 });

    // Public addresses only: registered. A name the resolver has no answer for is let through
    // (the sender resolves and judges it again before every try).
    for (const url of ['https://hooks.public.test/in', 'https://hooks.unknown.test/in', 'https://93.184.215.14/in', 'https://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/in']) {
      const registered = await register(accountId, url);
      expect(registered.statusCode, `${url}: ${registered.body}`).toBe(201);
    }
    expect(await untouched(accountId)).toEqual({ events: 4, rows: 4 });
  });

  it('other refusals keep their own code: plain HTTP, and bad kinds beside a good URL, are validation_failed', async () => {
    const accountId = await openAccount('plain-co');
    const plain = await register(accountId, 'http://127.0.0.1:8080/in');
    expect(plain.statusCode).toBe(400);
    expect(plain.json<{ code: string; errors: { message: string }[] }>()).toMatchObject({ code: 'validation_failed', errors: [{ message: expect.stringMatching(/loopback during development/) }] });
    // a URL refused as internal and a bad kind: both named, under the URL's code
    const both = await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/webhooks`, headers: bearer(operator), payload: { url: 'https://10.1.1.1/in', kinds: ['invoice.paid', 'invoice.paid'] } });
    expect(both.statusCode).toBe(400);
    expect(both.json<{ code: string; errors: { path: string }[] }>()).toMatchObject({ code: 'webhook_url_internal', errors: [{ path: 'body.url' }, { path: 'body.kinds[1]' }] });
    expect(await untouched(accountId)).toEqual({ events: 0, rows: 0 });
  });
});
