/** Row shapes of the audit-log read models, merged into ReadModelDatabase. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface AuditLogTables {}
