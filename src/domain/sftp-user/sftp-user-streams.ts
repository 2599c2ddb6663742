/** One SFTP user per account, as in the original platform: the stream is the account's. */
export const sftpUserStream = (accountId: string) => `sftpuser-${accountId}`;
