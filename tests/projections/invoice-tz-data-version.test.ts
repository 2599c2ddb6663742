import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKysely, createPool } from '../../src/adapters/postgres/database.ts';
import { migrateReadModels } from '../../src/adapters/postgres/migrate.ts';
import type { RecordedEvent } from '../../src/ports/event-store.ts';
import { invoiceProjections } from '../../src/projections/invoices/invoice-projections.ts';
import type { ReadModelDatabase } from '../../src/projections/read-model-database.ts';
import { createTestDatabase } from '../support/database.ts';

let db: Kysely<ReadModelDatabase>;

beforeAll(async () => {
  db = createKysely<ReadModelDatabase>(createPool(await createTestDatabase('invtz')));
  await migrateReadModels(db);
});
afterAll(async () => {
  await db.destroy();
});

let position = 0;
const recorded = (type: string, data: object): RecordedEvent => ({
  eventId: randomUUID(),
  type,
  streamName: 'invoice-test',
  streamRevision: BigInt(position),
  position: String(++position).padStart(20, '0'),
  data,
  metadata: { actor: 'test', correlationId: randomUUID(), causationId: randomUUID(), occurredAt: '2026-12-02T12:00:00.000Z' },
});

async function issue(extra: object) {
  const accountId = randomUUID();
  const invoiceId = randomUUID();
  const rated = { currency: 'BRL', subtotal: '10.00', tax: '0.00', creditApplied: '0.00', total: '10.00', lines: [], periodStart: '2026-11-01T03:00:00.000Z', periodEnd: '2026-12-01T03:00:00.000Z' };
  const [projection] = invoiceProjections;
  await db.transaction().execute(async (trx) => {
    await projection!.apply(trx, recorded('InvoiceDrafted', { accountId, period: '2026-11', invoiceId, rated, inputs: {}, digest: 'd'.repeat(64), draftedAt: '2026-12-01T04:00:00.000Z' }));
    await projection!.apply(
      trx,
      recorded('InvoiceIssued', { accountId, period: '2026-11', invoiceId, number: `INV-2026-${position}`, issueDate: '2026-12-02', dueDate: '2026-12-10', total: '10.00', currency: 'BRL', digest: 'd'.repeat(64), issuedAt: '2026-12-02T12:00:00.000Z', ...extra }),
    );
  });
  return db.selectFrom('invoices').select(['status', 'tz_data_version']).where('invoice_id', '=', invoiceId).executeTakeFirstOrThrow();
}

describe('the invoices read model', () => {
  it('shows the time-zone database an invoice was issued with', async () => {
    expect(await issue({ tzDataVersion: '2025b' })).toEqual({ status: 'issued', tz_data_version: '2025b' });
  });

  it('shows none for an invoice issued before it was recorded', async () => {
    expect(await issue({})).toEqual({ status: 'issued', tz_data_version: null });
  });
});
