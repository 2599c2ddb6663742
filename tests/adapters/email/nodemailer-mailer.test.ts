import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMailer, type NodemailerMailer } from '../../../src/adapters/email/index.ts';
import { renderEmail } from '../../../src/presentation/email/index.ts';
import type { InvoiceIssuedInput } from '../../../src/presentation/email/index.ts';
import type { OutgoingMail } from '../../../src/ports/mailer.ts';
import { RemoteError } from '../../../src/ports/remote-error.ts';
import { selfSignedIdentity, startSmtpTestServer, unusedPort, type SmtpTestServer, type TlsIdentity } from '../../support/smtp-test-server.ts';

/**
 * The mailer against real SMTP servers on loopback (smtp-server); every message the server
 * accepted is parsed back with mailparser and read as a recipient would read it.
 */

// 22.50 + 20.00 + 12.35 = 54.85; 5% tax of 54.85 = 2.7425 → 2.74; 54.85 + 2.74 = 57.59
const invoice: InvoiceIssuedInput = {
  brandName: 'CloudPro',
  accountName: 'Padaria <script>alert(1)</script> & Filhos',
  number: 'INV-2026-000001',
  period: '2026-06',
  issueDate: '2026-07-01',
  dueDate: '2026-07-10',
  currency: 'BRL',
  lines: [
    { kind: 'monthly_fee', planId: 'pro', quantity: '1', unit: 'month', amount: '22.50' },
    { kind: 'storage_gib_month', planId: 'pro', quantity: '400', unit: 'GiB-month', amount: '20.00' },
    { kind: 'egress_gib', planId: 'pro', quantity: '123.5', unit: 'GiB', amount: '12.35' },
  ],
  subtotal: '54.85',
  tax: '2.74',
  creditApplied: '0.00',
  total: '57.59',
};

function mail(overrides: Partial<OutgoingMail> = {}): OutgoingMail {
  const rendered = renderEmail('invoice_issued', invoice, 'pt-BR');
  return { to: 'financeiro@padaria.com.br', messageId: '<invoice-issued.evt-1@cloudpro.example>', ...rendered, ...overrides };
}

const addresses = (field: AddressObject | AddressObject[] | undefined) => (Array.isArray(field) ? field : field ? [field] : []).flatMap((a) => a.value.map((v) => v.address));
const parse = (server: SmtpTestServer, index = 0): Promise<ParsedMail> => simpleParser(server.messages[index]!.raw);

async function failure(promise: Promise<unknown>): Promise<RemoteError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RemoteError);
  return error as RemoteError;
}

let mailer: NodemailerMailer;
const servers: SmtpTestServer[] = [];
const start = async (...args: Parameters<typeof startSmtpTestServer>) => {
  const server = await startSmtpTestServer(...args);
  servers.push(server);
  return server;
};

beforeAll(() => {
  mailer = createMailer();
});
afterEach(async () => {
  await mailer.close();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('NodemailerMailer', () => {
  it('delivers the invoice email: recipient, subject, figures, Message-ID and the invoice attached', async () => {
    const server = await start();
    const sent = await mailer.send(mail(), server.settings('"CloudPro" <billing@cloudpro.example>'));

    expect(sent.messageId).toBe('<invoice-issued.evt-1@cloudpro.example>');
    expect(sent.response).toMatch(/^250/);
    expect(server.messages).toHaveLength(1);
    expect(server.messages[0]!.envelopeFrom).toBe('billing@cloudpro.example');
    expect(server.messages[0]!.envelopeTo).toEqual(['financeiro@padaria.com.br']);

    const parsed = await parse(server);
    expect(addresses(parsed.to)).toEqual(['financeiro@padaria.com.br']);
    expect(parsed.from?.value).toEqual([{ name: 'CloudPro', address: 'billing@cloudpro.example' }]);
    expect(parsed.subject).toBe('Fatura INV-2026-000001: R$ 57,59, vencimento em 10/07/2026');
    expect(parsed.messageId).toBe('<invoice-issued.evt-1@cloudpro.example>');
    expect(parsed.headers.get('auto-submitted')).toBe('auto-generated');

    const text = parsed.text!;
    expect(text).toContain('- Mensalidade (plano pro), 1 mês: R$ 22,50');
    expect(text).toContain('- Armazenamento, 400 GiB-mês: R$ 20,00');
    expect(text).toContain('- Tráfego de saída, 123,5 GiB: R$ 12,35');
    expect(text).toContain('Subtotal: R$ 54,85');
    expect(text).toContain('Impostos: R$ 2,74');
    expect(text).toContain('Total: R$ 57,59');
    expect(parsed.html).toContain('Padaria &lt;script&gt;alert(1)&lt;/script&gt; &amp; Filhos');
    expect(parsed.html).not.toContain('<script>');

    expect(parsed.attachments).toHaveLength(1);
    const attachment = parsed.attachments[0]!;
    expect(attachment.filename).toBe('INV-2026-000001.html');
    expect(attachment.contentType).toBe('text/html');
    const document = attachment.content.toString('utf8');
    expect(document).toContain('<h1 style="font-size:22px">Fatura INV-2026-000001</h1>');
    for (const figure of ['R$ 22,50', 'R$ 20,00', 'R$ 12,35', 'R$ 54,85', 'R$ 2,74', 'R$ 57,59']) expect(document).toContain(figure);
    expect(document).not.toContain('<script>');
  });

  it("sends a white-label account's mail through its own server and the platform's through the platform's", async () => {
    const platform = await start();
    const acme = await start({ auth: { user: 'acme-mailer', pass: 'acme-smtp-pass' } });
    const beta = await start();
    const platformSettings = platform.settings('"CloudPro" <billing@cloudpro.example>');
    const acmeSettings = acme.settings('"Acme Storage" <cobranca@acme.example>');
    const betaSettings = beta.settings('"Beta Backup" <billing@beta.example>');

    await mailer.send(mail({ to: 'a@customer-one.example', messageId: '<m1@cloudpro.example>' }), platformSettings);
    await mailer.send(mail({ to: 'b@customer-two.example', messageId: '<m2@acme.example>' }), acmeSettings);
    await mailer.send(mail({ to: 'c@customer-three.example', messageId: '<m3@beta.example>' }), betaSettings);
    await mailer.send(mail({ to: 'd@customer-four.example', messageId: '<m4@cloudpro.example>' }), platformSettings);
    await mailer.send(mail({ to: 'e@customer-five.example', messageId: '<m5@beta.example>' }), betaSettings);

    expect(platform.messages.map((m) => m.envelopeTo)).toEqual([['a@customer-one.example'], ['d@customer-four.example']]);
    expect(acme.messages.map((m) => m.envelopeTo)).toEqual([['b@customer-two.example']]);
    expect(beta.messages.map((m) => m.envelopeTo)).toEqual([['c@customer-three.example'], ['e@customer-five.example']]);
    expect(acme.messages[0]!.user).toBe('acme-mailer');
    expect([...platform.messages, ...beta.messages].every((m) => m.user === null)).toBe(true);
    expect((await parse(acme)).from?.value).toEqual([{ name: 'Acme Storage', address: 'cobranca@acme.example' }]);
    expect((await parse(beta, 1)).from?.value).toEqual([{ name: 'Beta Backup', address: 'billing@beta.example' }]);
    expect((await parse(platform, 1)).from?.value).toEqual([{ name: 'CloudPro', address: 'billing@cloudpro.example' }]);
  });

  it('keeps the Message-ID of a resend identical, and completes a bare id with the sender domain', async () => {
    const server = await start();
    const settings = server.settings('"Acme Storage" <cobranca@acme.example>');
    const first = await mailer.send(mail({ messageId: 'invoice-issued.evt-9' }), settings);
    const again = await mailer.send(mail({ messageId: 'invoice-issued.evt-9' }), settings);
    expect(first.messageId).toBe('<invoice-issued.evt-9@acme.example>');
    expect(again.messageId).toBe(first.messageId);
    expect((await parse(server, 0)).messageId).toBe('<invoice-issued.evt-9@acme.example>');
    expect((await parse(server, 1)).messageId).toBe('<invoice-issued.evt-9@acme.example>');
  });

  it('maps a refused login (535) to a permanent RemoteError that does not carry the password', async () => {
    const server = await start({ auth: { user: 'mailer', pass: 'right-pass' } });
    const error = await failure(mailer.send(mail(), server.settings('billing@cloudpro.example', { auth: { user: 'mailer', pass: 'Wr0ng-S3cret!' } })));
    expect(error.remote).toBe('smtp');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('535');
    expect(error.message).toContain('Authentication credentials invalid');
    expect(error.message).not.toContain('Wr0ng-S3cret!');
    expect(server.messages).toHaveLength(0);
  });

  it('redacts the password even when the server echoes it back, plain or base64', async () => {
    const server = await start({
      auth: { user: 'mailer', pass: 'right-pass' },
      authFailureText: (user, pass) => `no such login ${user}/${pass} (${Buffer.from(`\u0000${user}\u0000${pass}`).toString('base64')})`,
    });
    const pass = 'Wr0ng-S3cret!';
    const error = await failure(mailer.send(mail(), server.settings('billing@cloudpro.example', { auth: { user: 'mailer', pass } })));
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('no such login mailer/[redacted] ([redacted])');
    expect(error.message).not.toContain(pass);
    expect(error.message).not.toContain(Buffer.from(`\u0000mailer\u0000${pass}`).toString('base64'));
  });

  it('uses the new password once it changes, not the connection made with the old one', async () => {
    const server = await start({ auth: { user: 'mailer', pass: 'first-pass' } });
    await mailer.send(mail({ messageId: '<p1@cloudpro.example>' }), server.settings('billing@cloudpro.example'));
    server.setPassword('second-pass');
    await mailer.send(mail({ messageId: '<p2@cloudpro.example>' }), server.settings('billing@cloudpro.example', { auth: { user: 'mailer', pass: 'second-pass' } }));
    // the first connection, logged in with the old password, is still open in the pool: it must not carry the second message
    expect(server.messages.map((m) => m.passwordVersion)).toEqual([0, 1]);
  });

  it('maps a temporary refusal (451) to a retryable RemoteError with the reply text', async () => {
    const server = await start({ refuseRecipient: () => ({ code: 451, text: 'Greylisted, please try again later' }) });
    const error = await failure(mailer.send(mail(), server.settings('billing@cloudpro.example')));
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('451');
    expect(error.message).toContain('Greylisted, please try again later');
    expect(server.messages).toHaveLength(0);
  });

  it('maps a permanent refusal (550) to a RemoteError not worth retrying', async () => {
    const server = await start({ refuseRecipient: (address) => (address === 'gone@padaria.com.br' ? { code: 550, text: 'Mailbox unavailable' } : null) });
    const error = await failure(mailer.send(mail({ to: 'gone@padaria.com.br' }), server.settings('billing@cloudpro.example')));
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('550');
    expect(error.message).toContain('Mailbox unavailable');
  });

  it('maps a server that does not answer the connection to a retryable RemoteError', async () => {
    const port = await unusedPort();
    const error = await failure(mailer.send(mail(), { host: '127.0.0.1', port, secure: false, auth: null, from: 'billing@cloudpro.example' }));
    expect(error.retryable).toBe(true);
    expect(error.message).toContain(`127.0.0.1:${port}`);
    expect(error.message).toContain('ECONNREFUSED');
  });

  describe('TLS', () => {
    let identity: TlsIdentity;
    let trusting: NodemailerMailer;
    beforeAll(() => {
      identity = selfSignedIdentity();
      trusting = createMailer({ ca: identity.cert });
    });
    afterAll(async () => {
      await trusting.close();
    });

    it('upgrades with STARTTLS when the server offers it, and authenticates inside TLS', async () => {
      const server = await start({ starttls: identity, auth: { user: 'mailer', pass: 'tls-pass' } });
      await trusting.send(mail(), server.settings('billing@cloudpro.example'));
      await trusting.close();
      expect(server.messages).toHaveLength(1);
      expect(server.messages[0]!.secure).toBe(true);
      expect(server.messages[0]!.user).toBe('mailer');
    });

    it('sends over implicit TLS when the settings say secure', async () => {
      const server = await start({ implicitTls: identity });
      await trusting.send(mail(), server.settings('billing@cloudpro.example', { secure: true }));
      await trusting.close();
      expect(server.messages).toHaveLength(1);
      expect(server.messages[0]!.secure).toBe(true);
    });

    it('refuses a STARTTLS certificate it cannot verify, permanently, and sends nothing', async () => {
      const server = await start({ starttls: identity });
      const error = await failure(mailer.send(mail(), server.settings('billing@cloudpro.example')));
      expect(error.retryable).toBe(false);
      expect(error.message).toMatch(/certificate/i);
      expect(server.messages).toHaveLength(0);
    });

    it('maps implicit TLS spoken to a plain port to a permanent RemoteError (a configuration mistake)', async () => {
      const server = await start();
      const error = await failure(trusting.send(mail(), server.settings('billing@cloudpro.example', { secure: true })));
      expect(error.retryable).toBe(false);
      expect(server.messages).toHaveLength(0);
    });

    it('sends plain to a loopback server that offers no STARTTLS', async () => {
      const server = await start();
      await mailer.send(mail(), server.settings('billing@cloudpro.example'));
      expect(server.messages[0]!.secure).toBe(false);
    });
  });
});
