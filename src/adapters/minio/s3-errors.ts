import {
  AccessKeyRequiredError,
  InvalidArgumentError,
  InvalidBucketNameError,
  InvalidEndpointError,
  InvalidObjectNameError,
  InvalidPortError,
  InvalidPrefixError,
  S3Error,
  SecretKeyRequiredError,
} from 'minio';
import { RemoteError } from '../../ports/remote-error.ts';

// S3 and MinIO error codes that mean "later": throttling, server trouble, time-outs
const RETRYABLE_CODES = new Set([
  'SlowDown',
  'InternalError',
  'ServiceUnavailable',
  'RequestTimeout',
  'OperationAborted',
  'XMinioServerNotInitialized',
  'XMinioBucketMetadataNotInitialized',
  'XMinioIAMNotInitialized',
  'XMinioReadQuorum',
  'XMinioWriteQuorum',
]);

// connection-level failures: nothing was answered, so trying again can help
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

const CLIENT_ARGUMENT_ERRORS = [
  InvalidArgumentError,
  InvalidBucketNameError,
  InvalidObjectNameError,
  InvalidPrefixError,
  InvalidEndpointError,
  InvalidPortError,
  AccessKeyRequiredError,
  SecretKeyRequiredError,
];

export function s3ErrorCode(error: unknown): string | undefined {
  return error instanceof S3Error ? error.code : undefined;
}

/** What the minio client threw, as the port's RemoteError: the server's code and reason, never credentials. */
export function toS3RemoteError(error: unknown, doing: string): RemoteError {
  if (error instanceof RemoteError) return error;
  const err = error as { code?: unknown; message?: unknown; name?: unknown };
  const message = typeof err?.message === 'string' ? err.message : String(error);
  if (error instanceof S3Error) {
    const code = error.code ?? 'UnknownError';
    return new RemoteError('s3', `${doing}: ${code}: ${message}`, RETRYABLE_CODES.has(code));
  }
  // the client retries 408, 429 and 5xx answers itself and then throws without the server's body
  const status = /Retryable HTTP status: (\d{3})/.exec(message)?.[1];
  if (status) return new RemoteError('s3', `${doing}: HTTP ${status} (busy or failing server; the client keeps no reason for it)`, true);
  if (typeof err?.code === 'string' && NETWORK_CODES.has(err.code)) return new RemoteError('s3', `${doing}: ${err.code}: ${message}`, true);
  // the client's own argument checks fail the same way every time
  if (CLIENT_ARGUMENT_ERRORS.some((type) => error instanceof type) || error instanceof TypeError) {
    return new RemoteError('s3', `${doing}: ${(error as Error).name}: ${message}`, false);
  }
  return new RemoteError('s3', `${doing}: ${message}`, true);
}
