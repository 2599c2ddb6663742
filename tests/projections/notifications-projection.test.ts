import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresEventStore } from '../../src/adapters/event-store/postgres-event-store.ts';
import { createKysely, createPool } from '../../src/adapters/postgres/database.ts';
import { migrateReadModels } from '../../src/adapters/postgres/migrate.ts';
import type { EventToAppend } from '../../src/ports/event-store.ts';
import { notificationsProjection } from '../../src/projections/notifications/notifications-projection.ts';
import { ProjectionRunner } from '../../src/projections/projection-runner.ts';
import type { ReadModelDatabase } from '../../src/projections/read-model-database.ts';
import { createTestDatabase } from '../support/database.ts';

let db: Kysely<ReadModelDatabase>;
let store: PostgresEventStore;

beforeAll(async () => {
  const pool = createPool(await createTestDatabase('notif'));
  db = createKysely<ReadModelDatabase>(pool);
  store = new PostgresEventStore(pool);
  await store.migrate();
  await migrateReadModels(db);
});
afterAll(async () => {
  await db.destroy();
});

const metadata = (occurredAt: string) => ({ actor: 'test', correlationId: randomUUID(), causationId: randomUUID(), occurredAt });
const event = (type: string, data: object, occurredAt = '2026-12-01T12:00:00.000Z'): EventToAppend & { eventId: string } => ({
  eventId: randomUUID(),
  type,
  data,
  metadata: metadata(occurredAt),
});

const opened = (accountId: string, slug: string, locale?: 'pt-BR' | 'en') =>
  event('AccountOpened', {
    accountId,
    name: slug,
    slug,
    billingEmail: `b@${slug}.co`,
    document: { kind: 'cpf', number: '52998224725' },
    currency: 'BRL',
    timeZone: 'America/Sao_Paulo',
    billingDay: 10,
    openedAt: '2026-10-01T12:00:00.000Z',
    owner: { memberId: randomUUID(), email: `b@${slug}.co` },
    ...(locale ? { locale } : {}),
  });

const invoiceIssued = (accountId: string, invoiceId: string) =>
  event('InvoiceIssued', {
    accountId,
    period: '2026-11',
    invoiceId,
    number: 'INV-2026-000123',
    issueDate: '2026-12-02',
    dueDate: '2026-12-10',
    total: '57.59',
    currency: 'BRL',
    digest: 'd'.repeat(64),
    issuedAt: '2026-12-02T06:30:00.000Z',
  });

const runner = () => new ProjectionRunner({ db, eventStore: store, projections: [notificationsProjection], batchSize: 100 });
const rows = (accountId: string) =>
  db.selectFrom('notifications').selectAll().where('account_id', '=', accountId).orderBy('created_at').orderBy('notification_id').execute();

describe('notifications projection', () => {
  it('writes each kind in the account locale, names the resource, and applies reads in log order; a rebuild gives the same rows', async () => {
    const accountId = randomUUID();
    const otherAccountId = randomUUID();
    const invoiceId = randomUUID();
    const bucketId = randomUUID();
    const keyId = randomUUID();

    // A Brazilian account, without a locale in its history (read as pt-BR) ...
    const issued = invoiceIssued(accountId, invoiceId);
    const paid = event('PaymentRecorded', {
      accountId,
      period: '2026-11',
      invoiceId,
      number: 'INV-2026-000123',
      paymentId: randomUUID(),
      externalRef: 'pix-1',
      amount: '50',
      currency: 'BRL',
      method: 'pix',
      receivedAt: '2026-12-03T10:00:00.000Z',
      recordedAt: '2026-12-03T10:05:00.000Z',
      appliedAmount: '50',
      excessAmount: '0',
      amountPaidAfter: '50',
      amountDueAfter: '7.59',
    });
    const overdue = event('InvoiceOverdue', {
      accountId,
      period: '2026-11',
      invoiceId,
      number: 'INV-2026-000123',
      dueDate: '2026-12-10',
      amountDue: '7.59',
      currency: 'BRL',
      overdueAt: '2026-12-11T04:00:00.000Z',
    });
    const bucketFailed = event('BucketProvisioningFailed', { accountId, bucketId, name: 'backups', reason: 'quota exceeded on the server\n(code 507)', failedAt: '2026-12-04T09:00:00.000Z' });
    await store.append(`account-${accountId}`, [opened(accountId, 'notif-br')], { expectedRevision: 'no_stream' });
    await store.append(`account-${otherAccountId}`, [opened(otherAccountId, 'notif-en', 'en')], { expectedRevision: 'no_stream' });
    await store.append(`invoice-${accountId}:2026-11`, [issued, paid], { expectedRevision: 'any' });
    await store.append(`bucket-${bucketId}`, [bucketFailed], { expectedRevision: 'any' });

    // ... the same kinds of things happen to an English account.
    const quota80 = event('QuotaThresholdReached', { accountId: otherAccountId, thresholdPercent: 80, usedBytes: '91804225536', quotaBytes: '107374182400', reachedAt: '2026-12-05T08:00:00.000Z' });
    const expiring = event('AccessKeyExpiring', { accountId: otherAccountId, keyId, name: 'ci', expiresAt: '2026-12-10T17:00:00.000Z', noticedAt: '2026-12-05T09:00:00.000Z' });
    await store.append(`quotathresholds-${otherAccountId}`, [quota80], { expectedRevision: 'any' });
    await store.append(`accesskeyexpiry-${keyId}`, [expiring], { expectedRevision: 'any' });

    // Read: two of the Brazilian account's by id; then it switches to English; then the overdue notice arrives.
    const readTwo = event('NotificationsRead', { accountId, notificationIds: [issued.eventId, bucketFailed.eventId], memberId: 'mem-1', readAt: '2026-12-06T10:00:00.000Z' });
    await store.append(`notifications-${accountId}`, [readTwo], { expectedRevision: 'any' });
    await store.append(`account-${accountId}`, [event('BillingProfileUpdated', { accountId, changes: { locale: 'en' }, updatedAt: '2026-12-07T10:00:00.000Z' })], { expectedRevision: 'any' });
    await store.append(`invoice-${accountId}:2026-11`, [overdue], { expectedRevision: 'any' });

    await runner().catchUp();

    const brazilian = await rows(accountId);
    expect(brazilian.map((r) => ({ id: r.notification_id, kind: r.kind, title: r.title, body: r.body, resource: [r.resource_type, r.resource_id], readBy: r.read_by }))).toEqual([
      {
        id: issued.eventId,
        kind: 'invoice_issued',
        title: 'Fatura INV-2026-000123 emitida',
        body: 'A fatura de novembro de 2026, no valor de R$ 57,59, vence em 10/12/2026.',
        resource: ['invoice', invoiceId],
        readBy: 'mem-1',
      },
      {
        id: paid.eventId,
        kind: 'payment_received',
        title: 'Pagamento recebido',
        body: 'Recebemos R$ 50,00 referente à fatura INV-2026-000123. Valor em aberto: R$ 7,59.',
        resource: ['invoice', invoiceId],
        readBy: null,
      },
      {
        id: bucketFailed.eventId,
        kind: 'bucket_provisioning_failed',
        title: 'Falha ao criar o bucket backups',
        body: 'Não foi possível criar o bucket backups: quota exceeded on the server (code 507)',
        resource: ['bucket', bucketId],
        readBy: 'mem-1',
      },
      // written after the switch to English
      {
        id: overdue.eventId,
        kind: 'invoice_overdue',
        title: 'Invoice INV-2026-000123 is overdue',
        body: 'Invoice INV-2026-000123 was due on Dec 10, 2026; BRL 7.59 is still unpaid.',
        resource: ['invoice', invoiceId],
        readBy: null,
      },
    ]);
    expect(brazilian.map((r) => (r.read_at === null ? null : new Date(r.read_at).toISOString()))).toEqual(['2026-12-06T10:00:00.000Z', null, '2026-12-06T10:00:00.000Z', null]);
    expect(new Date(brazilian[0]!.created_at).toISOString()).toBe('2026-12-02T06:30:00.000Z');

    // 91,804,225,536 bytes = 85.50 GiB; 85.5% of 100 GiB reads 85%.
    const english = await rows(otherAccountId);
    expect(english.map((r) => [r.kind, r.title, r.body, r.resource_type, r.resource_id])).toEqual([
      ['quota_80_percent', 'Storage at 80% of your quota', 'You are using 85.50 GiB of 100.00 GiB (85%).', 'quota', otherAccountId],
      // 17:00 UTC is 14:00 in São Paulo
      ['access_key_expiring', 'Access key "ci" is expiring', 'The access key "ci" expires on Dec 10, 2026, 2:00 PM. Issue a new key before then.', 'access_key', keyId],
    ]);

    // "all" reads what the log holds before it, for this account only; what comes after stays unread.
    await store.append(`notifications-${accountId}`, [event('NotificationsRead', { accountId, notificationIds: 'all', memberId: null, readAt: '2026-12-12T10:00:00.000Z' })], { expectedRevision: 'any' });
    const quota100 = event('QuotaThresholdReached', { accountId, thresholdPercent: 100, usedBytes: '107374182400', quotaBytes: '107374182400', reachedAt: '2026-12-13T08:00:00.000Z' });
    await store.append(`quotathresholds-${accountId}`, [quota100], { expectedRevision: 'any' });
    await runner().catchUp();
    const afterAll = await rows(accountId);
    expect(afterAll.map((r) => [r.kind, r.read_at === null ? null : new Date(r.read_at).toISOString()])).toEqual([
      ['invoice_issued', '2026-12-06T10:00:00.000Z'],
      ['payment_received', '2026-12-12T10:00:00.000Z'],
      ['bucket_provisioning_failed', '2026-12-06T10:00:00.000Z'],
      ['invoice_overdue', '2026-12-12T10:00:00.000Z'],
      ['quota_100_percent', null],
    ]);
    expect(afterAll.at(-1)!.body).toBe('You are using 100.00 GiB of 100.00 GiB (100%). Request a quota increase.');
    expect((await rows(otherAccountId)).every((r) => r.read_at === null)).toBe(true);

    // Rebuild: empty the tables, replay from the start, same rows.
    const before = [...(await rows(accountId)), ...(await rows(otherAccountId))];
    await db.deleteFrom('notifications').execute();
    await db.deleteFrom('notification_accounts').execute();
    await db.deleteFrom('projection_checkpoints').where('projection', '=', 'notifications').execute();
    await runner().catchUp();
    expect([...(await rows(accountId)), ...(await rows(otherAccountId))]).toEqual(before);
  });
});
