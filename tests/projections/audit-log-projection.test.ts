import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKysely, createPool } from '../../src/adapters/postgres/database.ts';
import { migrateReadModels } from '../../src/adapters/postgres/migrate.ts';
import type { RecordedEvent } from '../../src/ports/event-store.ts';
import { auditLogProjections } from '../../src/projections/audit-log/audit-log-projections.ts';
import type { ReadModelDatabase } from '../../src/projections/read-model-database.ts';
import { createTestDatabase } from '../support/database.ts';

const projection = auditLogProjections[0]!;
let db: Kysely<ReadModelDatabase>;

beforeAll(async () => {
  db = createKysely<ReadModelDatabase>(createPool(await createTestDatabase('auditlog')));
  await migrateReadModels(db);
});
afterAll(async () => {
  await db.destroy();
});

let position = 0;
const ACCOUNTS = ['a1', 'a2'];

/** A bucket event (described for the audit log), or an event no describer knows (skipped). */
const eventArb = fc.record({
  kind: fc.constantFrom('BucketRequested', 'BucketQuotaSet', 'BucketDeleted', 'SomethingNobodyDescribes'),
  accountId: fc.constantFrom(...ACCOUNTS),
  quota: fc.option(fc.bigInt({ min: 0n, max: 2n ** 40n }), { nil: null }),
  ip: fc.option(fc.constantFrom('203.0.113.9', '2001:db8::1'), { nil: undefined }),
});

type Shape = typeof eventArb extends fc.Arbitrary<infer E> ? E : never;

function recorded(e: Shape): RecordedEvent {
  const bucketId = randomUUID();
  const base = { accountId: e.accountId, bucketId, name: `b-${bucketId.slice(0, 8)}` };
  const data =
    e.kind === 'BucketRequested' ? { ...base, requestedAt: '2026-06-01T00:00:00.000Z' }
    : e.kind === 'BucketQuotaSet' ? { ...base, quotaBytes: e.quota === null ? null : e.quota.toString(), changedAt: '2026-06-01T00:00:00.000Z' }
    : e.kind === 'BucketDeleted' ? { ...base, deletedAt: '2026-06-01T00:00:00.000Z' }
    : { whatever: 1 };
  return {
    eventId: randomUUID(),
    type: e.kind,
    streamName: `bucket-${bucketId}`,
    streamRevision: 0n,
    position: String(position++).padStart(20, '0'),
    data,
    metadata: { actor: 'tester', correlationId: randomUUID(), causationId: 'c', occurredAt: '2026-06-01T00:00:00.000Z', ...(e.ip ? { ip: e.ip } : {}) },
  };
}

const rows = () => db.selectFrom('audit_log').selectAll().orderBy('position').execute();

describe('audit-log projection', () => {
  it('property: a batch written as one INSERT gives the same rows as one event at a time', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(eventArb, { maxLength: 40 }), async (shapes) => {
        const events = shapes.map(recorded);
        await sql`TRUNCATE audit_log`.execute(db);
        await db.transaction().execute(async (trx) => {
          for (const event of events) await projection.apply(trx, event);
        });
        const oneByOne = await rows();
        await sql`TRUNCATE audit_log`.execute(db);
        await db.transaction().execute((trx) => projection.applyBatch!(trx, events));
        expect(await rows()).toEqual(oneByOne);
        expect(oneByOne).toHaveLength(events.filter((e) => e.type !== 'SomethingNobodyDescribes').length);
      }),
      { numRuns: 40 },
    );
  });
});
