/**
 * SFTPGo's REST API, as tests/fixtures/sftpgo/sftpgo-openapi.yaml describes it. One SFTP user per
 * account, its filesystem the account's buckets on the S3 server (one virtual folder per
 * mapped bucket), reached with the account's own S3 credentials.
 */
export interface SftpServer {
  /** the user as SFTPGo has it, or null when it does not exist */
  getUser(username: string): Promise<SftpRemoteUser | null>;
  /** creates the user, or brings an existing one to this description (password included) */
  putUser(user: SftpUserSpec): Promise<void>;
  setUserStatus(username: string, status: 'enabled' | 'disabled'): Promise<void>;
  /** succeeds when the user is already gone */
  deleteUser(username: string): Promise<void>;
}

export interface SftpUserSpec {
  username: string;
  /** absent: SFTPGo keeps the password it has (the clear one is shredded after first use) */
  password?: string;
  status: 'enabled' | 'disabled';
  /** S3 credentials the SFTP user's folders use */
  s3: { endpoint: string; region: string; accessKey: string; secretKey: string };
  /** one virtual folder per mapped bucket, mounted at `/<bucket>` */
  buckets: readonly string[];
}

export interface SftpRemoteUser {
  username: string;
  status: 'enabled' | 'disabled';
  buckets: string[];
}
