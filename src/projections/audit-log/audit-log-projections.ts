import { sql, type Insertable, type Transaction } from 'kysely';
import { USAGE_EVENT_TYPES } from '../../domain/usage/usage-events.ts';
import type { RecordedEvent } from '../../ports/event-store.ts';
import type { AuditLogTable, AuditLogTables } from './audit-log-tables.ts';
import type { Projection } from '../projection.ts';
import { describeForAudit } from '../../presentation/audit/audit-describers.ts';

type AuditRow = Insertable<AuditLogTable>;

function rowOf(event: RecordedEvent): AuditRow | null {
  const description = describeForAudit(event.type, event.data);
  if (!description) return null;
  return {
    position: event.position,
    event_id: event.eventId,
    account_id: description.accountId,
    event_type: event.type,
    resource_type: description.resourceType,
    resource_id: description.resourceId,
    summary: description.summary,
    actor: event.metadata.actor,
    ip: event.metadata.ip ?? null,
    occurred_at: event.metadata.occurredAt,
    correlation_id: event.metadata.correlationId,
  };
}

/**
 * The rows as one INSERT of eleven arrays: a VALUES list of 500 rows is 5,500 parameters for
 * the server to parse and plan, and that (not the rows) was most of a rebuild's time.
 */
async function insertRows(trx: Transaction<AuditLogTables>, rows: readonly AuditRow[]): Promise<void> {
  const column = <K extends keyof AuditRow>(key: K) => rows.map((row) => row[key] ?? null);
  await sql`INSERT INTO audit_log (position, event_id, account_id, event_type, resource_type, resource_id, summary, actor, ip, occurred_at, correlation_id)
    SELECT * FROM unnest(${column('position')}::text[], ${column('event_id')}::text[], ${column('account_id')}::text[], ${column('event_type')}::text[],
      ${column('resource_type')}::text[], ${column('resource_id')}::text[], ${column('summary')}::text[], ${column('actor')}::text[], ${column('ip')}::text[],
      ${column('occurred_at')}::timestamptz[], ${column('correlation_id')}::text[])`.execute(trx);
}

/** Built only from the event log: the metadata says who and from where, the describers say what. */
const auditLogProjection: Projection = {
  name: 'audit-log',
  // Every event but usage samples: they are millions and none is an account's business.
  eventTypes: { except: new Set(USAGE_EVENT_TYPES) },
  tables: ['audit_log'],
  async apply(trx: Transaction<AuditLogTables>, event: RecordedEvent) {
    const row = rowOf(event);
    if (row) await trx.insertInto('audit_log').values(row).execute();
  },
  // A batch is one INSERT: an INSERT per event capped a rebuild at a few thousand events per second.
  async applyBatch(trx: Transaction<AuditLogTables>, events: readonly RecordedEvent[]) {
    const rows = events.map(rowOf).filter((row): row is AuditRow => row !== null);
    if (rows.length > 0) await insertRows(trx, rows);
  },
};

export const auditLogProjections: Projection[] = [auditLogProjection];
