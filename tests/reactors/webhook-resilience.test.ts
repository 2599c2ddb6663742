import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBucketCommands } from '../../src/commands/bucket-commands.ts';
import { retryDelayMs } from '../../src/reactors/reactor-runner.ts';
import { WEBHOOK_RETRY } from '../../src/reactors/webhook-reactor.ts';
import { bearer, openTestAccount } from '../support/api-requests.ts';
import { startClockedApp, type ClockedApp } from '../support/clocked-app.ts';
import { verifiedMessage, WebhookReceiver } from '../support/webhook-receiver.ts';

/**
 * Webhooks under failure, end to end through the API, the log, the reactor and a real HTTP
 * receiver on loopback: the receiver dying in the middle of a stream of messages, a failing
 * message holding up the later ones about its subject (and only those), and a day of retries
 * ending in an abandoned delivery that can still be redelivered. Time moves only by the
 * app's injected clock.
 */
// The receiver's library checks each message's timestamp against the real clock (within five
// minutes), so the app's clock starts at the real instant; the tests move it on from there.
const START = Date.parse(new Date().toISOString());
const SECOND = 1000;
let app: ClockedApp;
let operator: string;
const receivers: WebhookReceiver[] = [];

beforeAll(async () => {
  app = await startClockedApp(new Date(START).toISOString(), { WEBHOOK_ALLOW_LOOPBACK: 'true' });
  operator = await app.tokenFor({ kind: 'operator' });
});
afterAll(async () => {
  for (const receiver of receivers) await receiver.stop();
  await app?.close();
});

async function startedReceiver(): Promise<WebhookReceiver> {
  const receiver = new WebhookReceiver();
  receivers.push(receiver);
  await receiver.start();
  return receiver;
}

async function openAccount(slug: string): Promise<string> {
  return (await openTestAccount(app, operator, slug)).accountId;
}

async function register(accountId: string, kinds: string[], url: string) {
  const response = await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/webhooks`, headers: bearer(operator), payload: { url, kinds } });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ webhookId: string; signingSecret: string }>();
}

async function requestedBucket(accountId: string, name: string): Promise<string> {
  const requested = await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/buckets`, headers: bearer(operator), payload: { name } });
  expect(requested.statusCode, requested.body).toBe(201);
  return requested.json<{ bucketId: string }>().bucketId;
}

/** The S3 server (not part of this test) reports the bucket provisioned: the event a webhook hears about. */
async function provisioned(accountId: string, bucketId: string): Promise<void> {
  await createBucketCommands(app.infrastructure.eventStore).recordProvisioned({ accountId, bucketId }, { actor: 'test', correlationId: 'c', causationId: 'c', occurredAt: app.clock().toISOString() });
}

/** The source events' jobs schedule deliveries; the deliveries' own jobs send them. */
async function deliverDue() {
  for (let round = 0; round < 2; round++) {
    await app.reactors.catchUp(['webhooks']);
    await app.reactors.drain(['webhooks']);
  }
}

interface Attempt {
  attempt: number;
  attemptedAt: string;
  statusCode: number | null;
  succeeded: boolean;
  latencyMs: number;
  error: string | null;
}
interface Delivery {
  deliveryId: string;
  kind: string;
  status: string;
  attempts: Attempt[];
  abandonedReason: string | null;
}

async function deliveries(accountId: string, webhookId: string): Promise<Delivery[]> {
  await app.runner.catchUp();
  const response = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/webhooks/${webhookId}/deliveries?limit=100`, headers: bearer(operator) });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ items: Delivery[] }>().items;
}

const at = (offsetMs: number) => app.setClock(new Date(START + offsetMs).toISOString());

describe('webhooks when things fail', () => {
  it('the receiver dies in the middle of a stream and comes back: every message arrives, under its own stable webhook-id, signed; the failed tries are listed', async () => {
    at(0);
    const receiver = await startedReceiver();
    const accountId = await openAccount('crashy-co');
    const { webhookId, signingSecret } = await register(accountId, ['bucket.provisioned'], receiver.url);
    const bucketIds: string[] = [];
    for (const name of ['crash-a', 'crash-b', 'crash-c', 'crash-d', 'crash-e']) bucketIds.push(await requestedBucket(accountId, name));
    for (const bucketId of bucketIds) await provisioned(accountId, bucketId);

    // Answers two messages, reads the third and dies before answering it; the rest find no one listening.
    receiver.dieAfter = 2;
    await deliverDue();
    expect(receiver.running).toBe(false);
    expect(receiver.received).toHaveLength(3);
    let listed = await deliveries(accountId, webhookId);
    expect(listed).toHaveLength(5);
    expect(listed.filter((d) => d.status === 'delivered')).toHaveLength(2);
    const failed = listed.filter((d) => d.status === 'pending');
    expect(failed).toHaveLength(3);
    for (const delivery of failed) {
      expect(delivery.attempts).toEqual([{ attempt: 1, attemptedAt: new Date(START).toISOString(), statusCode: null, succeeded: false, latencyMs: expect.any(Number), error: expect.any(String) }]);
      expect(Number.isInteger(delivery.attempts[0]!.latencyMs) && delivery.attempts[0]!.latencyMs >= 0).toBe(true);
    }
    const diedOn = String(receiver.received[2]!.headers['webhook-id']);
    expect(failed.find((d) => d.deliveryId === diedOn)!.attempts[0]!.error).toMatch(/ECONNRESET|socket hang up/);
    for (const delivery of failed.filter((d) => d.deliveryId !== diedOn)) expect(delivery.attempts[0]!.error).toMatch(/ECONNREFUSED/);

    // Back after the first backoff (30 s, at most 37.5 s with jitter): the three are tried again and taken.
    await receiver.start();
    at(40 * SECOND);
    await deliverDue();
    listed = await deliveries(accountId, webhookId);
    expect(listed.map((d) => d.status)).toEqual(Array(5).fill('delivered'));
    for (const delivery of listed.filter((d) => failed.some((f) => f.deliveryId === d.deliveryId))) {
      expect(delivery.attempts.map((a) => [a.attempt, a.statusCode, a.succeeded])).toEqual([
        [1, null, false],
        [2, 204, true],
      ]);
      expect(delivery.attempts[1]!.attemptedAt).toBe(new Date(START + 40 * SECOND).toISOString());
    }

    // At least once: the message the receiver died on came twice, under one id; each of the
    // five arrived under the id of its own delivery, and each copy verifies.
    const ids = receiver.received.map((m) => String(m.headers['webhook-id']));
    expect(ids).toHaveLength(6);
    expect(new Set(ids)).toEqual(new Set(listed.map((d) => d.deliveryId)));
    expect(ids.filter((id) => id === diedOn)).toHaveLength(2);
    const byId = new Map<string, string>();
    for (const message of receiver.received) {
      const verified = verifiedMessage(signingSecret, message);
      expect(verified.type).toBe('bucket.provisioned');
      const bucketId = String(verified.data.bucketId);
      // the same id always carries the same message
      expect(byId.get(String(message.headers['webhook-id'])) ?? bucketId).toBe(bucketId);
      byId.set(String(message.headers['webhook-id']), bucketId);
    }
    expect([...byId.values()].sort()).toEqual([...bucketIds].sort());
    expect(() => verifiedMessage(`whsec_${Buffer.alloc(24, 9).toString('base64')}`, receiver.received[0]!)).toThrow();
  });

  it("messages about one subject keep log order: the second waits behind a failing first, another subject's goes on", async () => {
    at(0);
    const receiver = await startedReceiver();
    const accountId = await openAccount('ordered-co');
    const { webhookId, signingSecret } = await register(accountId, ['account.suspended', 'account.reactivated', 'bucket.provisioned'], receiver.url);
    const bucketId = await requestedBucket(accountId, 'ordered-data');
    let suspensionFails = true;
    receiver.answerFor = (message) => (suspensionFails && message.body.includes('"type":"account.suspended"') ? 503 : 204);

    const suspended = await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/suspend`, headers: bearer(operator), payload: { reason: 'unpaid invoice' } });
    expect(suspended.statusCode, suspended.body).toBe(200);
    const reactivated = await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/reactivate`, headers: bearer(operator), payload: { reason: 'paid' } });
    expect(reactivated.statusCode, reactivated.body).toBe(200);
    // in the log after both: another subject (the bucket)
    await provisioned(accountId, bucketId);

    await deliverDue();
    const types = () => receiver.received.map((m) => verifiedMessage(signingSecret, m).type);
    expect(types()).toEqual(['account.suspended', 'bucket.provisioned']);
    const kindsAndTries = async () => Object.fromEntries((await deliveries(accountId, webhookId)).map((d) => [d.kind, [d.status, d.attempts.map((a) => a.statusCode)]]));
    expect(await kindsAndTries()).toEqual({
      'account.suspended': ['pending', [503]],
      // scheduled, never tried: it waits for the suspension's message
      'account.reactivated': ['pending', []],
      'bucket.provisioned': ['delivered', [204]],
    });
    // Nothing due yet: still held.
    await deliverDue();
    expect(types()).toEqual(['account.suspended', 'bucket.provisioned']);

    suspensionFails = false;
    at(40 * SECOND);
    await deliverDue();
    expect(types()).toEqual(['account.suspended', 'bucket.provisioned', 'account.suspended', 'account.reactivated']);
    expect(await kindsAndTries()).toEqual({
      'account.suspended': ['delivered', [503, 204]],
      'account.reactivated': ['delivered', [204]],
      'bucket.provisioned': ['delivered', [204]],
    });
  });

  it('retries over about a day: the waits between the 18 tries are 30 s doubling to 2 h, 72,450 s in all before jitter', () => {
    const waits = Array.from({ length: WEBHOOK_RETRY.maxAttempts - 1 }, (_, i) => retryDelayMs(i + 1, WEBHOOK_RETRY) / SECOND);
    expect(waits).toEqual([30, 60, 120, 240, 480, 960, 1920, 3840, 7200, 7200, 7200, 7200, 7200, 7200, 7200, 7200, 7200]);
    // 30 + 60 + … + 3,840 = 7,650; then nine waits of two hours = 64,800: 72,450 s = 20 h 7 min 30 s,
    // and with the runner's jitter (75 % to 125 %) between 15 h 5 min and 25 h 9 min
    expect(waits.reduce((sum, wait) => sum + wait, 0)).toBe(72_450);
  });

  it('after the last try the delivery is abandoned, with every try listed, and can still be redelivered', async () => {
    at(0);
    const receiver = await startedReceiver();
    receiver.answer = 500;
    const accountId = await openAccount('gone-co');
    const { webhookId } = await register(accountId, ['bucket.provisioned'], receiver.url);
    await provisioned(accountId, await requestedBucket(accountId, 'gone-data'));
    await deliverDue();
    let now = 0;
    for (let tries = 1; tries < WEBHOOK_RETRY.maxAttempts; tries++) {
      const wait = retryDelayMs(tries, WEBHOOK_RETRY);
      // not before the wait's shortest jitter…
      at(now + wait * 0.74);
      await deliverDue();
      expect(receiver.received, `before try ${tries + 1}`).toHaveLength(tries);
      // …and surely by its longest
      now += wait * 1.26;
      at(now);
      await deliverDue();
      expect(receiver.received, `try ${tries + 1}`).toHaveLength(tries + 1);
    }
    const [delivery] = await deliveries(accountId, webhookId);
    expect(delivery!.status).toBe('abandoned');
    expect(delivery!.abandonedReason).toMatch(/^gave up after 18 tries: .*answered 500/);
    expect(delivery!.attempts.map((a) => a.attempt)).toEqual(Array.from({ length: 18 }, (_, i) => i + 1));
    expect(delivery!.attempts.every((a) => a.statusCode === 500 && !a.succeeded && a.error === 'the receiver answered 500')).toBe(true);
    // each wait within its jitter: 75 % to 126 % of 30 s · 2^(n-1), at most 2 h
    const instants = delivery!.attempts.map((a) => Date.parse(a.attemptedAt));
    for (let n = 1; n < instants.length; n++) {
      const waited = instants[n]! - instants[n - 1]!;
      expect(waited).toBeGreaterThanOrEqual(retryDelayMs(n, WEBHOOK_RETRY) * 0.75);
      expect(waited).toBeLessThanOrEqual(retryDelayMs(n, WEBHOOK_RETRY) * 1.26 + 1);
    }
    const span = instants.at(-1)! - instants[0]!;
    expect(span).toBeGreaterThanOrEqual(72_450 * SECOND * 0.75);
    expect(span).toBeLessThanOrEqual(72_450 * SECOND * 1.26 + 18);
    // No more tries of its own, however long one waits.
    at(now + 3 * 86_400 * SECOND);
    await deliverDue();
    expect(receiver.received).toHaveLength(18);

    receiver.answer = 204;
    const redelivered = await app.api.inject({
      method: 'POST',
      url: `/accounts/${accountId}/webhooks/${webhookId}/deliveries/${delivery!.deliveryId}/redeliver`,
      headers: { ...bearer(operator), 'idempotency-key': 'gone-again' },
    });
    expect(redelivered.statusCode, redelivered.body).toBe(202);
    await deliverDue();
    const [after] = await deliveries(accountId, webhookId);
    expect(after!.status).toBe('delivered');
    expect(after!.attempts.at(-1)).toMatchObject({ attempt: 19, statusCode: 204, succeeded: true });
    expect(new Set(receiver.received.map((m) => m.headers['webhook-id']))).toEqual(new Set([delivery!.deliveryId]));
  });
});
