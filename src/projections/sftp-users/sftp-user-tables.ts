/** Row shapes of the sftp-users read models, merged into ReadModelDatabase. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface SftpUserTables {}
