import { describe, expect, it } from 'vitest';
import type { AccessKeyExpiring } from '../../src/domain/access-key/access-key-expiry.ts';
import type { BucketProvisioned, BucketProvisioningFailed } from '../../src/domain/bucket/bucket-events.ts';
import { invoiceDecider, type InvoiceCommand } from '../../src/domain/invoice/invoice-decider.ts';
import type { InvoiceDrafted, InvoiceIssued, InvoiceStreamEvent } from '../../src/domain/invoice/invoice-events.ts';
import { quotaThresholdDecider } from '../../src/domain/quota/quota-thresholds.ts';
import type { RatedInvoice } from '../../src/domain/rating/index.ts';
import { webhookBody, webhookMessageOf, webhookSources, type WebhookMessage, type WebhookSource } from '../../src/domain/webhook/webhook-kinds.ts';

/**
 * The message each kind the issue lists sends, field by field, with the figures worked out
 * by hand. The invoice's and the quota's events come from their deciders, so the figures in
 * the messages are the ones the domain computes, not ones this test wrote into an event.
 */
const ACCOUNT = '6f1c2a9e-4b7d-4e3a-9c55-0d8e7f6a5b41';
const INVOICE = 'b3e1f0a2-7c4d-4a9b-8e6f-1d2c3b4a5e60';
const base = { accountId: ACCOUNT, period: '2026-06', invoiceId: INVOICE };

const drafted: InvoiceDrafted = {
  type: 'InvoiceDrafted',
  data: {
    ...base,
    rated: { currency: 'BRL', total: '1234.56', subtotal: '1234.56', tax: '0.00', creditApplied: '0.00', lines: [] } as unknown as RatedInvoice,
    inputs: {} as InvoiceDrafted['data']['inputs'],
    digest: 'digest-1234.56',
    draftedAt: '2026-07-01T03:00:00.000Z',
  },
};
const issued: InvoiceIssued = {
  type: 'InvoiceIssued',
  data: { ...base, number: 'INV-2026-000042', issueDate: '2026-07-01', dueDate: '2026-07-10', total: '1234.56', currency: 'BRL', digest: 'digest-1234.56', issuedAt: '2026-07-01T03:00:05.000Z' },
};

/** The invoice's story through its decider: 1,000.00 paid, overdue with 234.56 due, then 300.00 paying it with 65.44 over. */
function invoiceStory(): InvoiceStreamEvent[] {
  let history: InvoiceStreamEvent[] = [drafted, issued];
  const run = (command: InvoiceCommand) => {
    const events = invoiceDecider.decide(command, history.reduce(invoiceDecider.evolve, invoiceDecider.initialState()));
    history = [...history, ...events];
  };
  run({ type: 'RecordPayment', data: { ...base, paymentId: 'pay-1', externalRef: 'pix-E1', amount: '1000.00', method: 'pix', receivedAt: '2026-07-05T14:59:00.000Z', recordedAt: '2026-07-05T15:00:00.000Z' } });
  run({ type: 'MarkInvoiceOverdue', data: { ...base, asOfDate: '2026-07-11', overdueAt: '2026-07-11T03:00:00.000Z' } });
  run({ type: 'RecordPayment', data: { ...base, paymentId: 'pay-2', externalRef: 'pix-E2', amount: '300.00', method: 'pix', receivedAt: '2026-07-12T09:59:00.000Z', recordedAt: '2026-07-12T10:00:00.000Z' } });
  return history;
}

const GIB = 1024n ** 3n;
const bucketRef = { accountId: ACCOUNT, bucketId: '0a4e9d1c-2b3f-4c5d-8e7f-9a0b1c2d3e4f', name: 'backups-2026' };
const provisioned: BucketProvisioned = { type: 'BucketProvisioned', data: { ...bucketRef, provisionedAt: '2026-07-02T08:00:00.000Z' } };
const provisioningFailed: BucketProvisioningFailed = { type: 'BucketProvisioningFailed', data: { ...bucketRef, reason: 'the storage server refused the bucket name', failedAt: '2026-07-02T08:00:03.000Z' } };
const keyExpiring: AccessKeyExpiring = {
  type: 'AccessKeyExpiring',
  data: { accountId: ACCOUNT, keyId: 'c9d8e7f6-a5b4-4c3d-9e2f-1a0b9c8d7e6f', name: 'ci-deploy', expiresAt: '2026-07-09T00:00:00.000Z', noticedAt: '2026-07-02T06:00:00.000Z' },
};

const quotaReached = () =>
  quotaThresholdDecider.decide(
    { type: 'CheckQuotaThresholds', data: { accountId: ACCOUNT, usedBytes: (80n * GIB).toString(), quotaBytes: (100n * GIB).toString(), checkedAt: '2026-07-03T12:15:00.000Z' } },
    quotaThresholdDecider.initialState(),
  );

const messagesOf = (events: readonly { type: string }[]): WebhookMessage[] =>
  events.filter((e): e is WebhookSource => webhookSources.is(e as never)).map((e) => webhookMessageOf(e));

describe('webhook messages of each kind', () => {
  const invoice = messagesOf(invoiceStory());

  it('the invoice story: issued, payment received twice, overdue between them, paid; all about the invoice', () => {
    expect(invoice.map((m) => m.kind)).toEqual(['invoice.issued', 'payment.received', 'invoice.overdue', 'payment.received', 'invoice.paid']);
    expect(new Set(invoice.map((m) => m.subject))).toEqual(new Set([`invoice:${INVOICE}`]));
    expect(invoice.every((m) => m.accountId === ACCOUNT)).toBe(true);
    const [issuedMessage, firstPayment, overdue, secondPayment, paid] = invoice;

    expect(issuedMessage).toMatchObject({ occurredAt: '2026-07-01T03:00:05.000Z' });
    expect(issuedMessage!.data).toEqual({
      invoiceId: INVOICE,
      number: 'INV-2026-000042',
      period: '2026-06',
      issueDate: '2026-07-01',
      dueDate: '2026-07-10',
      total: '1234.56',
      currency: 'BRL',
      issuedAt: '2026-07-01T03:00:05.000Z',
    });
    // 1,234.56 − 1,000.00 = 234.56 still due
    expect(firstPayment).toMatchObject({ occurredAt: '2026-07-05T15:00:00.000Z' });
    expect(firstPayment!.data).toEqual({
      paymentId: 'pay-1',
      invoiceId: INVOICE,
      number: 'INV-2026-000042',
      externalRef: 'pix-E1',
      amount: '1000.00',
      currency: 'BRL',
      method: 'pix',
      receivedAt: '2026-07-05T14:59:00.000Z',
      amountDueAfter: '234.56',
    });
    // the day after the due date, 234.56 unpaid
    expect(overdue).toMatchObject({ occurredAt: '2026-07-11T03:00:00.000Z' });
    expect(overdue!.data).toEqual({ invoiceId: INVOICE, number: 'INV-2026-000042', period: '2026-06', dueDate: '2026-07-10', amountDue: '234.56', currency: 'BRL', overdueAt: '2026-07-11T03:00:00.000Z' });
    // 300.00 against 234.56 due: nothing due after it (the 65.44 over is the account's credit, not the message's business)
    expect(secondPayment!.data).toMatchObject({ paymentId: 'pay-2', amount: '300.00', amountDueAfter: '0.00' });
    // 1,000.00 + 234.56 = 1,234.56 paid, nothing credited
    expect(paid).toMatchObject({ occurredAt: '2026-07-12T10:00:00.000Z' });
    expect(paid!.data).toEqual({ invoiceId: INVOICE, number: 'INV-2026-000042', period: '2026-06', total: '1234.56', amountPaid: '1234.56', amountCredited: '0.00', currency: 'BRL', paidAt: '2026-07-12T10:00:00.000Z' });
  });

  it('quota threshold: 80 % of a 100 GiB quota, as the quota decider records it', () => {
    // 80 GiB used of 100 GiB: 85,899,345,920 of 107,374,182,400 bytes, exactly 80 %
    const used = 80n * GIB;
    const quota = 100n * GIB;
    expect([used.toString(), quota.toString()]).toEqual(['85899345920', '107374182400']);
    const [message] = messagesOf(quotaReached());
    expect(message).toEqual({
      kind: 'quota.threshold',
      accountId: ACCOUNT,
      subject: `quota:${ACCOUNT}`,
      occurredAt: '2026-07-03T12:15:00.000Z',
      data: { thresholdPercent: 80, usedBytes: '85899345920', quotaBytes: '107374182400', reachedAt: '2026-07-03T12:15:00.000Z' },
    });
    expect((BigInt(String(message!.data.usedBytes)) * 100n) / BigInt(String(message!.data.quotaBytes))).toBe(80n);
  });

  it('bucket provisioned and bucket failed: about the bucket, the failure saying why', () => {
    const [ok, failed] = messagesOf([provisioned, provisioningFailed]);
    expect(ok).toEqual({
      kind: 'bucket.provisioned',
      accountId: ACCOUNT,
      subject: `bucket:${bucketRef.bucketId}`,
      occurredAt: '2026-07-02T08:00:00.000Z',
      data: { bucketId: bucketRef.bucketId, name: 'backups-2026', provisionedAt: '2026-07-02T08:00:00.000Z' },
    });
    expect(failed).toEqual({
      kind: 'bucket.failed',
      accountId: ACCOUNT,
      subject: `bucket:${bucketRef.bucketId}`,
      occurredAt: '2026-07-02T08:00:03.000Z',
      data: { bucketId: bucketRef.bucketId, name: 'backups-2026', reason: 'the storage server refused the bucket name', failedAt: '2026-07-02T08:00:03.000Z' },
    });
  });

  it('access key expiring: which key and when, 7 days after the notice', () => {
    const [message] = messagesOf([keyExpiring]);
    expect(message).toEqual({
      kind: 'access_key.expiring',
      accountId: ACCOUNT,
      subject: `access-key:${keyExpiring.data.keyId}`,
      occurredAt: '2026-07-02T06:00:00.000Z',
      data: { keyId: keyExpiring.data.keyId, name: 'ci-deploy', expiresAt: '2026-07-09T00:00:00.000Z' },
    });
    expect(Date.parse(String(message!.data.expiresAt)) - Date.parse(message!.occurredAt)).toBe((7 * 24 - 6) * 3_600_000);
  });

  it('no message carries a secret: no secret, token, password or sealed field, and bodies are the Standard Webhooks envelope', () => {
    const all = [...invoice, ...messagesOf([...quotaReached(), provisioned, provisioningFailed, keyExpiring])];
    expect(new Set(all.map((m) => m.kind))).toEqual(
      new Set(['invoice.issued', 'invoice.paid', 'invoice.overdue', 'payment.received', 'quota.threshold', 'bucket.provisioned', 'bucket.failed', 'access_key.expiring']),
    );
    const keysOf = (value: unknown): string[] =>
      value !== null && typeof value === 'object' ? Object.entries(value).flatMap(([key, inner]) => [key, ...keysOf(inner)]) : [];
    for (const message of all) {
      const body = webhookBody(message);
      expect(JSON.parse(body), message.kind).toEqual({ type: message.kind, timestamp: message.occurredAt, data: message.data });
      for (const key of keysOf(message.data)) expect(key, `${message.kind}.${key}`).not.toMatch(/secret|token|password|sealed|ciphertext|authTag|dataKey|digest/i);
      expect(body, message.kind).not.toMatch(/whsec_|secretAccessKey|digest-1234/);
    }
  });
});
