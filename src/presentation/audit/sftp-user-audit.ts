import type { AuditDescriber } from './audit-description.ts';
import { assertNever } from '../../domain/decider.ts';
import type { SftpUserEvent } from '../../domain/sftp-user/sftp-user-events.ts';
import { SFTP_USER_EVENT_TYPES } from '../../domain/sftp-user/sftp-user-events.ts';

function summarize(event: SftpUserEvent): string {
  const user = `SFTP user ${event.data.username}`;
  switch (event.type) {
    case 'SftpUserCreated':
      return `${user} created`;
    case 'SftpPasswordReset':
      return `Password of ${user} reset`;
    case 'SftpBucketMapped':
      return `Bucket ${event.data.bucketId} mapped to ${user}`;
    case 'SftpBucketUnmapped':
      return `Bucket ${event.data.bucketId} unmapped from ${user}`;
    case 'SftpUserDisabled':
      return `${user} disabled`;
    case 'SftpUserProvisioned':
      return `${user} provisioned on the SFTP server`;
    case 'SftpStorageCredentialIssued':
      return `Storage credential ${event.data.accessKey} issued for ${user}`;
    default:
      return assertNever(event);
  }
}

const KNOWN: ReadonlySet<string> = new Set(SFTP_USER_EVENT_TYPES);

/** How SFTP user events read in the account's audit log; never a password or storage secret, sealed or not. */
export const describeSftpUserEvent: AuditDescriber = (type, data) => {
  if (!KNOWN.has(type)) return null;
  const event = { type, data } as SftpUserEvent;
  return { accountId: event.data.accountId, resourceType: 'sftp_user', resourceId: event.data.username, summary: summarize(event) };
};
