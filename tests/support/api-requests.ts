import { expect } from 'vitest';
import type { Application } from '../../src/main.ts';

/**
 * The headers of a request made with an API token; with an IP, as if it came through the proxy
 * from that address (X-Forwarded-For).
 */
export const bearer = (token: string, ip?: string) => ({ authorization: `Bearer ${token}`, ...(ip ? { 'x-forwarded-for': ip } : {}) });

/**
 * Opens an account through POST /accounts as the operator and expects it opened. The payload
 * is a valid one for the slug; a test overrides the fields it is about.
 */
export async function openTestAccount(app: Pick<Application, 'api'>, operatorToken: string, slug: string, overrides: Record<string, unknown> = {}) {
  const response = await app.api.inject({
    method: 'POST',
    url: '/accounts',
    headers: bearer(operatorToken),
    payload: { name: `Tenant ${slug}`, slug, billingEmail: `billing@${slug}.com.br`, document: '529.982.247-25', ...overrides },
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ accountId: string }>();
}
