import type { Kysely } from 'kysely';
import type { ReadModelDatabase } from '../read-model-database.ts';
import type { SftpUsersTable } from './sftp-user-tables.ts';

/** The account's SFTP user (an account has at most one). */
export function findSftpUser(db: Kysely<ReadModelDatabase>, accountId: string): Promise<SftpUsersTable | undefined> {
  return db.selectFrom('sftp_users').selectAll().where('account_id', '=', accountId).executeTakeFirst();
}
