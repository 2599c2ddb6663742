import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import type { SmtpSettings } from '../../src/ports/mailer.ts';

/** One message as the server received it, with what the session knew about the sender. */
export interface ReceivedMessage {
  raw: Buffer;
  envelopeFrom: string | null;
  envelopeTo: string[];
  /** the connection was TLS (implicit, or upgraded by STARTTLS) when the message was sent */
  secure: boolean;
  /** the user that authenticated, if any */
  user: string | null;
  /** how many times `setPassword` had been called when the session authenticated (null: no AUTH) */
  passwordVersion: number | null;
}

export interface TlsIdentity {
  key: string;
  cert: string;
}

export interface SmtpTestServerOptions {
  /** require AUTH with these credentials (offered over plain connections too: loopback only) */
  auth?: { user: string; pass: string };
  /** what a failed AUTH answers after `535`; given the attempted credentials, so a test can make a server echo them */
  authFailureText?: (user: string, pass: string) => string;
  /** TLS from the first byte with this identity */
  implicitTls?: TlsIdentity;
  /** offer STARTTLS with this identity; without it (and without implicitTls) STARTTLS is not offered */
  starttls?: TlsIdentity;
  /** refuse RCPT TO for some addresses with this reply */
  refuseRecipient?: (address: string) => { code: number; text: string } | null;
}

export interface SmtpTestServer {
  host: '127.0.0.1';
  port: number;
  messages: ReceivedMessage[];
  /** SmtpSettings that reach this server */
  settings(from: string, overrides?: Partial<SmtpSettings>): SmtpSettings;
  /** change the password the server accepts from now on */
  setPassword(pass: string): void;
  close(): Promise<void>;
}

/** A real SMTP server (smtp-server) on 127.0.0.1 and a free port, keeping every message it accepts. */
export async function startSmtpTestServer(options: SmtpTestServerOptions = {}): Promise<SmtpTestServer> {
  const messages: ReceivedMessage[] = [];
  let expected = options.auth ? { ...options.auth } : null;
  let passwordVersion = 0;
  const tls = options.implicitTls ?? options.starttls;
  const disabled = [...(expected ? [] : ['AUTH']), ...(tls ? [] : ['STARTTLS'])];

  const serverOptions: SMTPServerOptions = {
    logger: false,
    secure: Boolean(options.implicitTls),
    ...(tls ? { key: tls.key, cert: tls.cert } : {}),
    disabledCommands: disabled,
    authOptional: !expected,
    allowInsecureAuth: true,
    closeTimeout: 500,
    onAuth(auth, _session, callback) {
      const user = auth.username ?? '';
      const pass = auth.password ?? '';
      if (expected && user === expected.user && pass === expected.pass) return callback(null, { user: { name: user, passwordVersion } });
      const failure = Object.assign(new Error(options.authFailureText?.(user, pass) ?? 'Authentication credentials invalid'), { responseCode: 535 });
      callback(failure);
    },
    onRcptTo(address, _session, callback) {
      const refusal = options.refuseRecipient?.(address.address);
      if (refusal) return callback(Object.assign(new Error(refusal.text), { responseCode: refusal.code }));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const from = session.envelope.mailFrom;
        messages.push({
          raw: Buffer.concat(chunks),
          envelopeFrom: from ? from.address : null,
          envelopeTo: session.envelope.rcptTo.map((r) => r.address),
          secure: session.secure,
          user: session.user ? (session.user as { name: string }).name : null,
          passwordVersion: session.user ? (session.user as { passwordVersion: number }).passwordVersion : null,
        });
        callback(null);
      });
    },
  };
  const server = new SMTPServer(serverOptions);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;

  return {
    host: '127.0.0.1',
    port,
    messages,
    settings: (from, overrides = {}) => ({
      host: '127.0.0.1',
      port,
      secure: Boolean(options.implicitTls),
      auth: expected ? { ...expected } : null,
      from,
      ...overrides,
    }),
    setPassword(pass) {
      if (!expected) throw new Error('this server takes no AUTH');
      expected = { ...expected, pass };
      passwordVersion += 1;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A port on 127.0.0.1 that nothing listens on (it was free a moment ago). */
export async function unusedPort(): Promise<number> {
  const server = new SMTPServer({ logger: false });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A throwaway self-signed certificate for 127.0.0.1 and localhost, made by the openssl
 * command line (Node can make keys but not certificates). Trust it by passing `cert` as a CA.
 */
export function selfSignedIdentity(): TlsIdentity {
  const dir = mkdtempSync(path.join(tmpdir(), 'smtp-tls-'));
  try {
    const keyFile = path.join(dir, 'key.pem');
    const certFile = path.join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'],
      { stdio: 'pipe' },
    );
    return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
