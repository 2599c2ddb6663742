import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIdempotencyStore } from '../../src/api/idempotency.ts';
import { issueApiToken } from '../../src/commands/api-token-commands.ts';
import { loadConfig } from '../../src/config.ts';
import { compose, type Application } from '../../src/main.ts';
import { createTestDatabase } from '../support/database.ts';
import { testContext } from '../support/app.ts';
import { interceptAppends } from '../support/event-store-faults.ts';
import { bearer, openTestAccount } from '../support/api-requests.ts';
import { until } from '../support/until.ts';

/**
 * Idempotency-Key: a replay answers as the first answer did (status, body and the headers
 * that say where the thing is and which event position to wait for), and a key left in
 * progress by a request that died is taken over by a retry once its lease ends.
 */

/** A clock the test moves by hand; it starts from the real time, so the suite passes on any date. */
function manualClock() {
  let now = Date.now();
  return { now: () => new Date(now), advance: (ms: number) => (now += ms) };
}

const clock = manualClock();
let app: Application;
let operator: string;

beforeAll(async () => {
  const url = await createTestDatabase('idempotency');
  app = await compose(loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent', PLATFORM_KEY: randomBytes(32).toString('base64'), IDEMPOTENCY_LEASE_SECONDS: '60' }), {
    httpLogs: false,
    clock: clock.now,
  });
  operator = (await issueApiToken(app.infrastructure.eventStore, { name: 'operator', scope: { kind: 'operator' } }, testContext())).token;
});
afterAll(async () => {
  await app?.close();
});

const openAccount = async (slug: string): Promise<string> => (await openTestAccount(app, operator, slug, { name: slug, billingEmail: `fin@${slug}.co` })).accountId;

describe('Idempotency-Key replay', () => {
  it('answers with the first answer’s location and event-position headers', async () => {
    const accountId = await openAccount('replay-headers');
    const send = () =>
      app.api.inject({ method: 'POST', url: `/accounts/${accountId}/buckets`, headers: { ...bearer(operator), 'idempotency-key': 'bucket-1' }, payload: { name: 'replay-headers-data' } });
    const first = await send();
    expect(first.statusCode, first.body).toBe(201);
    expect(first.headers.location).toBe(`/accounts/${accountId}/buckets/${first.json<{ bucketId: string }>().bucketId}`);
    expect(first.headers['event-position']).toEqual(expect.any(String));
    const replayed = await send();
    expect(replayed.statusCode).toBe(201);
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    expect(replayed.headers.location).toBe(first.headers.location);
    expect(replayed.headers['event-position']).toBe(first.headers['event-position']);
    expect(replayed.json()).toEqual(first.json());
  });

  it('also for POST /accounts', async () => {
    const send = () =>
      app.api.inject({
        method: 'POST',
        url: '/accounts',
        headers: { ...bearer(operator), 'idempotency-key': 'open-replayed' },
        payload: { name: 'Replayed', slug: 'replayed-open', billingEmail: 'fin@replayed.co', document: '529.982.247-25' },
      });
    const first = await send();
    expect(first.statusCode, first.body).toBe(201);
    const replayed = await send();
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    expect(replayed.headers.location).toBe(first.headers.location);
    expect(replayed.headers['event-position']).toBe(first.headers['event-position']);
  });
});

describe('Idempotency-Key left in progress by a request that died', () => {
  it('is refused while its lease runs, then taken over by the retry, which runs once', async () => {
    const accountId = await openAccount('died-holding');
    // The first try "dies" before it records anything: its append never returns.
    let hang = true;
    const restore = interceptAppends(app.infrastructure.eventStore, async (next, stream, events, options) => {
      if (hang && stream.startsWith('bucketname-')) {
        hang = false;
        return new Promise(() => undefined);
      }
      return next(stream, events, options);
    });
    try {
      const send = () =>
        app.api.inject({ method: 'POST', url: `/accounts/${accountId}/buckets`, headers: { ...bearer(operator), 'idempotency-key': 'died' }, payload: { name: 'died-holding-data' } });
      void send();
      await until(async () => (await app.infrastructure.readModels.selectFrom('idempotency_keys').select('idempotency_key').where('idempotency_key', '=', 'died').executeTakeFirst()) !== undefined, 'the key to be claimed', 3_000);
      await until(() => !hang, 'the hung request to be let go', 3_000);

      const during = await send();
      expect(during.statusCode).toBe(409);
      expect(during.json()).toMatchObject({ code: 'idempotency_in_progress' });
      clock.advance(59_000);
      expect((await send()).statusCode).toBe(409);

      clock.advance(2_000);
      const retried = await send();
      expect(retried.statusCode, retried.body).toBe(201);
      const replayed = await send();
      expect(replayed.headers['idempotent-replayed']).toBe('true');
      expect(replayed.json()).toEqual(retried.json());
      // another request under the same key is still refused, lease or not
      const other = await app.api.inject({
        method: 'POST',
        url: `/accounts/${accountId}/buckets`,
        headers: { ...bearer(operator), 'idempotency-key': 'died' },
        payload: { name: 'died-holding-other' },
      });
      expect(other.json()).toMatchObject({ code: 'idempotency_key_reused' });
    } finally {
      restore();
    }
    const requested = (await app.infrastructure.eventStore.readAll()).filter((e) => e.type === 'BucketRequested' && (e.data as { accountId: string }).accountId === accountId);
    expect(requested).toHaveLength(1);
  });

  it('the store: a lease is renewed while the request runs; a failure on our side frees the key at once for the same request only', async () => {
    const local = manualClock();
    const keys = createIdempotencyStore(app.infrastructure.readModels, local.now, 10_000);
    const principal = `p-${randomUUID()}`;
    expect(await keys.claim(principal, 'k', 'fp-1')).toEqual({ kind: 'new' });
    local.advance(8_000);
    await keys.renew(principal, 'k');
    local.advance(8_000);
    // 16 s after the claim, but renewed at 8 s: still held
    expect(await keys.claim(principal, 'k', 'fp-1')).toEqual({ kind: 'in_progress' });
    expect(await keys.claim(principal, 'k', 'fp-2')).toEqual({ kind: 'mismatch' });
    local.advance(3_000);
    expect(await keys.claim(principal, 'k', 'fp-2')).toEqual({ kind: 'mismatch' });
    expect(await keys.claim(principal, 'k', 'fp-1')).toEqual({ kind: 'resumed' });
    expect(await keys.claim(principal, 'k', 'fp-1')).toEqual({ kind: 'in_progress' });
    await keys.abandon(principal, 'k');
    expect(await keys.claim(principal, 'k', 'fp-2')).toEqual({ kind: 'mismatch' });
    expect(await keys.claim(principal, 'k', 'fp-1')).toEqual({ kind: 'resumed' });
    await keys.complete(principal, 'k', 201, { id: 1 }, { location: '/things/1', 'event-position': '7' });
    expect(await keys.claim(principal, 'k', 'fp-1')).toEqual({ kind: 'replay', status: 201, body: { id: 1 }, headers: { location: '/things/1', 'event-position': '7' } });
  });
});
