import { describe, expect, it } from 'vitest';
import { isLoopback, messageIdHeader, transportOptions } from '../../../src/adapters/email/nodemailer-mailer.ts';
import { redactCredentials, smtpFailure } from '../../../src/adapters/email/smtp-failure.ts';
import type { SmtpSettings } from '../../../src/ports/mailer.ts';

/**
 * The rules the mailer applies before and after talking to a server, on values a server
 * here cannot produce: a remote host name, a 503 reply, a 421 greeting.
 */
const settings = (overrides: Partial<SmtpSettings> = {}): SmtpSettings => ({
  host: 'smtp.acme.example',
  port: 587,
  secure: false,
  auth: { user: 'mailer', pass: 'p4ss' },
  from: '"Acme" <billing@acme.example>',
  ...overrides,
});

describe('transport options', () => {
  it('requires STARTTLS before sending credentials to a remote server', () => {
    expect(transportOptions(settings()).requireTLS).toBe(true);
  });
  it('leaves STARTTLS opportunistic without credentials, on loopback, and under implicit TLS', () => {
    expect(transportOptions(settings({ auth: null })).requireTLS).toBe(false);
    expect(transportOptions(settings({ host: '127.0.0.1' })).requireTLS).toBe(false);
    expect(transportOptions(settings({ secure: true, port: 465 })).requireTLS).toBe(false);
  });
  it('never reads files or URLs named in a message', () => {
    const options = transportOptions(settings());
    expect(options.disableFileAccess).toBe(true);
    expect(options.disableUrlAccess).toBe(true);
  });
  it('knows loopback addresses', () => {
    expect(['localhost', '127.0.0.1', '127.10.0.2', '::1', '[::1]', 'LOCALHOST'].map(isLoopback)).toEqual([true, true, true, true, true, true]);
    expect(['smtp.acme.example', '10.0.0.1', '127.0.0.1.nip.example', '::2'].map(isLoopback)).toEqual([false, false, false, false]);
  });
});

describe('Message-ID', () => {
  it('keeps a full id, wraps a bare one and adds the sender domain when it has none', () => {
    expect(messageIdHeader('<a.b@acme.example>', 'x@y.example')).toBe('<a.b@acme.example>');
    expect(messageIdHeader('a.b@acme.example', 'x@y.example')).toBe('<a.b@acme.example>');
    expect(messageIdHeader('evt-42', '"Acme" <billing@acme.example>')).toBe('<evt-42@acme.example>');
    expect(messageIdHeader('evt-42', 'billing@acme.example')).toBe('<evt-42@acme.example>');
  });
  it('refuses an id that would break the header', () => {
    expect(() => messageIdHeader('', 'x@y.example')).toThrow(TypeError);
    expect(() => messageIdHeader('a b@c', 'x@y.example')).toThrow(TypeError);
    expect(() => messageIdHeader('<a<b@c>', 'x@y.example')).toThrow(TypeError);
  });
});

describe('SMTP failures', () => {
  const reply = (responseCode: number, response: string, command = 'RCPT TO') => ({ code: 'EENVELOPE', responseCode, response, command, message: `Can't send mail - ${response}` });

  it('retries 4xx and 503, gives up on other 5xx', () => {
    expect(smtpFailure(reply(421, '421 Service not available, closing channel', 'CONN'), settings()).retryable).toBe(true);
    expect(smtpFailure(reply(452, '452 Mailbox full'), settings()).retryable).toBe(true);
    expect(smtpFailure(reply(503, '503 Bad sequence of commands'), settings()).retryable).toBe(true);
    expect(smtpFailure(reply(550, '550 No such user'), settings()).retryable).toBe(false);
    expect(smtpFailure(reply(554, '554 Transaction failed'), settings()).retryable).toBe(false);
  });
  it("words the reason with the server, the command and the server's reply", () => {
    const error = smtpFailure(reply(452, '452 4.2.2 Mailbox full'), settings());
    expect(error.remote).toBe('smtp');
    expect(error.message).toBe('smtp.acme.example:587 refused RCPT TO: 452 4.2.2 Mailbox full');
  });
  it('retries connections that never came up, not missing credentials or certificate failures', () => {
    expect(smtpFailure({ code: 'ETIMEDOUT', message: 'Greeting never received' }, settings()).retryable).toBe(true);
    expect(smtpFailure({ code: 'ESOCKET', originalCode: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:25' }, settings()).retryable).toBe(true);
    expect(smtpFailure({ code: 'EAUTH', message: 'Missing credentials for "PLAIN"' }, settings()).retryable).toBe(false);
    expect(smtpFailure({ code: 'ESOCKET', originalCode: 'CERT_HAS_EXPIRED', message: 'certificate has expired' }, settings()).retryable).toBe(false);
  });
  it('a session that broke under way may have delivered the message: outcome unknown, never sent again', () => {
    const reset = smtpFailure({ code: 'ESOCKET', originalCode: 'ECONNRESET', message: 'read ECONNRESET', command: 'CONN' }, settings());
    expect(reset.retryable).toBe(false);
    expect(reset.message).toMatch(/^outcome unknown, not sent again/);
    expect(smtpFailure({ code: 'ETIMEDOUT', message: 'Timeout', command: 'CONN' }, settings()).retryable).toBe(false);
  });
  it('redacts the password in every form AUTH sends it', () => {
    const via = settings();
    const plain = Buffer.from('\u0000mailer\u0000p4ss').toString('base64');
    const login = Buffer.from('p4ss').toString('base64');
    expect(redactCredentials(`saw p4ss, ${plain} and ${login}`, via)).toBe('saw [redacted], [redacted] and [redacted]');
    expect(smtpFailure(reply(535, `535 bad ${plain}`, 'AUTH PLAIN'), via).message).not.toContain(plain);
  });
});
