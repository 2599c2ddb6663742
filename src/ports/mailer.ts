/** Sends one message over SMTP, through the platform's server or an account's own (white-label). */
export interface Mailer {
  send(message: OutgoingMail, via: SmtpSettings): Promise<{ messageId: string; response: string }>;
}

export interface SmtpSettings {
  host: string;
  port: number;
  /** true: TLS from the first byte (465); false: STARTTLS when the server offers it */
  secure: boolean;
  auth: { user: string; pass: string } | null;
  /** e.g. `"Acme Storage" <billing@acme.example>` */
  from: string;
  /**
   * The address `host` was checked to resolve to: connect there, and check the TLS
   * certificate against `host`. A second lookup could answer otherwise (DNS rebinding).
   */
  connectTo?: string;
}

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** derived from the event that asked for the mail: a resend would carry the same id */
  messageId: string;
  attachments: { filename: string; contentType: string; content: string | Buffer }[];
}
