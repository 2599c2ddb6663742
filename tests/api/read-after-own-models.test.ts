import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../support/api-requests.ts';
import { startTestApp } from '../support/app.ts';

/**
 * `?after=` waits only for the read models the route reads: a read model behind that the
 * route does not read (here the audit log, the members) does not hold the answer back.
 * The runner is not started; the test catches up exactly the read models it chooses.
 */
type App = Awaited<ReturnType<typeof startTestApp>>;
let app: App;
let operator: string;
beforeAll(async () => {
  app = await startTestApp({ READ_AFTER_WAIT_MS: '1500' });
  operator = await app.tokenFor({ kind: 'operator' });
});
afterAll(async () => app?.close());

describe('?after= waits for the route’s own read models', () => {
  it('an account read after its opening waits for the accounts read model alone', async () => {
    const opened = await app.api.inject({ method: 'POST', url: '/accounts', headers: bearer(operator), payload: { name: 'own-co', slug: 'own-co', billingEmail: 'a@own.example', document: '11.222.333/0001-81' } });
    expect(opened.statusCode, opened.body).toBe(201);
    const accountId = opened.json<{ accountId: string }>().accountId;
    const position = encodeURIComponent(opened.headers['event-position'] as string);
    await app.runner.catchUp(['accounts']);
    const behind = (await app.runner.status()).filter((p) => p.lag > 0n).map((p) => p.projection);
    // the opening is an event the audit log and the members read models have not applied
    expect(behind).toEqual(expect.arrayContaining(['audit-log', 'members']));

    const account = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}?after=${position}`, headers: bearer(operator) });
    expect(account.statusCode, account.body).toBe(200);
    // a route that reads one of those behind still waits for it, and says which
    const members = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/members?after=${position}`, headers: bearer(operator) });
    expect(members.statusCode).toBe(409);
    expect(members.json<{ code: string; detail: string }>()).toMatchObject({ code: 'read_model_behind', detail: expect.stringContaining('the members read model has not reached') });
  });
});
