import { isIP } from 'node:net';
import nodemailer from 'nodemailer';
import type { Mailer, OutgoingMail, SmtpSettings } from '../../ports/mailer.ts';
import { smtpFailure } from './smtp-failure.ts';

export interface NodemailerMailerOptions {
  /** extra certificate authorities to trust (a private relay's, or a test server's); the system's stay trusted */
  ca?: string | Buffer | (string | Buffer)[];
  connectionTimeoutMs?: number;
  greetingTimeoutMs?: number;
  socketTimeoutMs?: number;
  /** connections kept open per SMTP server */
  maxConnections?: number;
}

type Transport = ReturnType<typeof nodemailer.createTransport>;

/**
 * Sends through whichever SMTP server the message's settings name: the platform's, or a
 * white-label account's own. One pooled transport per distinct server and sender, so an
 * account's mail never rides on another's connection or credentials.
 */
export class NodemailerMailer implements Mailer {
  private readonly transports = new Map<string, { transport: Transport; pass: string | null }>();

  constructor(private readonly options: NodemailerMailerOptions = {}) {}

  async send(message: OutgoingMail, via: SmtpSettings): Promise<{ messageId: string; response: string }> {
    const messageId = messageIdHeader(message.messageId, via.from);
    const transport = this.transportFor(via);
    try {
      const info = await transport.sendMail({
        from: via.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        messageId,
        // RFC 3834: machine-sent, so auto-responders leave it alone.
        headers: { 'Auto-Submitted': 'auto-generated' },
        attachments: message.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content })),
      });
      return { messageId: info.messageId ?? messageId, response: info.response };
    } catch (error) {
      throw smtpFailure(error, via);
    }
  }

  /** Closes every pooled connection; sends after this open new ones. */
  async close(): Promise<void> {
    const entries = [...this.transports.values()];
    this.transports.clear();
    for (const { transport } of entries) transport.close();
  }

  private transportFor(via: SmtpSettings): Transport {
    const key = JSON.stringify([via.host.toLowerCase(), via.connectTo ?? null, via.port, via.secure, via.auth?.user ?? null, via.from]);
    const pass = via.auth?.pass ?? null;
    const cached = this.transports.get(key);
    if (cached && cached.pass === pass) return cached.transport;
    // Same server and user with a new password: the old connections must not be reused.
    cached?.transport.close();
    const transport = nodemailer.createTransport({ pool: true, ...transportOptions(via, this.options) });
    this.transports.set(key, { transport, pass });
    return transport;
  }
}

/**
 * `secure`: TLS from the first byte. Otherwise STARTTLS whenever the server offers it, and
 * a certificate that does not verify fails the send. Credentials are never sent in the
 * clear to anything but loopback: with auth, a server that offers no STARTTLS is refused.
 * Without auth (a local relay, a mail catcher) a plain connection is accepted.
 */
export function transportOptions(via: SmtpSettings, options: NodemailerMailerOptions = {}) {
  return {
    host: via.connectTo ?? via.host,
    port: via.port,
    secure: via.secure,
    requireTLS: !via.secure && via.auth !== null && !isLoopback(via.host),
    auth: via.auth ? { user: via.auth.user, pass: via.auth.pass } : undefined,
    tls: {
      minVersion: 'TLSv1.2' as const,
      // Connected by address: the certificate must still name the host.
      ...(via.connectTo && isIP(via.host) === 0 ? { servername: via.host } : {}),
      ...(options.ca ? { ca: options.ca } : {}),
    },
    maxConnections: options.maxConnections ?? 2,
    connectionTimeout: options.connectionTimeoutMs ?? 30_000,
    greetingTimeout: options.greetingTimeoutMs ?? 30_000,
    socketTimeout: options.socketTimeoutMs ?? 60_000,
    // Messages carry their content inline; nothing in one may make us read a file or fetch a URL.
    disableFileAccess: true,
    disableUrlAccess: true,
    logger: false,
  };
}

export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/**
 * The Message-ID header for a message id: `<id@domain>` as given, or a bare id wrapped in
 * angle brackets, with the sender's domain added when it has none. The same id gives the
 * same header, so a resend is recognisable as the same message.
 */
export function messageIdHeader(id: string, from: string): string {
  const bare = id.trim().replace(/^<(.*)>$/, '$1');
  if (bare === '' || /[\s<>]/.test(bare)) throw new TypeError(`a message id must be non-empty, without spaces or angle brackets inside: ${JSON.stringify(id)}`);
  if (bare.includes('@')) return `<${bare}>`;
  const domain = /@([^\s<>@]+)>?\s*$/.exec(from)?.[1] ?? 'localhost';
  return `<${bare}@${domain}>`;
}
