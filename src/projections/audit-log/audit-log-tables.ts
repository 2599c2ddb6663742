/** One row per event of an account: who, what, which resource, when, from where. */
export interface AuditLogTable {
  /** the event's log position: unique, and orders the rows as the log does */
  position: string;
  event_id: string;
  account_id: string;
  event_type: string;
  resource_type: string;
  resource_id: string;
  summary: string;
  actor: string;
  ip: string | null;
  occurred_at: Date | string;
  correlation_id: string;
}

export interface AuditLogTables {
  audit_log: AuditLogTable;
}
