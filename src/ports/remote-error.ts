/** A failure the remote explained: its reason is recorded as is (never a secret). */
export class RemoteError extends Error {
  override readonly name = 'RemoteError';
  constructor(
    /** 'minio' | 's3' | 'sftpgo' | 'smtp' */
    readonly remote: string,
    message: string,
    /** false when trying again cannot help (bad request, forbidden): the reactor gives up at once */
    readonly retryable: boolean,
  ) {
    super(message);
  }
}
