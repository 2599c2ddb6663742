import { describe, expect, it } from 'vitest';
import { startTestApp } from '../support/app.ts';
import { bearer } from '../support/api-requests.ts';

/**
 * The service as `npm start` runs it: every projection and reactor live at once, each
 * subscribed to the log. They share one LISTEN connection, so the pool (20) still answers
 * requests; a connection per subscriber once took the whole pool and every request hung.
 */
describe('the service with all its workers running', () => {
  it('answers health and reads while every projection and reactor is live', async () => {
    const app = await startTestApp();
    try {
      app.runner.start();
      app.reactors.start();
      await new Promise((resolve) => setTimeout(resolve, 500));
      const health = await app.api.inject({ method: 'GET', url: '/health' });
      expect(health.json()).toMatchObject({ status: 'ok', checks: { postgres: { status: 'ok' }, eventStore: { status: 'ok' } } });
      const operator = await app.tokenFor({ kind: 'operator' });
      const opened = await app.api.inject({
        method: 'POST',
        url: '/accounts',
        headers: bearer(operator),
        payload: { name: 'Live', slug: 'live-co', billingEmail: 'f@live.co', document: '11.222.333/0001-81' },
      });
      expect(opened.statusCode, opened.body).toBe(201);
      const { accountId } = opened.json<{ accountId: string }>();
      // the live accounts projection picks the account up on its own
      let status = 0;
      for (let i = 0; i < 100 && status !== 200; i++) {
        status = (await app.api.inject({ method: 'GET', url: `/accounts/${accountId}`, headers: bearer(operator) })).statusCode;
        if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(status).toBe(200);
    } finally {
      await app.close();
    }
  });
});
