import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PostgresEventStore } from '../../src/adapters/event-store/postgres-event-store.ts';
import { createPool } from '../../src/adapters/postgres/database.ts';
import { revokeApiToken } from '../../src/commands/api-token-commands.ts';
import { startTestApp, testContext } from '../support/app.ts';
import { bearer, openTestAccount } from '../support/api-requests.ts';

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

const tokenIdOf = (token: string) => token.split('_')[1]!;

const openAccount = async (slug: string) => (await openTestAccount(app, operator, slug, { name: slug, billingEmail: `b@${slug}.co` })).accountId;

/** The owner's own token: a member token, whose role is read from the account. */
async function ownerToken(accountId: string) {
  await app.runner.catchUp();
  const listed = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/members`, headers: bearer(operator) });
  const owner = listed.json<{ items: { memberId: string; role: string }[] }>().items.find((m) => m.role === 'owner')!;
  const created = await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/api-tokens`, headers: bearer(operator), payload: { name: 'laptop', memberId: owner.memberId } });
  expect(created.statusCode, created.body).toBe(201);
  return created.json<{ token: string }>().token;
}

const statusOf = async (accountId: string, token: string) => (await app.api.inject({ method: 'GET', url: `/accounts/${accountId}`, headers: bearer(token) })).statusCode;

describe('token authentication, cached and kept current by the log', () => {
  it('a token used again and again reads its stream and its account once, not per request', async () => {
    const accountId = await openAccount('cached-co');
    const token = await ownerToken(accountId);
    const reads = vi.spyOn(app.infrastructure.eventStore, 'readStream');
    const tokenReads = () => reads.mock.calls.filter(([stream]) => stream === `apitoken-${tokenIdOf(token)}` || stream === `account-${accountId}`).length;
    try {
      // the first request after start-up may come before the cache follows the log
      await vi.waitFor(async () => {
        reads.mockClear();
        expect(await statusOf(accountId, token)).toBe(200);
        expect(tokenReads()).toBe(0);
      });
      reads.mockClear();
      for (let i = 0; i < 20; i++) expect(await statusOf(accountId, token)).toBe(200);
      expect(tokenReads()).toBe(0);
    } finally {
      reads.mockRestore();
    }
  });

  it('a token revoked through the API is refused on the very next request', async () => {
    const accountId = await openAccount('revoked-co');
    const token = await ownerToken(accountId);
    for (let i = 0; i < 3; i++) expect(await statusOf(accountId, token)).toBe(200);
    const revoked = await app.api.inject({ method: 'DELETE', url: `/accounts/${accountId}/api-tokens/${tokenIdOf(token)}`, headers: bearer(token) });
    expect(revoked.statusCode, revoked.body).toBe(204);
    expect(await statusOf(accountId, token)).toBe(401);
  });

  it('a token revoked by this process outside the API (ops, a reactor) is refused on the very next request', async () => {
    const accountId = await openAccount('ops-revoked-co');
    const token = await ownerToken(accountId);
    expect(await statusOf(accountId, token)).toBe(200);
    await revokeApiToken(app.infrastructure.eventStore, tokenIdOf(token), testContext());
    expect(await statusOf(accountId, token)).toBe(401);
  });

  it('a member removed loses access on the very next request, though the token was cached', async () => {
    const accountId = await openAccount('removed-co');
    const owner = await ownerToken(accountId);
    const invited = await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/invitations`, headers: bearer(owner), payload: { email: 'dev@removed-co.co', role: 'developer' } });
    expect(invited.statusCode, invited.body).toBe(201);
    const accepted = await app.api.inject({ method: 'POST', url: '/invitations/accept', payload: { token: invited.json<{ invitationToken: string }>().invitationToken } });
    const dev = accepted.json<{ memberId: string; token: string }>();
    for (let i = 0; i < 3; i++) expect(await statusOf(accountId, dev.token)).toBe(200);
    const removed = await app.api.inject({ method: 'DELETE', url: `/accounts/${accountId}/members/${dev.memberId}`, headers: bearer(owner) });
    expect(removed.statusCode, removed.body).toBeLessThan(300);
    expect(await statusOf(accountId, dev.token)).toBe(401);
  });

  it('a token revoked by another process (its own connection to the store) is refused as soon as the log delivers it', async () => {
    const accountId = await openAccount('elsewhere-co');
    const token = await ownerToken(accountId);
    for (let i = 0; i < 3; i++) expect(await statusOf(accountId, token)).toBe(200);
    const pool = createPool(app.config.databaseUrl!, 2);
    const elsewhere = new PostgresEventStore(pool);
    try {
      await revokeApiToken(elsewhere, tokenIdOf(token), testContext());
      // delivered by the subscription (LISTEN/NOTIFY, a 200 ms poll at worst); never a stale answer after that
      await vi.waitFor(async () => expect(await statusOf(accountId, token)).toBe(401), { timeout: 2_000, interval: 5 });
      for (let i = 0; i < 5; i++) expect(await statusOf(accountId, token)).toBe(401);
    } finally {
      await elsewhere.close();
      await pool.end().catch(() => undefined);
    }
  });

  it('a wrong secret for a cached token id is refused', async () => {
    const accountId = await openAccount('forged-co');
    const token = await ownerToken(accountId);
    expect(await statusOf(accountId, token)).toBe(200);
    const forged = `${token.slice(0, -4)}${token.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    expect(await statusOf(accountId, forged)).toBe(401);
    expect(await statusOf(accountId, token)).toBe(200);
  });
});
