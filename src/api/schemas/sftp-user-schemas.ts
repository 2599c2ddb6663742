import { z } from 'zod';

export const SftpBucketParams = z.object({ accountId: z.uuid(), bucketId: z.uuid() });

/** These commands take no input; an empty (or absent) body keeps stray fields from being ignored silently. */
export const NoInputBody = z.strictObject({}).optional();

export const RecordSftpProvisionedBody = z.strictObject({
  dataKeyId: z.uuid().describe("the sealed password's dataKeyId (from the event) that the SFTP server now has"),
});

export const SftpUserView = z
  .object({
    accountId: z.string(),
    username: z.string().describe('cp-<account slug>'),
    status: z.enum(['active', 'disabled']),
    bucketIds: z.array(z.string()).describe('buckets reachable over SFTP'),
    createdAt: z.string(),
    passwordResetAt: z.string().nullable(),
    disabledAt: z.string().nullable(),
    provisionedAt: z.string().nullable().describe('when the SFTP server got the current password; null while pending'),
  })
  .meta({ id: 'SftpUser' });
export type SftpUserView = z.infer<typeof SftpUserView>;

export const SftpUserWithPasswordView = SftpUserView.extend({
  password: z.string().describe('shown once, in this response only; it cannot be retrieved later'),
}).meta({ id: 'SftpUserWithPassword' });
