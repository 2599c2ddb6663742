import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventStore } from '../../src/ports/event-store.ts';
import { startTestApp } from '../support/app.ts';
import { WORKED_EXAMPLE_TERMS, accountWithWorkedExampleUsage, publishWorkedExamplePlan } from '../support/billing-fixtures.ts';
import { interceptAppends } from '../support/event-store-faults.ts';
import { bearer, openTestAccount } from '../support/api-requests.ts';

/**
 * Every command that creates something is safe to retry after a 5xx: the first try's append
 * lands, then the answer is lost (the event store wrapper below appends, then throws). The
 * client retries with the same Idempotency-Key and gets one thing, under one id.
 */
type App = Awaited<ReturnType<typeof startTestApp>>;
let app: App;
let operator: string;

beforeAll(async () => {
  app = await startTestApp({ PORTAL_URL: 'https://portal.cloudpro.example' });
  operator = await app.tokenFor({ kind: 'operator' });
  await publishWorkedExamplePlan(app);
});
afterAll(async () => {
  await app?.close();
});

/** The next append to a stream the predicate picks lands, then throws, as a connection lost on the way back would. */
function failAfterAppend(store: EventStore, picks: (stream: string) => boolean): { restore(): void; failed(): boolean } {
  let armed = true;
  const restore = interceptAppends(store, async (next, stream, events, options) => {
    const appended = await next(stream, events, options);
    if (armed && picks(stream)) {
      armed = false;
      throw new Error('connection terminated after the append');
    }
    return appended;
  });
  return { restore, failed: () => !armed };
}

const openAccount = async (slug: string): Promise<string> => (await openTestAccount(app, operator, slug, { name: slug, billingEmail: `fin@${slug}.co` })).accountId;

async function eventsOf(type: string, where: (data: Record<string, unknown>) => boolean) {
  return (await app.infrastructure.eventStore.readAll()).filter((e) => e.type === type && where(e.data as Record<string, unknown>));
}

/**
 * Sends the request with an Idempotency-Key while the chosen append fails after landing
 * (500), then again: the retry succeeds; returns both answers.
 */
async function failThenRetry(request: { method: 'POST'; url: string; payload: unknown; token?: string }, picks: (stream: string) => boolean) {
  const key = `retry-${Math.random().toString(36).slice(2)}`;
  const send = () => app.api.inject({ method: request.method, url: request.url, headers: { ...bearer(request.token ?? operator), 'idempotency-key': key }, payload: request.payload as object });
  const wrapper = failAfterAppend(app.infrastructure.eventStore, picks);
  let first;
  try {
    first = await send();
  } finally {
    wrapper.restore();
  }
  expect(wrapper.failed()).toBe(true);
  expect(first.statusCode, first.body).toBe(500);
  const retried = await send();
  expect(retried.statusCode, retried.body).toBeLessThan(300);
  const replayed = await send();
  expect(replayed.headers['idempotent-replayed']).toBe('true');
  return { retried, replayed };
}

describe('a create retried after a 5xx, with the same Idempotency-Key, creates one thing', () => {
  it('bucket', async () => {
    const accountId = await openAccount('retry-bucket');
    const { retried } = await failThenRetry({ method: 'POST', url: `/accounts/${accountId}/buckets`, payload: { name: 'retry-bucket-data' } }, (s) => s.startsWith('bucket-'));
    const recorded = await eventsOf('BucketRequested', (d) => d.accountId === accountId);
    expect(recorded).toHaveLength(1);
    expect(retried.json()).toMatchObject({ bucketId: recorded[0]!.data && (recorded[0]!.data as { bucketId: string }).bucketId, name: 'retry-bucket-data' });
    expect(retried.headers.location).toBe(`/accounts/${accountId}/buckets/${(recorded[0]!.data as { bucketId: string }).bucketId}`);
  });

  it('account', async () => {
    const payload = { name: 'Retry Open', slug: 'retry-open', billingEmail: 'fin@retry-open.co', document: '529.982.247-25' };
    const { retried } = await failThenRetry({ method: 'POST', url: '/accounts', payload }, (s) => s.startsWith('account-'));
    const recorded = await eventsOf('AccountOpened', (d) => d.slug === 'retry-open');
    expect(recorded).toHaveLength(1);
    expect(retried.json()).toMatchObject({ accountId: (recorded[0]!.data as { accountId: string }).accountId, slug: 'retry-open' });
  });

  it('invitation', async () => {
    const accountId = await openAccount('retry-invite');
    const { retried } = await failThenRetry({ method: 'POST', url: `/accounts/${accountId}/invitations`, payload: { email: 'dev@retry-invite.co', role: 'developer' } }, (s) => s === `account-${accountId}`);
    const recorded = await eventsOf('MemberInvited', (d) => d.accountId === accountId);
    expect(recorded).toHaveLength(1);
    const { invitationId } = recorded[0]!.data as { invitationId: string };
    expect(retried.json()).toMatchObject({ invitationId, email: 'dev@retry-invite.co' });
    // the first answer never reached the client: the retry shows the token, the one that was recorded
    const { invitationToken } = retried.json<{ invitationToken: string }>();
    expect(invitationToken).toMatch(new RegExp(`^cpi_[0-9a-f]{32}${invitationId.replaceAll('-', '')}_`));
    const accepted = await app.api.inject({ method: 'POST', url: '/invitations/accept', payload: { token: invitationToken, tokenName: 'laptop' } });
    expect(accepted.statusCode, accepted.body).toBe(201);
  });

  it('API token', async () => {
    const accountId = await openAccount('retry-token');
    const [opened] = await eventsOf('AccountOpened', (d) => d.accountId === accountId);
    const ownerId = (opened!.data as { owner: { memberId: string } }).owner.memberId;
    const { retried, replayed } = await failThenRetry({ method: 'POST', url: `/accounts/${accountId}/api-tokens`, payload: { name: 'ci', memberId: ownerId } }, (s) => s.startsWith('apitoken-'));
    const recorded = await eventsOf('ApiTokenIssued', (d) => (d.scope as { accountId?: string }).accountId === accountId && d.name === 'ci');
    expect(recorded).toHaveLength(1);
    const { tokenId } = recorded[0]!.data as { tokenId: string };
    // only its digest was kept: the token the first try made cannot be shown, and is said to be left out
    expect(retried.json()).toEqual({ tokenId, memberId: ownerId });
    expect(retried.headers['secrets-omitted']).toBe('token');
    expect(replayed.json()).toEqual({ tokenId, memberId: ownerId });
  });

  it('access key', async () => {
    const accountId = await openAccount('retry-key');
    const { retried } = await failThenRetry({ method: 'POST', url: `/accounts/${accountId}/access-keys`, payload: { name: 'backup', buckets: 'all', permission: 'read-write' } }, (s) => s.startsWith('accesskey-'));
    const recorded = await eventsOf('AccessKeyIssued', (d) => d.accountId === accountId);
    expect(recorded).toHaveLength(1);
    const { keyId, accessKeyId } = recorded[0]!.data as { keyId: string; accessKeyId: string };
    expect(retried.json()).toMatchObject({ keyId, accessKeyId });
    expect(retried.headers.location).toBe(`/accounts/${accountId}/access-keys/${keyId}`);
  });

  it('quota request', async () => {
    const accountId = await openAccount('retry-quota');
    const { retried } = await failThenRetry({ method: 'POST', url: `/accounts/${accountId}/quota/requests`, payload: { requestedGiB: 500, reason: 'backups grow' } }, (s) => s.startsWith('quota-'));
    const recorded = await eventsOf('QuotaIncreaseRequested', (d) => d.accountId === accountId);
    expect(recorded).toHaveLength(1);
    expect(retried.json()).toMatchObject({ requestId: (recorded[0]!.data as { requestId: string }).requestId });
  });

  it('plan', async () => {
    const payload = { planId: 'retry-plan', name: 'Retry plan', effectiveFrom: '2030-01', ...WORKED_EXAMPLE_TERMS };
    const { retried } = await failThenRetry({ method: 'POST', url: '/operator/plans', payload }, (s) => s === 'pricebook-retry-plan');
    expect(await eventsOf('PlanVersionPublished', (d) => d.planId === 'retry-plan')).toHaveLength(1);
    expect(retried.json()).toMatchObject({ planId: 'retry-plan' });
  });

  describe('on an issued invoice', () => {
    let invoiceId: string;
    let accountId: string;
    beforeAll(async () => {
      accountId = await accountWithWorkedExampleUsage(app, operator, 'retry-invoice');
      const run = await app.api.inject({ method: 'POST', url: '/operator/billing-runs', headers: bearer(operator), payload: { period: '2026-06' } });
      expect(run.statusCode, run.body).toBe(200);
      await app.runner.catchUp();
      invoiceId = (await app.infrastructure.readModels.selectFrom('invoices').select('invoice_id').where('account_id', '=', accountId).executeTakeFirstOrThrow()).invoice_id;
    });

    it('credit note', async () => {
      const { retried } = await failThenRetry({ method: 'POST', url: `/invoices/${invoiceId}/credit-notes`, payload: { amount: '5.00', reason: 'goodwill' } }, (s) => s.startsWith('invoice-'));
      const recorded = await eventsOf('CreditNoteIssued', (d) => d.invoiceId === invoiceId);
      expect(recorded).toHaveLength(1);
      expect(retried.statusCode).toBe(201);
      expect(retried.json()).toMatchObject({ creditNoteId: (recorded[0]!.data as { creditNoteId: string }).creditNoteId, amount: '5.00', amountDueAfter: '52.59' });
    });

    it('payment (idempotent by its external reference)', async () => {
      const { retried } = await failThenRetry(
        { method: 'POST', url: `/invoices/${invoiceId}/payments`, payload: { externalRef: 'pix-retry-1', amount: '10.00', method: 'pix', receivedAt: '2026-07-05T10:00:00Z' } },
        (s) => s.startsWith('invoice-'),
      );
      const recorded = await eventsOf('PaymentRecorded', (d) => d.invoiceId === invoiceId);
      expect(recorded).toHaveLength(1);
      expect(retried.json()).toMatchObject({ paymentId: (recorded[0]!.data as { paymentId: string }).paymentId, amount: '10.00' });
    });
  });

  describe('void', () => {
    it('voids once and answers the void', async () => {
      const accountId = await accountWithWorkedExampleUsage(app, operator, 'retry-void');
      const run = await app.api.inject({ method: 'POST', url: '/operator/billing-runs', headers: bearer(operator), payload: { period: '2026-06' } });
      expect(run.statusCode, run.body).toBe(200);
      await app.runner.catchUp();
      const { invoice_id: invoiceId } = await app.infrastructure.readModels.selectFrom('invoices').select('invoice_id').where('account_id', '=', accountId).executeTakeFirstOrThrow();
      const { retried } = await failThenRetry({ method: 'POST', url: `/invoices/${invoiceId}/void`, payload: { reason: 'wrong plan' } }, (s) => s.startsWith('invoice-'));
      expect(await eventsOf('InvoiceVoided', (d) => d.invoiceId === invoiceId)).toHaveLength(1);
      expect(retried.json()).toMatchObject({ invoiceId, status: 'void', reason: 'wrong plan' });
    });
  });
});

/**
 * Rotating a key and resetting a password make a new secret each time, so a retry must not
 * make another: the command carries an id from the Idempotency-Key, the event records it,
 * and a retry that finds it answers the first outcome. That secret was never shown and is
 * not shown now (secrets-omitted): the client rotates or resets again to get one.
 */
describe('a secret-making command retried after a 5xx, with the same Idempotency-Key, runs once', () => {
  it('access-key rotation', async () => {
    const accountId = await openAccount('retry-rotate');
    const issued = await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/access-keys`, headers: bearer(operator), payload: { name: 'backup', buckets: 'all', permission: 'read-write' } });
    expect(issued.statusCode, issued.body).toBe(201);
    const { keyId, accessKeyId: issuedAccessKeyId } = issued.json<{ keyId: string; accessKeyId: string }>();
    const { retried, replayed } = await failThenRetry({ method: 'POST', url: `/accounts/${accountId}/access-keys/${keyId}/rotate`, payload: undefined }, (s) => s === `accesskey-${keyId}`);
    const recorded = await eventsOf('AccessKeyRotated', (d) => d.keyId === keyId);
    expect(recorded).toHaveLength(1);
    const { accessKeyId } = recorded[0]!.data as { accessKeyId: string };
    expect(retried.statusCode).toBe(200);
    expect(retried.json()).toMatchObject({ keyId, accessKeyId, previousAccessKeyId: issuedAccessKeyId, status: 'active' });
    expect(retried.json()).not.toHaveProperty('secretAccessKey');
    expect(retried.headers['secrets-omitted']).toBe('secretAccessKey');
    expect(replayed.json()).toMatchObject({ keyId, accessKeyId });
    // another request (another key) still rotates
    const again = await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/access-keys/${keyId}/rotate`, headers: { ...bearer(operator), 'idempotency-key': 'rotate-again' } });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toMatchObject({ previousAccessKeyId: accessKeyId, secretAccessKey: expect.stringMatching(/^[A-Za-z0-9]{40}$/) });
    expect(await eventsOf('AccessKeyRotated', (d) => d.keyId === keyId)).toHaveLength(2);
  });

  it('SFTP user creation', async () => {
    const accountId = await openAccount('retry-sftp');
    const { retried } = await failThenRetry({ method: 'POST', url: `/accounts/${accountId}/sftp-user`, payload: undefined }, (s) => s === `sftpuser-${accountId}`);
    expect(await eventsOf('SftpUserCreated', (d) => d.accountId === accountId)).toHaveLength(1);
    expect(retried.statusCode).toBe(201);
    expect(retried.json()).toMatchObject({ accountId, username: 'cp-retry-sftp', status: 'active' });
    expect(retried.json()).not.toHaveProperty('password');
    expect(retried.headers['secrets-omitted']).toBe('password');
    expect(retried.headers.location).toBe(`/accounts/${accountId}/sftp-user`);
    // a new request to create it is still refused
    const again = await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/sftp-user`, headers: { ...bearer(operator), 'idempotency-key': 'create-again' } });
    expect(again.statusCode, again.body).toBe(409);
  });

  it('SFTP password reset', async () => {
    const accountId = await openAccount('retry-reset');
    const created = await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/sftp-user`, headers: bearer(operator) });
    expect(created.statusCode, created.body).toBe(201);
    const { retried } = await failThenRetry({ method: 'POST', url: `/accounts/${accountId}/sftp-user/reset-password`, payload: undefined }, (s) => s === `sftpuser-${accountId}`);
    const recorded = await eventsOf('SftpPasswordReset', (d) => d.accountId === accountId);
    expect(recorded).toHaveLength(1);
    expect(retried.statusCode).toBe(200);
    expect(retried.json()).toMatchObject({ accountId, passwordResetAt: (recorded[0]!.data as { resetAt: string }).resetAt });
    expect(retried.json()).not.toHaveProperty('password');
    expect(retried.headers['secrets-omitted']).toBe('password');
    const again = await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/sftp-user/reset-password`, headers: { ...bearer(operator), 'idempotency-key': 'reset-again' } });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json<{ password: string }>().password).toMatch(/^[A-Za-z0-9]{24}$/);
    expect(await eventsOf('SftpPasswordReset', (d) => d.accountId === accountId)).toHaveLength(2);
  });
});
