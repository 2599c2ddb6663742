import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERMISSIONS } from '../../src/domain/access/permissions.ts';
import { startTestApp } from '../support/app.ts';

type App = Awaited<ReturnType<typeof startTestApp>>;
let app: App;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.close());

describe("the portal's permissions module", () => {
  it('is written from the table the API decides by, and answers can(role, permission) as the API does', async () => {
    const served = await app.api.inject({ method: 'GET', url: '/portal/js/permissions.js' });
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-type']).toMatch(/^text\/javascript/);
    const portal = (await import(`data:text/javascript;base64,${Buffer.from(served.body).toString('base64')}`)) as {
      PERMISSIONS: Record<string, readonly string[]>;
      can(role: string | null, permission: string): boolean;
    };
    expect(portal.PERMISSIONS).toEqual(PERMISSIONS);
    expect(portal.can('developer', 'keys:manage')).toBe(true);
    expect(portal.can('read-only', 'keys:manage')).toBe(false);
    expect(portal.can(null, 'account:read')).toBe(false);
  });
});
