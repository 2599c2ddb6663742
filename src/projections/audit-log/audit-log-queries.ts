import type { Kysely } from 'kysely';
import type { AuditLogTable, AuditLogTables } from './audit-log-tables.ts';

export interface AuditLogPage {
  resourceType?: string;
  resourceId?: string;
  actor?: string;
  eventType?: string;
  /** inclusive */
  from?: string;
  /** exclusive */
  to?: string;
  /** before this log position, newest first */
  beforePosition?: string;
  limit: number;
}

/** A page of the account's audit entries, newest first. */
export function auditLogPage(db: Kysely<AuditLogTables>, accountId: string, page: AuditLogPage): Promise<AuditLogTable[]> {
  let q = db.selectFrom('audit_log').selectAll().where('account_id', '=', accountId);
  if (page.resourceType) q = q.where('resource_type', '=', page.resourceType);
  if (page.resourceId) q = q.where('resource_id', '=', page.resourceId);
  if (page.actor) q = q.where('actor', '=', page.actor);
  if (page.eventType) q = q.where('event_type', '=', page.eventType);
  if (page.from) q = q.where('occurred_at', '>=', page.from);
  if (page.to) q = q.where('occurred_at', '<', page.to);
  if (page.beforePosition) q = q.where('position', '<', page.beforePosition);
  return q.orderBy('position', 'desc').limit(page.limit).execute();
}
