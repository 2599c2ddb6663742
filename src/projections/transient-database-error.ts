/**
 * Errors that say nothing about the event being applied, only about the database at that
 * moment: the same batch, tried again later, can succeed. Told apart by SQLSTATE (standard
 * classes, whatever the driver) or by the connection's own failure.
 */
const TRANSIENT_SQLSTATES = new Set([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '55P03', // lock_not_available (lock_timeout, NOWAIT)
  '57014', // query_canceled (statement_timeout, a cancel request)
  '57P01', // admin_shutdown (pg_terminate_backend, a fast shutdown)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, recovering)
  '57P05', // idle_session_timeout
  '25P03', // idle_in_transaction_session_timeout
  '53000', // insufficient_resources
  '53200', // out_of_memory
  '53300', // too_many_connections
  '53400', // configuration_limit_exceeded
  '58000', // system_error
  '58030', // io_error
]);

const CONNECTION_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND']);

/** The driver's words for a connection that went away mid-query; it gives them no code. */
const CONNECTION_LOST = /^(Connection terminated|Client has encountered a connection error|Client was closed|Connection closed|timeout exceeded when trying to connect)/;

export function isTransientDatabaseError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    // class 08: connection exception, in all its forms
    if (code.startsWith('08') || TRANSIENT_SQLSTATES.has(code) || CONNECTION_CODES.has(code)) return true;
  }
  if (CONNECTION_LOST.test(error.message)) return true;
  return error.cause !== undefined && error.cause !== error && isTransientDatabaseError(error.cause);
}
