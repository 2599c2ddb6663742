import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueApiToken } from '../../src/commands/api-token-commands.ts';
import { createMemberCommands } from '../../src/commands/member-commands.ts';
import { loadConfig } from '../../src/config.ts';
import type { EventStore } from '../../src/ports/event-store.ts';
import { compose, type Application } from '../../src/main.ts';
import { createTestDatabase } from '../support/database.ts';
import { testContext } from '../support/app.ts';
import { bearer, openTestAccount } from '../support/api-requests.ts';

/**
 * A refused request leaves nothing: no event in any stream. The clock starts at the real time
 * and can be moved forward, so an invitation can expire without a fixed date.
 */
let app: Application;
let operator: string;
let offsetMs = 0;

beforeAll(async () => {
  const url = await createTestDatabase('refused');
  app = await compose(loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent', PLATFORM_KEY: randomBytes(32).toString('base64') }), {
    httpLogs: false,
    clock: () => new Date(Date.now() + offsetMs),
  });
  operator = (await issueApiToken(app.infrastructure.eventStore, { name: 'ops', scope: { kind: 'operator' } }, testContext())).token;
});
afterAll(async () => {
  await app.close();
});

const eventCount = async () => (await app.infrastructure.eventStore.readAll()).length;

const openAccount = async (slug: string) => (await openTestAccount(app, operator, slug)).accountId;

async function invite(accountId: string, email: string) {
  const invited = await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/invitations`, headers: bearer(operator), payload: { email, role: 'developer' } });
  expect(invited.statusCode, invited.body).toBe(201);
  return invited.json<{ invitationToken: string }>().invitationToken;
}

const accept = (token: string) => app.api.inject({ method: 'POST', url: '/invitations/accept', payload: { token } });

/** The answer, and how many events the request left behind. */
async function countingEvents<R>(request: () => Promise<R>) {
  const before = await eventCount();
  const response = await request();
  return { response, appended: (await eventCount()) - before };
}

describe('POST /invitations/accept records nothing it refuses', () => {
  it('a forged secret naming a known account and invitation: 404, no event', async () => {
    const accountId = await openAccount('forged-co');
    const real = await invite(accountId, 'dev@forged.co');
    const forged = `${real.slice(0, real.lastIndexOf('_') + 1)}${randomBytes(32).toString('base64url')}`;
    const { response, appended } = await countingEvents(() => accept(forged));
    expect(response.statusCode, response.body).toBe(404);
    expect(response.json()).toMatchObject({ code: 'invitation_not_found' });
    expect(appended).toBe(0);
  });

  it('an unknown account: 404, no event', async () => {
    const token = `cpi_${randomBytes(16).toString('hex')}${randomBytes(16).toString('hex')}_${randomBytes(32).toString('base64url')}`;
    const { response, appended } = await countingEvents(() => accept(token));
    expect(response.statusCode, response.body).toBe(404);
    expect(appended).toBe(0);
  });

  it('a used invitation: 409, no event, and the account lists only the first token', async () => {
    const accountId = await openAccount('used-co');
    const token = await invite(accountId, 'dev@used.co');
    const first = await accept(token);
    expect(first.statusCode, first.body).toBe(201);
    const { response, appended } = await countingEvents(() => accept(token));
    expect(response.statusCode, response.body).toBe(409);
    expect(response.json()).toMatchObject({ code: 'invitation_used' });
    expect(appended).toBe(0);
    await app.runner.catchUp();
    const tokens = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/api-tokens`, headers: bearer(operator) });
    expect(tokens.json<{ items: unknown[] }>().items).toHaveLength(1);
  });

  it('an expired invitation: 409, no event', async () => {
    const accountId = await openAccount('expired-co');
    const token = await invite(accountId, 'dev@expired.co');
    offsetMs = 8 * 86_400_000;
    try {
      const { response, appended } = await countingEvents(() => accept(token));
      expect(response.statusCode, response.body).toBe(409);
      expect(response.json()).toMatchObject({ code: 'invitation_expired' });
      expect(appended).toBe(0);
    } finally {
      offsetMs = 0;
    }
  });

  it('the accepted member gets a token that works, and accepting records the acceptance and the token only', async () => {
    const accountId = await openAccount('valid-co');
    const token = await invite(accountId, 'dev@valid.co');
    const { response, appended } = await countingEvents(() => accept(token));
    expect(response.statusCode, response.body).toBe(201);
    expect(appended).toBe(2);
    const member = response.json<{ token: string; memberId: string }>();
    await app.runner.catchUp();
    const read = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}`, headers: bearer(member.token) });
    expect(read.statusCode).toBe(200);
  });
});

describe('an acceptance that failed half-way', () => {
  it('is completed by its retry: the member gets the token the failure withheld, once', async () => {
    const accountId = await openAccount('retry-co');
    const token = await invite(accountId, 'dev@retry.co');
    const store = app.infrastructure.eventStore;
    let failTokens = true;
    const append: EventStore['append'] = (stream, events, options) =>
      failTokens && stream.startsWith('apitoken-') ? Promise.reject(new Error('connection lost')) : store.append(stream, events, options);
    const flaky = new Proxy(store, {
      get: (target, name) => (name === 'append' ? append : (Reflect.get(target, name, target) as unknown)),
    });
    const members = createMemberCommands(flaky, app.infrastructure.secrets);
    await expect(members.accept(token, 'first token', testContext({ occurredAt: new Date().toISOString() }))).rejects.toThrow('connection lost');
    failTokens = false;
    const retried = await members.accept(token, 'first token', testContext({ occurredAt: new Date().toISOString() }));
    await app.runner.catchUp();
    const read = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}`, headers: bearer(retried.apiToken.token) });
    expect(read.statusCode, read.body).toBe(200);
    const third = await countingEvents(() => accept(token));
    expect(third.response.statusCode).toBe(409);
    expect(third.appended).toBe(0);
  });
});

describe('no command appends part of its work before a step that can still fail', () => {
  it('POST /accounts refused on its name leaves its slug free', async () => {
    const bad = { name: 'a\u0000b', slug: 'nul-co', billingEmail: 'billing@nul.co', document: '529.982.247-25' };
    const { response, appended } = await countingEvents(() => app.api.inject({ method: 'POST', url: '/accounts', headers: bearer(operator), payload: bad }));
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json()).toMatchObject({ code: 'validation_failed', errors: [expect.objectContaining({ path: 'body.name' })] });
    expect(appended).toBe(0);
    const good = await app.api.inject({ method: 'POST', url: '/accounts', headers: bearer(operator), payload: { ...bad, name: 'NUL Co' } });
    expect(good.statusCode, good.body).toBe(201);
  });
});
