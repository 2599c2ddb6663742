import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/domain/access/permissions.ts';
import { startTestApp } from '../support/app.ts';
import { bearer } from '../support/api-requests.ts';

/**
 * Every route, every role. Written out by hand, independently of the permission table in
 * src/domain/access/permissions.ts, so a route wired to the wrong permission shows here.
 * A route missing from this table fails the test: adding a route means deciding who may call it.
 */
const ALL: Role[] = ['owner', 'admin', 'billing', 'developer', 'read-only'];
const NONE: Role[] = [];
type Row = { public: true } | { operatorOnly: true } | { roles: Role[] };

const MATRIX: Record<string, Row> = {
  'GET /health': { public: true },
  'GET /docs': { public: true },
  'GET /system/leases': { operatorOnly: true },
  'POST /invitations/accept': { public: true },
  'POST /accounts': { operatorOnly: true },
  'POST /usage': { operatorOnly: true },
  'POST /usage/corrections': { operatorOnly: true },
  'GET /accounts': { operatorOnly: true },
  'GET /invoices': { roles: ['owner', 'admin', 'billing', 'read-only'] },
  'GET /invoices/{invoiceId}': { roles: ['owner', 'admin', 'billing', 'read-only'] },
  'GET /operator/queues/quota-requests': { operatorOnly: true },
  'GET /operator/queues/overdue-invoices': { operatorOnly: true },
  'GET /operator/queues/failed-jobs': { operatorOnly: true },

  'GET /accounts/{accountId}': { roles: ALL },
  'PATCH /accounts/{accountId}/billing-profile': { roles: ['owner', 'admin', 'billing'] },
  'POST /accounts/{accountId}/suspend': { roles: NONE },
  'POST /accounts/{accountId}/reactivate': { roles: NONE },
  'POST /accounts/{accountId}/close': { roles: ['owner'] },
  'PUT /accounts/{accountId}/smtp': { roles: ['owner', 'admin'] },
  'DELETE /accounts/{accountId}/smtp': { roles: ['owner', 'admin'] },

  'GET /accounts/{accountId}/members': { roles: ALL },
  'POST /accounts/{accountId}/invitations': { roles: ['owner', 'admin'] },
  'GET /accounts/{accountId}/invitations': { roles: ALL },
  'PUT /accounts/{accountId}/members/{memberId}/role': { roles: ['owner', 'admin'] },
  'DELETE /accounts/{accountId}/members/{memberId}': { roles: ['owner', 'admin'] },
  'POST /accounts/{accountId}/ownership': { roles: ['owner'] },
  'POST /accounts/{accountId}/api-tokens': { roles: ALL },
  'GET /accounts/{accountId}/api-tokens': { roles: ALL },
  'DELETE /accounts/{accountId}/api-tokens/{tokenId}': { roles: ALL },

  'GET /accounts/{accountId}/audit-log': { roles: ALL },

  'GET /accounts/{accountId}/notifications': { roles: ALL },
  'GET /accounts/{accountId}/notifications/unread-count': { roles: ALL },
  'POST /accounts/{accountId}/notifications/read': { roles: ALL },

  'POST /accounts/{accountId}/webhooks': { roles: ['owner', 'admin'] },
  'GET /accounts/{accountId}/webhooks': { roles: ['owner', 'admin'] },
  'DELETE /accounts/{accountId}/webhooks/{webhookId}': { roles: ['owner', 'admin'] },
  'GET /accounts/{accountId}/webhooks/{webhookId}/deliveries': { roles: ['owner', 'admin'] },
  'POST /accounts/{accountId}/webhooks/{webhookId}/deliveries/{deliveryId}/redeliver': { roles: ['owner', 'admin'] },

  'POST /operator/billing-runs': { operatorOnly: true },
  'GET /accounts/{accountId}/usage': { roles: ALL },
  'GET /accounts/{accountId}/usage/daily': { roles: ALL },
  'GET /accounts/{accountId}/invoices': { roles: ['owner', 'admin', 'billing', 'read-only'] },
  'GET /accounts/{accountId}/invoices/{invoiceId}': { roles: ['owner', 'admin', 'billing', 'read-only'] },
  'GET /accounts/{accountId}/invoices/{invoiceId}/explanation': { roles: ['owner', 'admin', 'billing', 'read-only'] },
  'GET /invoices/{invoiceId}/audit': { operatorOnly: true },
  'POST /invoices/{invoiceId}/payments': { operatorOnly: true },
  'POST /invoices/{invoiceId}/credit-notes': { operatorOnly: true },
  'POST /payments/{paymentId}/reversal': { operatorOnly: true },
  'POST /accounts/{accountId}/credit/refunds': { roles: NONE },
  'GET /accounts/{accountId}/credit/movements': { roles: ['owner', 'admin', 'billing', 'read-only'] },
  'GET /accounts/{accountId}/statement': { roles: ['owner', 'admin', 'billing', 'read-only'] },
  'POST /invoices/{invoiceId}/void': { operatorOnly: true },
  'GET /accounts/{accountId}/balance': { roles: ['owner', 'admin', 'billing', 'read-only'] },
  'GET /accounts/{accountId}/payments': { roles: ['owner', 'admin', 'billing', 'read-only'] },
  'GET /accounts/{accountId}/invoices/{invoiceId}/payments': { roles: ['owner', 'admin', 'billing', 'read-only'] },
  'GET /accounts/{accountId}/credit-notes': { roles: ['owner', 'admin', 'billing', 'read-only'] },
  'GET /accounts/{accountId}/invoices/{invoiceId}/credit-notes': { roles: ['owner', 'admin', 'billing', 'read-only'] },
  'POST /operator/dunning-runs': { operatorOnly: true },

  'POST /operator/plans': { operatorOnly: true },
  'POST /operator/plans/{planId}/versions': { operatorOnly: true },
  'GET /plans': { operatorOnly: true },
  'GET /plans/{planId}': { operatorOnly: true },
  'PUT /accounts/{accountId}/subscription': { roles: NONE },
  'GET /accounts/{accountId}/subscription': { roles: ALL },

  'POST /accounts/{accountId}/buckets': { roles: ['owner', 'admin', 'developer'] },
  'GET /accounts/{accountId}/buckets': { roles: ALL },
  'GET /accounts/{accountId}/buckets/{bucketId}': { roles: ALL },
  'PUT /accounts/{accountId}/buckets/{bucketId}/quota': { roles: ['owner', 'admin', 'developer'] },
  'PUT /accounts/{accountId}/buckets/{bucketId}/versioning': { roles: ['owner', 'admin', 'developer'] },
  'PUT /accounts/{accountId}/buckets/{bucketId}/lifecycle': { roles: ['owner', 'admin', 'developer'] },
  'DELETE /accounts/{accountId}/buckets/{bucketId}': { roles: ['owner', 'admin', 'developer'] },
  'POST /accounts/{accountId}/buckets/{bucketId}/provisioned': { roles: NONE },
  'POST /accounts/{accountId}/buckets/{bucketId}/provisioning-failed': { roles: NONE },
  'POST /accounts/{accountId}/buckets/{bucketId}/deleted': { roles: NONE },

  'GET /accounts/{accountId}/quota': { roles: ALL },
  'POST /accounts/{accountId}/quota/requests': { roles: ['owner', 'admin', 'billing'] },
  'GET /accounts/{accountId}/quota/requests': { roles: ALL },
  'POST /accounts/{accountId}/quota/requests/{requestId}/approve': { roles: NONE },
  'POST /accounts/{accountId}/quota/requests/{requestId}/reject': { roles: NONE },

  'POST /accounts/{accountId}/access-keys': { roles: ['owner', 'admin', 'developer'] },
  'GET /accounts/{accountId}/access-keys': { roles: ALL },
  'GET /accounts/{accountId}/access-keys/{keyId}': { roles: ALL },
  'POST /accounts/{accountId}/access-keys/{keyId}/revoke': { roles: ['owner', 'admin', 'developer'] },
  'POST /accounts/{accountId}/access-keys/{keyId}/rotate': { roles: ['owner', 'admin', 'developer'] },
  'POST /accounts/{accountId}/access-keys/{keyId}/provisioned': { roles: NONE },

  'POST /accounts/{accountId}/sftp-user': { roles: ['owner', 'admin', 'developer'] },
  'GET /accounts/{accountId}/sftp-user': { roles: ALL },
  'POST /accounts/{accountId}/sftp-user/reset-password': { roles: ['owner', 'admin', 'developer'] },
  'POST /accounts/{accountId}/sftp-user/disable': { roles: ['owner', 'admin', 'developer'] },
  'PUT /accounts/{accountId}/sftp-user/buckets/{bucketId}': { roles: ['owner', 'admin', 'developer'] },
  'DELETE /accounts/{accountId}/sftp-user/buckets/{bucketId}': { roles: ['owner', 'admin', 'developer'] },
  'POST /accounts/{accountId}/sftp-user/provisioned': { roles: NONE },
};

type App = Awaited<ReturnType<typeof startTestApp>>;
let app: App;
let routes: { method: string; path: string }[];
let accountId: string;
let otherToken: string;
let operator: string;
const tokens = {} as Record<Role, string>;

beforeAll(async () => {
  app = await startTestApp();
  operator = await app.tokenFor({ kind: 'operator' });
  const open = async (slug: string) =>
    (
      await app.api.inject({
        method: 'POST',
        url: '/accounts',
        headers: bearer(operator),
        payload: { name: slug, slug, billingEmail: `b@${slug}.co`, document: '529.982.247-25' },
      })
    ).json<{ accountId: string }>().accountId;
  accountId = await open('matrix-co');
  const otherAccountId = await open('matrix-other');
  for (const role of ALL) tokens[role] = await app.tokenFor({ kind: 'account', accountId, role });
  otherToken = await app.tokenFor({ kind: 'account', accountId: otherAccountId, role: 'owner' });
  await app.runner.catchUp();
  const document = (await app.api.inject({ method: 'GET', url: '/docs' })).json<{ paths: Record<string, object> }>();
  routes = Object.entries(document.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => ({ method: method.toUpperCase(), path })));
});
afterAll(async () => {
  await app.close();
});

/**
 * Ids in the path are fresh random ones and the body carries an unknown field, so a call
 * that gets past authorization ends in 400 or a resource's own 404, never changes anything.
 */
function call(route: { method: string; path: string }, headers: Record<string, string>) {
  const url = route.path.replace('{accountId}', accountId).replace(/\{(\w+)\}/g, (_, name: string) =>
    name === 'tokenId' ? randomUUID().replaceAll('-', '') : randomUUID(),
  );
  return app.api.inject({
    method: route.method as 'GET',
    url,
    headers,
    ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { payload: { matrixProbe: true } }),
  });
}

const passedAuthorization = (response: { statusCode: number; json: () => { code?: string } }) =>
  response.statusCode !== 401 && response.statusCode !== 403 && !(response.statusCode === 404 && response.json().code === 'account_not_found');

describe('role matrix', () => {
  it('has a row for every route the API serves, and no row for a route it does not', () => {
    const served = routes.map((r) => `${r.method} ${r.path}`).sort();
    expect(served).toEqual(Object.keys(MATRIX).sort());
  });

  it('each role gets exactly the routes its row allows; 403 elsewhere', async () => {
    const mismatches: string[] = [];
    for (const route of routes) {
      const row = MATRIX[`${route.method} ${route.path}`];
      if (!row || 'public' in row) continue;
      for (const role of ALL) {
        const response = await call(route, bearer(tokens[role]));
        const allowed = 'roles' in row && row.roles.includes(role);
        const ok = allowed ? passedAuthorization(response) : response.statusCode === 403;
        if (!ok) mismatches.push(`${route.method} ${route.path} as ${role}: ${response.statusCode} ${response.body.slice(0, 120)}`);
      }
      const asOperator = await call(route, bearer(operator));
      if (!passedAuthorization(asOperator)) mismatches.push(`${route.method} ${route.path} as operator: ${asOperator.statusCode}`);
    }
    expect(mismatches).toEqual([]);
  });

  it("another account's token gets 404 on every account route; no token gets 401 on every non-public route", async () => {
    const mismatches: string[] = [];
    for (const route of routes) {
      const row = MATRIX[`${route.method} ${route.path}`];
      if (!row || 'public' in row) continue;
      const anonymous = await call(route, {});
      if (anonymous.statusCode !== 401) mismatches.push(`${route.method} ${route.path} without a token: ${anonymous.statusCode}`);
      if (!route.path.includes('{accountId}')) continue;
      const stranger = await call(route, bearer(otherToken));
      if (stranger.statusCode !== 404 || stranger.json<{ code: string }>().code !== 'account_not_found') {
        mismatches.push(`${route.method} ${route.path} with another account's token: ${stranger.statusCode}`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});
