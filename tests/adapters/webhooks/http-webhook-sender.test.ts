import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpWebhookSender } from '../../../src/adapters/webhooks/http-webhook-sender.ts';
import { WebhookUnanswered } from '../../../src/ports/webhook-sender.ts';

/** The sender never reaches the platform's own network: judged on the address it connects to. */
let server: http.Server;
let port: number;
const seen: string[] = [];
beforeAll(async () => {
  server = http.createServer((request, response) => {
    seen.push(`${request.method} ${request.url} ${request.headers['content-type']}`);
    request.resume();
    request.on('end', () => response.writeHead(202).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const refusal = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WebhookUnanswered);
  return error as WebhookUnanswered;
};

describe('HTTP webhook sender', () => {
  it('posts to loopback only when allowed, and answers with the status', async () => {
    const send = createHttpWebhookSender({ allowLoopback: true });
    const answer = await send({ url: `http://127.0.0.1:${port}/in?x=1`, headers: { 'webhook-id': 'm1' }, body: '{}' });
    expect(answer.statusCode).toBe(202);
    expect(seen.at(-1)).toBe('POST /in?x=1 application/json');
  });

  it('refuses loopback when not allowed, for good, before connecting', async () => {
    const before = seen.length;
    const error = await refusal(createHttpWebhookSender({ allowLoopback: false })({ url: `http://127.0.0.1:${port}/in`, headers: {}, body: '{}' }));
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/internal address/);
    expect(seen.length).toBe(before);
  });

  it('refuses the rest of the internal network even when loopback is allowed, also behind a name', async () => {
    const send = createHttpWebhookSender({ allowLoopback: true, lookup: async () => ['10.1.2.3'] });
    for (const url of ['https://10.0.0.1/in', 'https://[::ffff:192.168.1.1]/in', 'https://169.254.169.254/latest', 'https://hooks.tenant.example/in']) {
      const error = await refusal(send({ url, headers: {}, body: '{}' }));
      expect(error.retryable, url).toBe(false);
    }
  });

  it('a refused connection is an unanswered try that may be retried', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await refusal(createHttpWebhookSender({ allowLoopback: true })({ url: `http://127.0.0.1:${closedPort}/in`, headers: {}, body: '{}' }));
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/ECONNREFUSED/);
  });
});
