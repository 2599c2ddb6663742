import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { performance } from 'node:perf_hooks';
import { isInternalAddress, isLoopbackAddress } from '../../domain/shared/internal-address.ts';
import { WebhookUnanswered, type WebhookSender } from '../../ports/webhook-sender.ts';

export interface HttpWebhookSenderOptions {
  /** development and tests (WEBHOOK_ALLOW_LOOPBACK): endpoints on this machine may be called; the rest of the internal network never */
  allowLoopback: boolean;
  /** how long to wait for an answer; default 10 s */
  timeoutMs?: number;
  lookup?: (host: string) => Promise<string[]>;
}

const systemLookup = async (host: string) => (await dnsLookup(host, { all: true, verbatim: true })).map((a) => a.address);

/**
 * POSTs messages over HTTP(S). The host is resolved and judged before each message, and the
 * connection goes to the address judged (not to a second lookup a tenant's DNS could answer
 * with an internal address): a webhook cannot be used to reach the platform's own network.
 * Redirects are not followed, for the same reason; a 3xx counts as a failed attempt.
 */
export function createHttpWebhookSender(options: HttpWebhookSenderOptions): WebhookSender {
  const resolve = options.lookup ?? systemLookup;
  const timeoutMs = options.timeoutMs ?? 10_000;
  return async ({ url, headers, body }) => {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const target = new URL(url);
    const host = target.hostname.startsWith('[') ? target.hostname.slice(1, -1) : target.hostname;
    let address: string;
    try {
      address = isIP(host) !== 0 ? host : (await resolve(host))[0]!;
      if (!address) throw new Error('no address');
    } catch (error) {
      throw new WebhookUnanswered(`${host} does not resolve: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, elapsed(), true);
    }
    if (isInternalAddress(address) && !(options.allowLoopback && isLoopbackAddress(address))) {
      throw new WebhookUnanswered(`${host} is an internal address (${address}); a webhook must be reachable on the internet`, elapsed(), false);
    }
    const pinned: LookupFunction = (_hostname, lookupOptions, callback) => {
      const family = isIP(address);
      if ((lookupOptions as { all?: boolean }).all) (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address, family }]);
      else callback(null, address, family);
    };
    const client = target.protocol === 'https:' ? https : http;
    return new Promise((resolvePromise, reject) => {
      const request = client.request(
        target,
        {
          method: 'POST',
          lookup: pinned,
          headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'user-agent': 'CloudPro-Ledger-Webhooks/1' },
          // the whole exchange, not only silence: an endpoint that trickles its answer is cut off too
          signal: AbortSignal.timeout(timeoutMs),
        },
        (response) => {
          // The body is not needed; reading it lets the connection end cleanly.
          response.resume();
          response.on('end', () => resolvePromise({ statusCode: response.statusCode ?? 0, latencyMs: elapsed() }));
          response.on('error', (error) => reject(new WebhookUnanswered(`the answer broke off: ${error.message}`, elapsed(), true)));
        },
      );
      request.on('error', (error: NodeJS.ErrnoException) =>
        reject(new WebhookUnanswered(error.name === 'AbortError' ? `no whole answer within ${timeoutMs} ms` : `${error.code ?? 'error'}: ${error.message}`, elapsed(), true)),
      );
      request.end(body);
    });
  };
}
