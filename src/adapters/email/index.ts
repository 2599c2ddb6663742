import { NodemailerMailer, type NodemailerMailerOptions } from './nodemailer-mailer.ts';

export { NodemailerMailer, type NodemailerMailerOptions } from './nodemailer-mailer.ts';

/** The Mailer for main.ts: one instance for the process; `close()` it on shutdown. */
export function createMailer(options: NodemailerMailerOptions = {}): NodemailerMailer {
  return new NodemailerMailer(options);
}
