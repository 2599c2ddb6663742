import type { Kysely } from 'kysely';
import type { SftpUsersTable, SftpUserTables } from './sftp-user-tables.ts';

/** The account's SFTP user (an account has at most one). */
export function findSftpUser(db: Kysely<SftpUserTables>, accountId: string): Promise<SftpUsersTable | undefined> {
  return db.selectFrom('sftp_users').selectAll().where('account_id', '=', accountId).executeTakeFirst();
}
