import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBucketCommands } from '../../src/commands/bucket-commands.ts';
import { WEBHOOK_RETRY, webhookReactor } from '../../src/reactors/webhook-reactor.ts';
import { bearer, openTestAccount } from '../support/api-requests.ts';
import { startClockedApp, type ClockedApp } from '../support/clocked-app.ts';
import { verifiedMessage, WebhookReceiver } from '../support/webhook-receiver.ts';

/**
 * Webhooks end to end: registered through the API, fed by the log, delivered by the reactor
 * to a real HTTP receiver on loopback, whose signatures are checked with an independent
 * implementation of Standard Webhooks (the `standardwebhooks` package), not with our signer.
 */
// The receiver's library checks each message's timestamp against the real clock (within five
// minutes), so the app's clock starts at the real instant; the test moves it on from there.
const START = new Date().toISOString();
let app: ClockedApp;
let operator: string;
const receiver = new WebhookReceiver();

beforeAll(async () => {
  app = await startClockedApp(START, { WEBHOOK_ALLOW_LOOPBACK: 'true' });
  operator = await app.tokenFor({ kind: 'operator' });
  await receiver.start();
});
afterAll(async () => {
  await receiver.stop();
  await app?.close();
});

async function openAccount(slug: string): Promise<string> {
  return (await openTestAccount(app, operator, slug)).accountId;
}

async function register(accountId: string, kinds: string[], url = receiver.url) {
  const response = await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/webhooks`, headers: bearer(operator), payload: { url, kinds } });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ webhookId: string; signingSecret: string }>();
}

/** A bucket that the S3 server (not part of this test) reports provisioned: the event a webhook hears about. */
async function provisionedBucket(accountId: string, name: string): Promise<string> {
  const requested = await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/buckets`, headers: bearer(operator), payload: { name } });
  expect(requested.statusCode, requested.body).toBe(201);
  const { bucketId } = requested.json<{ bucketId: string }>();
  const at = app.clock().toISOString();
  await createBucketCommands(app.infrastructure.eventStore).recordProvisioned({ accountId, bucketId }, { actor: 'test', correlationId: 'c', causationId: 'c', occurredAt: at });
  return bucketId;
}

/** The source events' jobs schedule deliveries; the deliveries' own jobs send them. */
async function deliverDue() {
  for (let round = 0; round < 2; round++) {
    await app.reactors.catchUp(['webhooks']);
    await app.reactors.drain(['webhooks']);
  }
}

async function deliveries(accountId: string, webhookId: string) {
  await app.runner.catchUp();
  const response = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/webhooks/${webhookId}/deliveries`, headers: bearer(operator) });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ items: { deliveryId: string; status: string; attempts: { attempt: number; statusCode: number | null; succeeded: boolean; latencyMs: number; error: string | null }[] }[] }>().items;
}

const verified = verifiedMessage;

describe('webhook jobs', () => {
  it("each webhook's messages about a subject are one queue: a failing endpoint holds up no other webhook", () => {
    const reactor = webhookReactor({ eventStore: app.infrastructure.eventStore, secrets: app.infrastructure.secrets, send: async () => ({ statusCode: 204, latencyMs: 0 }) });
    const scheduled = (webhookId: string) => ({
      eventId: `e-${webhookId}`,
      type: 'WebhookDeliveryScheduled',
      streamName: `webhookdelivery-d-${webhookId}`,
      streamRevision: 0n,
      position: '00000000000000000001/0000000000000000001',
      metadata: { actor: 't', correlationId: 'c', causationId: 'c', occurredAt: START },
      data: { accountId: 'a', webhookId, deliveryId: `d-${webhookId}`, kind: 'invoice.paid', sourceEventId: 's', subject: 'invoice:i1', body: '{}', scheduledAt: START },
    });
    const [a] = reactor.jobsFor(scheduled('w-a'));
    const [b] = reactor.jobsFor(scheduled('w-b'));
    expect(a).toMatchObject({ kind: 'send', subject: 'webhook:w-a:invoice:i1' });
    expect(b!.subject).not.toBe(a!.subject);
  });
});

describe('webhooks', () => {
  it('shows the signing secret once, then delivers a signed message the receiver can verify', async () => {
    const accountId = await openAccount('hooked-co');
    const { webhookId, signingSecret } = await register(accountId, ['bucket.provisioned']);
    expect(signingSecret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    await app.runner.catchUp();
    const listed = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/webhooks`, headers: bearer(operator) });
    expect(listed.body).not.toContain(signingSecret);
    expect(listed.json<{ items: { webhookId: string; kinds: string[] }[] }>().items).toEqual([expect.objectContaining({ webhookId, kinds: ['bucket.provisioned'] })]);
    // Who pointed the account's events where is the audit log's business; the secret is not.
    const audit = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/audit-log`, headers: bearer(operator) });
    expect(audit.json<{ items: { resourceType: string; resourceId: string; summary: string }[] }>().items).toContainEqual(
      expect.objectContaining({ resourceType: 'webhook', resourceId: webhookId, type: 'WebhookRegistered', summary: `Webhook registered for ${receiver.url} (bucket.provisioned)` }),
    );
    expect(audit.body).not.toContain(signingSecret);

    receiver.received = [];
    const bucketId = await provisionedBucket(accountId, 'hooked-data');
    await deliverDue();
    expect(receiver.received).toHaveLength(1);
    const message = verified(signingSecret, receiver.received[0]!);
    expect(message.type).toBe('bucket.provisioned');
    expect(message.data).toMatchObject({ bucketId, name: 'hooked-data' });
    // A wrong secret does not verify: the check above is not vacuous.
    expect(() => verified(`whsec_${Buffer.alloc(24, 7).toString('base64')}`, receiver.received[0]!)).toThrow();

    const [delivery] = await deliveries(accountId, webhookId);
    expect(delivery).toMatchObject({ deliveryId: receiver.received[0]!.headers['webhook-id'], status: 'delivered' });
    expect(delivery!.attempts).toEqual([expect.objectContaining({ attempt: 1, statusCode: 204, succeeded: true, error: null })]);
  });

  it('retries with backoff while the receiver is down or failing, under the same webhook-id', async () => {
    const accountId = await openAccount('flaky-co');
    const { webhookId, signingSecret } = await register(accountId, ['bucket.provisioned', 'bucket.failed']);
    receiver.received = [];
    await receiver.stop();
    await provisionedBucket(accountId, 'flaky-data');
    await deliverDue();
    let [delivery] = await deliveries(accountId, webhookId);
    expect(delivery!.status).toBe('pending');
    expect(delivery!.attempts).toEqual([expect.objectContaining({ attempt: 1, statusCode: null, succeeded: false })]);
    expect(delivery!.attempts[0]!.error).toMatch(/ECONNREFUSED/);

    // Not due again before its backoff: nothing is tried.
    await deliverDue();
    expect((await deliveries(accountId, webhookId))[0]!.attempts).toHaveLength(1);

    // Back, but failing: the next try (after the first backoff) is recorded with its status.
    await receiver.start();
    receiver.answer = 500;
    app.setClock(new Date(Date.parse(START) + 2 * WEBHOOK_RETRY.baseMs).toISOString());
    await deliverDue();
    [delivery] = await deliveries(accountId, webhookId);
    expect(delivery!.attempts.map((a) => a.statusCode)).toEqual([null, 500]);

    receiver.answer = 204;
    app.setClock(new Date(Date.parse(START) + 6 * WEBHOOK_RETRY.baseMs).toISOString());
    await deliverDue();
    [delivery] = await deliveries(accountId, webhookId);
    expect(delivery!.status).toBe('delivered');
    expect(delivery!.attempts.map((a) => a.statusCode)).toEqual([null, 500, 204]);
    // The receiver saw the message twice (the 500 and the 204), both times under one id, both verifiable.
    expect(receiver.received).toHaveLength(2);
    expect(new Set(receiver.received.map((r) => r.headers['webhook-id']))).toEqual(new Set([delivery!.deliveryId]));
    for (const message of receiver.received) expect(verified(signingSecret, message).type).toBe('bucket.provisioned');
    app.setClock(START);
  });

  it('redelivers a delivery on request, once per request, under the same webhook-id', async () => {
    const accountId = await openAccount('again-co');
    const { webhookId } = await register(accountId, ['bucket.provisioned']);
    receiver.received = [];
    await provisionedBucket(accountId, 'again-data');
    await deliverDue();
    const [delivery] = await deliveries(accountId, webhookId);
    const url = `/accounts/${accountId}/webhooks/${webhookId}/deliveries/${delivery!.deliveryId}/redeliver`;
    const headers = { ...bearer(operator), 'idempotency-key': 'redeliver-1' };
    const first = await app.api.inject({ method: 'POST', url, headers });
    expect(first.statusCode, first.body).toBe(202);
    const retried = await app.api.inject({ method: 'POST', url, headers });
    expect(retried.statusCode).toBe(202);
    await deliverDue();
    expect(receiver.received.map((r) => r.headers['webhook-id'])).toEqual([delivery!.deliveryId, delivery!.deliveryId]);
    expect((await deliveries(accountId, webhookId))[0]!.attempts).toHaveLength(2);
  });

  it('tells only webhooks that asked for the kind, and none once removed', async () => {
    const accountId = await openAccount('choosy-co');
    const { webhookId } = await register(accountId, ['invoice.paid']);
    receiver.received = [];
    await provisionedBucket(accountId, 'choosy-data');
    await deliverDue();
    expect(receiver.received).toHaveLength(0);
    expect(await deliveries(accountId, webhookId)).toEqual([]);

    const other = await register(accountId, ['bucket.provisioned']);
    const removed = await app.api.inject({ method: 'DELETE', url: `/accounts/${accountId}/webhooks/${other.webhookId}`, headers: bearer(operator) });
    expect(removed.statusCode, removed.body).toBe(204);
    await provisionedBucket(accountId, 'choosy-more');
    await deliverDue();
    expect(receiver.received).toHaveLength(0);
  });

  it('refuses endpoints it may not call, recording nothing', async () => {
    const accountId = await openAccount('refused-co');
    const eventsBefore = (await app.infrastructure.eventStore.readAll({ maxCount: 100_000 })).length;
    for (const [url, message] of [
      ['http://hooks.example.com/x', /https/],
      ['https://user:pw@hooks.example.com/x', /user name or password/],
      ['not a url', /absolute URL/],
    ] as const) {
      const response = await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/webhooks`, headers: bearer(operator), payload: { url, kinds: ['invoice.paid'] } });
      expect(response.statusCode, url).toBe(400);
      expect(response.json<{ errors: { path: string; message: string }[] }>().errors).toEqual([expect.objectContaining({ path: 'body.url', message: expect.stringMatching(message) })]);
    }
    const badKind = await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/webhooks`, headers: bearer(operator), payload: { url: 'https://hooks.example.com/x', kinds: ['invoice.eaten'] } });
    expect(badKind.statusCode).toBe(400);
    expect((await app.infrastructure.eventStore.readAll({ maxCount: 100_000 })).length).toBe(eventsBefore);
  });
});
