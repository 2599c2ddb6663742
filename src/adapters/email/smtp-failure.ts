import { RemoteError } from '../../ports/remote-error.ts';
import { redact } from '../redact.ts';
import type { SmtpSettings } from '../../ports/mailer.ts';

/** What nodemailer attaches to the errors it throws (its own type, restated to keep this file driver-free). */
interface SmtpErrorFields {
  code?: string;
  originalCode?: string;
  command?: string;
  response?: string;
  responseCode?: number;
  message?: string;
}

/** The connection broke or never came up: another attempt may well get through. */
const CONNECTION_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND']);

/** The connection never came up: nothing can have been delivered. */
const NEVER_CONNECTED = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND', 'EDNS']);

/** nodemailer's words for a session that timed out before the server said hello. */
const BEFORE_ANY_COMMAND = /Greeting never received|Connection timeout/i;

/**
 * A certificate the client will not trust, or TLS spoken to a plain port (or the reverse):
 * configuration, not luck; retrying gives the same answer.
 */
const TLS_MISCONFIGURED = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME|certificate|ERR_SSL_|SSL routines/i;

/**
 * A send that failed, as a RemoteError. An SMTP reply decides by its class: 4xx is
 * transient (greylisting, mailbox busy, rate limit), 5xx permanent, except 503 (bad
 * sequence of commands), which says the session went wrong rather than that the message
 * was refused. Without a reply, a broken connection is worth retrying; anything else
 * (credentials missing, TLS refused, a malformed message) is not.
 */
export function smtpFailure(error: unknown, via: SmtpSettings): RemoteError {
  const e = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as SmtpErrorFields;
  const where = `${via.host}:${via.port}`;
  let reason: string;
  let retryable: boolean;
  if (typeof e.responseCode === 'number' && e.responseCode >= 400) {
    const reply = e.response?.trim() || String(e.responseCode);
    reason = `${where} refused${e.command ? ` ${e.command}` : ''}: ${reply}`;
    retryable = e.responseCode < 500 || e.responseCode === 503;
  } else {
    const code = e.originalCode ?? e.code ?? '';
    const message = (e.message ?? 'unknown failure').replace(/\s+/g, ' ').trim();
    reason = `${where}: ${code ? `${code} ` : ''}${message}`;
    retryable = (CONNECTION_CODES.has(code) || CONNECTION_CODES.has(e.code ?? '')) && !TLS_MISCONFIGURED.test(`${code} ${message}`);
    // A session that broke once under way (reset, timed out) may have broken after the
    // server took the message: sending again could deliver it twice. Only a connection that
    // never came up (refused, no route, no such host) surely sent nothing.
    if (retryable && !NEVER_CONNECTED.has(code) && !NEVER_CONNECTED.has(e.code ?? '') && !BEFORE_ANY_COMMAND.test(message)) {
      reason = `outcome unknown, not sent again: the connection broke during the session (${reason})`;
      retryable = false;
    }
  }
  return new RemoteError('smtp', redactCredentials(reason, via), retryable);
}

/**
 * A server may echo what it was sent; the password must not reach a log or an event even
 * then, neither plain nor in the base64 forms AUTH PLAIN and AUTH LOGIN send it in.
 */
export function redactCredentials(text: string, via: SmtpSettings): string {
  if (!via.auth || via.auth.pass === '') return text;
  const { user, pass } = via.auth;
  const forms = [
    Buffer.from(`\u0000${user}\u0000${pass}`).toString('base64'),
    Buffer.from(`${user}\u0000${user}\u0000${pass}`).toString('base64'),
    Buffer.from(pass).toString('base64'),
    pass,
  ];
  return redact(text, forms);
}
