import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueApiToken } from '../../src/commands/api-token-commands.ts';
import { loadConfig } from '../../src/config.ts';
import { compose, type Application } from '../../src/main.ts';
import { bearer, openTestAccount } from '../support/api-requests.ts';
import { testContext } from '../support/app.ts';
import { accountWithWorkedExampleUsage, publishWorkedExamplePlan } from '../support/billing-fixtures.ts';
import { startPrimaryWithStandby, type PrimaryWithStandby } from '../support/streaming-standby.ts';

/**
 * DATABASE_READ_URL on a real replica: a physical streaming standby of the test's own primary,
 * made from a base backup of it (tests/support/streaming-standby.ts). Its WAL replay is paused
 * to hold it behind the primary for as long as a test wants, as a replica under load lags.
 * The projection runner is not running: each test catches the read models up on the primary
 * itself, so what is behind is the replica alone.
 */
let pair: PrimaryWithStandby;
let app: Application;
let operator: string;
let accountId: string;
const platformKey = randomBytes(32).toString('base64');

beforeAll(async () => {
  pair = await startPrimaryWithStandby('cloudpro');
  app = await compose(
    loadConfig({ DATABASE_URL: pair.primaryUrl, DATABASE_READ_URL: pair.standbyUrl, READ_AFTER_WAIT_MS: '1500', LOG_LEVEL: 'silent', PLATFORM_KEY: platformKey }),
    { httpLogs: false },
  );
  operator = (await issueApiToken(app.infrastructure.eventStore, { name: 'test', scope: { kind: 'operator' } }, testContext())).token;
  ({ accountId } = await openTestAccount(app, operator, 'replica-co'));
  await app.runner.catchUp();
  await pair.awaitCaughtUp();
});
afterAll(async () => {
  await app?.close();
  await pair?.stop();
});

/** A bucket created and projected on the primary while the replica stays where it was. */
async function bucketTheReplicaHasNot(name: string) {
  await pair.pauseReplay();
  const created = await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/buckets`, headers: bearer(operator), payload: { name } });
  expect(created.statusCode, created.body).toBe(201);
  const bucketId = created.json<{ bucketId: string }>().bucketId;
  await app.runner.catchUp();
  const onPrimary = await app.infrastructure.readModels.selectFrom('buckets').select('name').where('bucket_id', '=', bucketId).executeTakeFirst();
  expect(onPrimary?.name, 'the primary read model has the bucket').toBe(name);
  expect(await pair.caughtUp(), 'the replica is behind the primary').toBe(false);
  return { bucketId, position: created.headers['event-position'] as string };
}

describe('read routes on a lagging streaming replica (DATABASE_READ_URL)', () => {
  it('a read without ?after= answers from the replica, which has not got the write yet', async () => {
    const { bucketId } = await bucketTheReplicaHasNot('replica-plain');
    const read = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/buckets/${bucketId}`, headers: bearer(operator) });
    expect(read.statusCode, 'the replica answers, and it is behind').toBe(404);
    await pair.resumeReplay();
    await pair.awaitCaughtUp();
    const later = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/buckets/${bucketId}`, headers: bearer(operator) });
    expect(later.statusCode).toBe(200);
  });

  it('with ?after= of a position the replica has not reached, the read waits until it has, then answers right', async () => {
    const { bucketId, position } = await bucketTheReplicaHasNot('replica-after');
    let resumed = false;
    const resuming = new Promise((resolve) => setTimeout(resolve, 300)).then(async () => {
      resumed = true;
      await pair.resumeReplay();
    });
    const read = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/buckets/${bucketId}?after=${encodeURIComponent(position)}`, headers: bearer(operator) });
    await resuming;
    expect(resumed, 'the read answered only after the replica was let go on').toBe(true);
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json<{ name: string }>().name).toBe('replica-after');
  });

  it('a replica that lags past the bounded wait is refused (409 read_model_behind), not answered from its older rows', async () => {
    const { bucketId, position } = await bucketTheReplicaHasNot('replica-late');
    const read = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/buckets/${bucketId}?after=${encodeURIComponent(position)}`, headers: bearer(operator) });
    expect(read.statusCode, read.body).toBe(409);
    expect(read.json<{ code: string; detail: string }>()).toMatchObject({ code: 'read_model_behind', detail: expect.stringContaining('buckets') });
    await pair.resumeReplay();
    await pair.awaitCaughtUp();
  });

  it('a payment finds its invoice on the primary while the replica lags; reading it back with ?after= waits for the replica', async () => {
    await publishWorkedExamplePlan(app);
    const payer = await accountWithWorkedExampleUsage(app, operator, 'replica-payer');
    await app.runner.catchUp();
    const run = await app.api.inject({ method: 'POST', url: '/operator/billing-runs', headers: bearer(operator), payload: { period: '2026-06' } });
    expect(run.statusCode, run.body).toBe(200);
    const invoiceId = run.json<{ outcomes: { accountId: string; invoiceId?: string }[] }>().outcomes.find((o) => o.accountId === payer)!.invoiceId!;
    await pair.pauseReplay();
    await app.runner.catchUp();
    // the invoice is on the primary's read model only: a command reads the primary
    const paid = await app.api.inject({
      method: 'POST',
      url: `/invoices/${invoiceId}/payments`,
      headers: bearer(operator),
      payload: { method: 'pix', receivedAt: '2026-07-05T10:00:00-03:00', externalRef: `pix-${randomUUID()}`, amount: '57.59' },
    });
    expect(paid.statusCode, paid.body).toBe(201);
    await app.runner.catchUp();
    // the log's last position is past the payment (its event-position is too)
    const position = (await app.infrastructure.eventStore.readAll({ fromPosition: null })).at(-1)!.position;
    const url = `/accounts/${payer}/invoices/${invoiceId}/payments`;
    // the replica has not got the invoice yet, let alone the payment
    expect((await app.api.inject({ method: 'GET', url, headers: bearer(operator) })).json<{ code: string }>().code).toBe('invoice_not_found');
    const resuming = new Promise((resolve) => setTimeout(resolve, 300)).then(() => pair.resumeReplay());
    const read = await app.api.inject({ method: 'GET', url: `${url}?after=${encodeURIComponent(position)}`, headers: bearer(operator) });
    await resuming;
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json<{ items: { amount: string }[] }>().items.map((p) => p.amount)).toEqual(['57.59']);
  });

  it('without DATABASE_READ_URL nothing changes: the same reads go to the primary and see the write at once', async () => {
    const primaryOnly = await compose(loadConfig({ DATABASE_URL: pair.primaryUrl, LOG_LEVEL: 'silent', PLATFORM_KEY: platformKey }), { httpLogs: false });
    try {
      expect(primaryOnly.infrastructure.reads).toBe(primaryOnly.infrastructure.readModels);
      const { bucketId } = await bucketTheReplicaHasNot('primary-only');
      const read = await primaryOnly.api.inject({ method: 'GET', url: `/accounts/${accountId}/buckets/${bucketId}`, headers: bearer(operator) });
      expect(read.statusCode, read.body).toBe(200);
      expect(read.json<{ name: string }>().name).toBe('primary-only');
    } finally {
      await primaryOnly.close();
      await pair.resumeReplay();
    }
  });
});
