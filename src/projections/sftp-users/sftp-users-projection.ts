import { sql, type Transaction, type UpdateObject } from 'kysely';
import { assertNever } from '../../domain/decider.ts';
import { sftpUserEvents } from '../../domain/sftp-user/sftp-user-events.ts';
import type { RecordedEvent } from '../../ports/event-store.ts';
import type { Projection } from '../projection.ts';
import { updateOneRow } from '../update-one-row.ts';
import type { SftpUserTables } from './sftp-user-tables.ts';

type Trx = Transaction<SftpUserTables>;

/** One row per account's SFTP user; the sealed passwords and storage secret in the events are deliberately left behind. */
export const sftpUsersProjection: Projection = {
  name: 'sftp-users',
  eventTypes: new Set(sftpUserEvents.types),
  tables: ['sftp_users'],

  async apply(trx: Trx, recorded: RecordedEvent) {
    const event = sftpUserEvents.narrow(recorded);
    const revision = recorded.streamRevision.toString();
    const { accountId } = event.data;
    const update = (values: UpdateObject<SftpUserTables, 'sftp_users'>) =>
      updateOneRow(trx, 'sftp_users', { account_id: accountId }, values, `the SFTP user of account ${accountId}`);
    switch (event.type) {
      case 'SftpUserCreated': {
        const d = event.data;
        await trx
          .insertInto('sftp_users')
          .values({
            account_id: accountId,
            username: d.username,
            status: 'active',
            bucket_ids: [],
            created_at: d.createdAt,
            password_reset_at: null,
            disabled_at: null,
            provisioned_at: null,
            updated_at: d.createdAt,
            revision,
          })
          .execute();
        return;
      }
      case 'SftpPasswordReset':
        await update({ password_reset_at: event.data.resetAt, provisioned_at: null, updated_at: event.data.resetAt, revision });
        return;
      case 'SftpBucketMapped':
        await update({
          bucket_ids: sql<string[]>`array_append(bucket_ids, ${event.data.bucketId})`,
          updated_at: event.data.mappedAt,
          revision,
        });
        return;
      case 'SftpBucketUnmapped':
        await update({
          bucket_ids: sql<string[]>`array_remove(bucket_ids, ${event.data.bucketId})`,
          updated_at: event.data.unmappedAt,
          revision,
        });
        return;
      case 'SftpUserDisabled':
        await update({ status: 'disabled', disabled_at: event.data.disabledAt, updated_at: event.data.disabledAt, revision });
        return;
      case 'SftpUserProvisioned':
        await update({ provisioned_at: event.data.provisionedAt, updated_at: event.data.provisionedAt, revision });
        return;
      case 'SftpStorageCredentialIssued':
        // Nothing to show (the sealed secret stays in the event); only the revision moves on.
        await update({ revision });
        return;
      default:
        assertNever(event);
    }
  },
};
