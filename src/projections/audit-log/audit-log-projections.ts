import { USAGE_EVENT_TYPES } from '../../domain/usage/usage-events.ts';
import type { Projection } from '../projection.ts';
import { describeForAudit } from './audit-describers.ts';

/** Built only from the event log: the metadata says who and from where, the describers say what. */
const auditLogProjection: Projection = {
  name: 'audit-log',
  // Every event but usage samples: they are millions and none is an account's business.
  eventTypes: { except: new Set(USAGE_EVENT_TYPES) },
  tables: ['audit_log'],
  async apply(trx, event) {
    const description = describeForAudit(event.type, event.data);
    if (!description) return;
    await trx
      .insertInto('audit_log')
      .values({
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
      })
      .execute();
  },
};

export const auditLogProjections: Projection[] = [auditLogProjection];
