import { z } from 'zod';
import {
  ACCESS_KEY_ID_RULE,
  ACCESS_KEY_PERMISSIONS,
  checkAccessKeyId,
  checkKeyName,
  KEY_NAME,
  MAX_SCOPED_BUCKETS,
} from '../../domain/access-key/access-key-rules.ts';
import { textField } from './field-rule-schema.ts';

export const AccessKeyParams = z.object({ accountId: z.uuid(), keyId: z.uuid() });

const bucketScope = z
  .union([z.literal('all'), z.array(z.uuid()).min(1).max(MAX_SCOPED_BUCKETS)])
  .describe('"all" (every bucket of the account, present and future) or the ids of the buckets it may reach');

export const IssueAccessKeyBody = z.strictObject({
  name: textField(KEY_NAME, checkKeyName).describe('1 to 100 characters, for people (surrounding spaces not counted)'),
  buckets: bucketScope,
  permission: z.enum(ACCESS_KEY_PERMISSIONS),
  expiresAt: z.iso.datetime({ offset: true }).nullable().optional().describe('ISO-8601, in the future; absent or null: never expires'),
});

export const RecordProvisionedBody = z.strictObject({
  accessKeyId: textField(ACCESS_KEY_ID_RULE, checkAccessKeyId).describe('the credentials MinIO now has'),
});

export const AccessKeyStatusView = z.enum(['active', 'expired', 'revoked']);

export const AccessKeyListQuery = z.object({ status: AccessKeyStatusView.optional() });

export const AccessKeyView = z
  .object({
    keyId: z.string(),
    name: z.string(),
    accessKeyId: z.string(),
    buckets: z.union([z.literal('all'), z.array(z.string())]),
    permission: z.enum(ACCESS_KEY_PERMISSIONS),
    status: AccessKeyStatusView.describe('expired once expiresAt has passed'),
    issuedAt: z.string(),
    expiresAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
    rotatedAt: z.string().nullable(),
    previousAccessKeyId: z.string().nullable().describe('the credentials before the last rotation'),
    previousValidUntil: z.string().nullable().describe('until when the previous credentials keep working'),
    provisionedAt: z.string().nullable().describe('when storage got the current credentials; null while pending'),
  })
  .meta({ id: 'AccessKey' });
export type AccessKeyView = z.infer<typeof AccessKeyView>;

export const AccessKeyWithSecretView = AccessKeyView.extend({
  secretAccessKey: z.string().describe('shown once, in this response only; it cannot be retrieved later'),
}).meta({ id: 'AccessKeyWithSecret' });
