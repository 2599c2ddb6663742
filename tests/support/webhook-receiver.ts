import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook as StandardWebhook } from 'standardwebhooks';

export interface ReceivedMessage {
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * A webhook receiver on loopback, on a port it keeps across restarts: it can be stopped
 * (connection refused), made to answer a status, or killed in the middle of a request (it
 * has read the message, then dies before answering, as a crashed process would).
 */
export class WebhookReceiver {
  /** every message whose body arrived whole, in arrival order (one it died on included) */
  received: ReceivedMessage[] = [];
  /** the status of each answer, unless `answerFor` says otherwise */
  answer = 204;
  answerFor: ((message: ReceivedMessage) => number) | null = null;
  /** dies on the request that comes after this many more have been answered; null: never */
  dieAfter: number | null = null;
  private server: http.Server | null = null;
  port = 0;

  async start(): Promise<void> {
    const server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => {
        const message = { headers: request.headers, body: Buffer.concat(chunks).toString('utf8') };
        this.received.push(message);
        if (this.dieAfter === 0) {
          this.dieAfter = null;
          request.socket.destroy();
          void this.stop();
          return;
        }
        if (this.dieAfter !== null) this.dieAfter--;
        response.writeHead(this.answerFor ? this.answerFor(message) : this.answer).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  get running(): boolean {
    return this.server !== null;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks/cloudpro`;
  }
}

/** A message checked with an independent Standard Webhooks implementation (the `standardwebhooks` package), not our signer; throws when it does not verify. */
export const verifiedMessage = (secret: string, message: ReceivedMessage) =>
  new StandardWebhook(secret).verify(message.body, {
    'webhook-id': String(message.headers['webhook-id']),
    'webhook-timestamp': String(message.headers['webhook-timestamp']),
    'webhook-signature': String(message.headers['webhook-signature']),
  }) as { type: string; timestamp: string; data: Record<string, unknown> };
