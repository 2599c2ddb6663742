import type { SftpUserStatus } from '../../domain/sftp-user/sftp-user-decider.ts';

/** Row shape of the `sftp_users` read model: one per account that has one. Never a password, sealed or not. */
export interface SftpUsersTable {
  account_id: string;
  username: string;
  status: SftpUserStatus;
  /** buckets reachable over SFTP, in the order they were mapped */
  bucket_ids: string[];
  created_at: Date | string;
  password_reset_at: Date | string | null;
  disabled_at: Date | string | null;
  /** when SFTPGo got the current password; null while pending */
  provisioned_at: Date | string | null;
  updated_at: Date | string;
  /** stream revision of the last event applied, as a decimal string */
  revision: string;
}

/** Row shapes of the sftp-users read models, merged into ReadModelDatabase. */
export interface SftpUserTables {
  sftp_users: SftpUsersTable;
}
