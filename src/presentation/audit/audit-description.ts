/**
 * How one event reads in an account's audit log. Each module describes its own events
 * (e.g. bucket-audit.ts beside this file); the audit-log projection only collects them.
 */
export interface AuditDescription {
  accountId: string;
  /** e.g. 'bucket', 'access_key', 'sftp_user', 'member', 'account', 'quota', 'api_token' */
  resourceType: string;
  resourceId: string;
  /** one readable English sentence without secrets, e.g. 'Access key "backup" revoked' */
  summary: string;
}

/** Returns null for event types it does not know. */
export type AuditDescriber = (type: string, data: unknown) => AuditDescription | null;
