import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectByListing } from '../../src/commands/metering-collectors.ts';
import { startS3rver } from '../adapters/minio/support/s3rver.ts';
import { startTestApp, testContext } from '../support/app.ts';
import { bearer } from '../support/api-requests.ts';
import { startSmtpTestServer, type SmtpTestServer } from '../support/smtp-test-server.ts';
import { collectorDeps } from '../../src/composition/jobs.ts';

/**
 * Issue 5's flow, with every remote real and in this process: a bucket requested through
 * the API is created in the S3 server by its reactor; objects uploaded to it are measured
 * by the listing collector; the billing run invoices the storage; the invoice mail arrives
 * through SMTP with the right total; the portal shows the notification.
 */
type App = Awaited<ReturnType<typeof startTestApp>>;
let app: App;
let s3: Awaited<ReturnType<typeof startS3rver>>;
let smtp: SmtpTestServer;
const MIB = 2 ** 20;

beforeAll(async () => {
  s3 = await startS3rver();
  smtp = await startSmtpTestServer();
  app = await startTestApp({
    MINIO_ENDPOINT: `http://127.0.0.1:${s3.port}`,
    MINIO_ACCESS_KEY: 'S3RVER',
    MINIO_SECRET_KEY: 'S3RVER',
    // s3rver speaks S3 but is not MinIO: no admin API, so metering by listing
    MINIO_ADMIN: 'off',
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(smtp.port),
    SMTP_FROM: '"Nuvem Segura" <cobranca@nuvem.example>',
  });
});
afterAll(async () => {
  await app?.close();
  await smtp?.close();
  await s3?.close();
});

async function settle() {
  await app.runner.catchUp();
  await app.reactors.catchUp();
  await app.reactors.drain();
  await app.runner.catchUp();
}

describe('integrations flow', () => {
  it('bucket provisioned in S3, storage measured by listing, invoice issued and mailed with its total, notification shown', async () => {
    const operator = await app.tokenFor({ kind: 'operator' });
    const plan = await app.api.inject({
      method: 'POST',
      url: '/operator/plans',
      headers: bearer(operator),
      payload: {
        planId: 'flow-storage',
        name: 'Storage only',
        effectiveFrom: '2026-01',
        currency: 'BRL',
        monthlyFee: '0',
        monthlyMinimum: '0',
        taxRate: '0',
        meters: { storage_gib_month: { model: 'per_unit', unitPrice: '1024.00' } },
      },
    });
    expect(plan.statusCode, plan.body).toBe(201);
    const opened = await app.api.inject({
      method: 'POST',
      url: '/accounts',
      headers: bearer(operator),
      payload: { name: 'Acme Backup', slug: 'acme-backup', billingEmail: 'financeiro@acme.example', document: '11.222.333/0001-81', timeZone: 'UTC' },
    });
    expect(opened.statusCode, opened.body).toBe(201);
    const { accountId } = opened.json<{ accountId: string }>();
    const subscribed = await app.api.inject({
      method: 'PUT',
      url: `/accounts/${accountId}/subscription`,
      headers: bearer(operator),
      payload: { planId: 'flow-storage', effectiveAt: '2026-05-01T00:00:00Z' },
    });
    expect(subscribed.statusCode, subscribed.body).toBe(200);

    const requested = await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/buckets`, headers: bearer(operator), payload: { name: 'acme-photos' } });
    expect(requested.statusCode, requested.body).toBe(201);
    const { bucketId } = requested.json<{ bucketId: string }>();
    expect(await s3.client.bucketExists('acme-photos')).toBe(false);
    await settle();
    expect(await s3.client.bucketExists('acme-photos')).toBe(true);
    const bucket = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/buckets/${bucketId}`, headers: bearer(operator) });
    expect(bucket.json<{ status: string }>().status).toBe('provisioned');

    // 12 MiB in 3 objects of 4 MiB (single PUTs: s3rver has no multipart upload)
    const object = Buffer.alloc(4 * MIB, 0x61);
    for (const key of ['a.bin', 'b.bin', 'c.bin']) await s3.client.putObject('acme-photos', key, object, object.length);

    // Measured once, on the first instant of June: the whole month then holds 12 MiB.
    const measuredAt = new Date('2026-06-01T00:00:00Z');
    const collected = await collectByListing({ ...collectorDeps(app.infrastructure.readModels, app.ingestion), objectStorage: app.integrations.objectStorage }, measuredAt, testContext());
    expect(collected).toMatchObject({ bucketsRead: 1, samplesRecorded: 1, unread: [] });
    // a run repeated in the same minute (after a crash) records nothing new
    const repeated = await collectByListing({ ...collectorDeps(app.infrastructure.readModels, app.ingestion), objectStorage: app.integrations.objectStorage }, measuredAt, testContext());
    expect(repeated).toMatchObject({ samplesRecorded: 0, alreadyRecorded: 1 });

    const run = await app.api.inject({ method: 'POST', url: '/operator/billing-runs', headers: bearer(operator), payload: { period: '2026-06' } });
    expect(run.statusCode, run.body).toBe(200);
    expect(run.json<{ issued: number }>().issued).toBe(1);
    await settle();

    const invoices = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/invoices`, headers: bearer(operator) });
    const [invoice] = invoices.json<{ items: { number: string; total: string }[] }>().items;
    // 12 MiB all month = 12/1024 GiB-month × 1024.00 = 12.00
    expect(invoice).toMatchObject({ total: '12.00' });

    expect(smtp.messages).toHaveLength(1);
    const mail = await simpleParser(smtp.messages[0]!.raw);
    expect(smtp.messages[0]!.envelopeTo).toEqual(['financeiro@acme.example']);
    expect(mail.subject).toContain(invoice!.number);
    expect(mail.subject).toContain('R$ 12,00');
    expect(mail.text).toContain('R$ 12,00');
    expect(mail.attachments.map((a) => a.filename)).toEqual([`${invoice!.number}.html`]);
    expect(mail.from?.text).toContain('Nuvem Segura');

    const sent = await app.infrastructure.eventStore.readStream(`email-${accountId}`);
    expect(sent.map((e) => e.type)).toEqual(['EmailSent']);

    const notifications = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/notifications`, headers: bearer(operator) });
    const items = notifications.json<{ items: { kind: string; title: string; resource: { type: string } }[] }>().items;
    expect(items.map((n) => n.kind)).toEqual(['invoice_issued']);
    expect(items[0]!.title).toContain(invoice!.number);
    const unread = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/notifications/unread-count`, headers: bearer(operator) });
    expect(unread.json()).toEqual({ unread: 1 });
  });
});
