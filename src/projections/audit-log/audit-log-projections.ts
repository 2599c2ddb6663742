import type { Insertable } from 'kysely';
import { USAGE_EVENT_TYPES } from '../../domain/usage/usage-events.ts';
import type { RecordedEvent } from '../../ports/event-store.ts';
import type { AuditLogTable } from './audit-log-tables.ts';
import type { Projection } from '../projection.ts';
import { describeForAudit } from './audit-describers.ts';

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

/** Rows per INSERT: 11 parameters each, well under PostgreSQL's 65,535. */
const ROWS_PER_INSERT = 1_000;

/** Built only from the event log: the metadata says who and from where, the describers say what. */
const auditLogProjection: Projection = {
  name: 'audit-log',
  // Every event but usage samples: they are millions and none is an account's business.
  eventTypes: { except: new Set(USAGE_EVENT_TYPES) },
  tables: ['audit_log'],
  async apply(trx, event) {
    const row = rowOf(event);
    if (row) await trx.insertInto('audit_log').values(row).execute();
  },
  // A batch is one INSERT: an INSERT per event capped a rebuild at a few thousand events per second.
  async applyBatch(trx, events) {
    const rows = events.map(rowOf).filter((row): row is AuditRow => row !== null);
    for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) await trx.insertInto('audit_log').values(rows.slice(i, i + ROWS_PER_INSERT)).execute();
  },
};

export const auditLogProjections: Projection[] = [auditLogProjection];
