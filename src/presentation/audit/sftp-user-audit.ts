import type { AuditDescriber } from './audit-description.ts';
import { assertNever } from '../../domain/decider.ts';
import { sftpUserEvents, type SftpUserEvent } from '../../domain/sftp-user/sftp-user-events.ts';

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

/** How SFTP user events read in the account's audit log; never a password or storage secret, sealed or not. */
export const describeSftpUserEvent: AuditDescriber = (type, data) => {
  const event = { type, data };
  if (!sftpUserEvents.is(event)) return null;
  return { accountId: event.data.accountId, resourceType: 'sftp_user', resourceId: event.data.username, summary: summarize(event) };
};
