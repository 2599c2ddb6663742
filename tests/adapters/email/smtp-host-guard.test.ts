import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { NodemailerMailer } from '../../../src/adapters/email/nodemailer-mailer.ts';
import { createSmtpHostGuard, isInternalAddress } from '../../../src/adapters/email/smtp-host-guard.ts';
import { startSmtpTestServer } from '../../support/smtp-test-server.ts';

describe("a tenant's SMTP host", () => {
  it('internal addresses are recognised, IPv4, IPv6 and IPv4 written as IPv6', () => {
    for (const address of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fd00::1', 'fe80::1', '::ffff:10.0.0.1']) {
      expect(isInternalAddress(address), address).toBe(true);
    }
    for (const address of ['8.8.8.8', '172.32.0.1', '100.128.0.1', '2001:4860:4860::8888', '::ffff:8.8.8.8']) {
      expect(isInternalAddress(address), address).toBe(false);
    }
  });

  it('the guard refuses an internal address for good, naming it, and lets it through when told to', async () => {
    const guard = createSmtpHostGuard({ allowInternal: false });
    await expect(guard('169.254.169.254')).rejects.toMatchObject({ retryable: false, message: expect.stringContaining('internal address (169.254.169.254)') });
    await expect(guard('localhost')).rejects.toMatchObject({ retryable: false });
    await expect(guard('8.8.8.8')).resolves.toBe('8.8.8.8');
    await expect(createSmtpHostGuard({ allowInternal: true })('127.0.0.1')).resolves.toBeNull();
  });

  it('mail goes to the address that was checked, never to a second lookup of the name', async () => {
    const server = await startSmtpTestServer();
    const mailer = new NodemailerMailer();
    try {
      // `.invalid` never resolves: the message can only arrive by the address given
      const via = { ...server.settings('Acme <m@acme.example>'), host: 'mail.acme.invalid', connectTo: '127.0.0.1' };
      await mailer.send({ to: 'x@example.com', subject: 'pinned', text: 'hello', html: '<p>hello</p>', messageId: 'pinned-1', attachments: [] }, via);
      expect(server.messages).toHaveLength(1);
      expect((await simpleParser(server.messages[0]!.raw)).subject).toBe('pinned');
      await expect(mailer.send({ to: 'x@example.com', subject: 'by name', text: 'x', html: 'x', messageId: 'by-name-1', attachments: [] }, { ...via, connectTo: undefined })).rejects.toThrow(/mail\.acme\.invalid/);
    } finally {
      await mailer.close();
      await server.close();
    }
  });
});
