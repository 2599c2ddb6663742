import { createHmac, randomBytes } from 'node:crypto';

/**
 * Standard Webhooks signing (https://www.standardwebhooks.com): the secret is `whsec_` and
 * base64 of random bytes; the signature is `v1,` and base64 of HMAC-SHA256, keyed with those
 * bytes, over `<webhook-id>.<webhook-timestamp>.<body>`.
 */
export const newSigningSecret = (): string => `whsec_${randomBytes(24).toString('base64')}`;

export function signWebhook(secret: string, messageId: string, timestampSeconds: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${messageId}.${timestampSeconds}.${body}`).digest('base64')}`;
}

/** The headers every attempt of a message carries: its id stays, its timestamp is the attempt's. */
export function webhookHeaders(secret: string, messageId: string, now: Date, body: string): Record<string, string> {
  const timestamp = Math.floor(now.getTime() / 1000);
  return { 'webhook-id': messageId, 'webhook-timestamp': String(timestamp), 'webhook-signature': signWebhook(secret, messageId, timestamp, body) };
}
