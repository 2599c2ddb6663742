import { simpleParser, type ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccountSmtpCommands } from '../../src/commands/account-smtp.ts';
import { SecretShreddedError } from '../../src/ports/secret-sealer.ts';
import { scheduledJobs } from '../../src/main.ts';
import { startTestApp, testContext } from '../support/app.ts';
import { accountWithWorkedExampleUsage, publishWorkedExamplePlan } from '../support/billing-fixtures.ts';
import { interceptAppends } from '../support/event-store-faults.ts';
import { startSmtpTestServer, type SmtpTestServer } from '../support/smtp-test-server.ts';
import { bearer } from '../support/api-requests.ts';

/**
 * The email reactor with real SMTP servers in-process: the platform's, and a white-label
 * account's own. Every message is parsed back and checked against the events it came from.
 */
type App = Awaited<ReturnType<typeof startTestApp>>;
let app: App;
let platform: SmtpTestServer;
let whiteLabel: SmtpTestServer;
let operator: string;

beforeAll(async () => {
  platform = await startSmtpTestServer();
  whiteLabel = await startSmtpTestServer({ auth: { user: 'mailer@acme', pass: 'acme-smtp-pass' } });
  app = await startTestApp({
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(platform.port),
    SMTP_FROM: '"CloudPro" <billing@cloudpro.example>',
    PORTAL_URL: 'https://portal.cloudpro.example',
    // a failed try comes back within milliseconds (the recording-only retries below)
    REACTOR_RETRY_BASE_MS: '1',
    // the white-label server below is on loopback, which production refuses (next describe)
    ACCOUNT_SMTP_INTERNAL_HOSTS: 'allow',
  });
  operator = await app.tokenFor({ kind: 'operator' });
  await publishWorkedExamplePlan(app);
});
afterAll(async () => {
  await app?.close();
  await platform?.close();
  await whiteLabel?.close();
});

async function settle() {
  await app.runner.catchUp();
  await app.reactors.catchUp(['email']);
  await app.reactors.drain(['email']);
}

const parsed = (server: SmtpTestServer): Promise<ParsedMail[]> => Promise.all(server.messages.map((m) => simpleParser(m.raw)));

describe('email reactor', () => {
  it("a white-label account's invoice and payment mails go through its own server, signed with its name, in its locale", async () => {
    const accountId = await accountWithWorkedExampleUsage(app, operator, 'acme-mail');
    const configured = await app.api.inject({
      method: 'PUT',
      url: `/accounts/${accountId}/smtp`,
      headers: bearer(operator),
      payload: { host: '127.0.0.1', port: whiteLabel.port, secure: false, username: 'mailer@acme', password: 'acme-smtp-pass', fromName: 'Acme Storage', fromAddress: 'billing@acme.example' },
    });
    expect(configured.statusCode, configured.body).toBe(200);
    const english = await app.api.inject({ method: 'PATCH', url: `/accounts/${accountId}/billing-profile`, headers: bearer(operator), payload: { locale: 'en' } });
    expect(english.statusCode, english.body).toBe(200);
    const before = platform.messages.length;

    const run = await app.api.inject({ method: 'POST', url: '/operator/billing-runs', headers: bearer(operator), payload: { period: '2026-06' } });
    expect(run.statusCode, run.body).toBe(200);
    await settle();
    await app.runner.catchUp();
    const invoice = (await app.infrastructure.readModels.selectFrom('invoices').selectAll().where('account_id', '=', accountId).executeTakeFirstOrThrow());
    const paid = await app.api.inject({
      method: 'POST',
      url: `/invoices/${invoice.invoice_id}/payments`,
      headers: bearer(operator),
      payload: { externalRef: 'pix-acme-1', amount: '57.59', method: 'pix', receivedAt: '2026-07-05T10:00:00Z' },
    });
    expect(paid.statusCode, paid.body).toBe(201);
    await settle();

    expect(platform.messages.length).toBe(before);
    const mails = await parsed(whiteLabel);
    expect(whiteLabel.messages.every((m) => m.user === 'mailer@acme')).toBe(true);
    expect(mails.map((m) => m.to && 'text' in m.to ? m.to.text : '')).toEqual(['b@acme-mail.co', 'b@acme-mail.co']);
    const [issued, receipt] = mails;
    expect(issued!.from?.text).toBe('"Acme Storage" <billing@acme.example>');
    // the worked example: 22.50 + 20.00 + 12.35 = 54.85, tax 2.74, total 57.59 (English: ISO code)
    expect(issued!.subject).toContain(invoice.number);
    expect(issued!.text).toContain('BRL 57.59');
    expect(issued!.text).toContain('BRL 2.74');
    expect(issued!.attachments[0]!.filename).toBe(`${invoice.number}.html`);
    expect(issued!.attachments[0]!.content.toString()).toContain('57.59');
    expect(receipt!.text).toContain('BRL 57.59');
    const events = await app.infrastructure.eventStore.readStream(`email-${accountId}`);
    expect(events.map((e) => [e.type, (e.data as { kind: string; viaAccountServer: boolean }).kind, (e.data as { viaAccountServer: boolean }).viaAccountServer])).toEqual([
      ['EmailSent', 'invoice_issued', true],
      ['EmailSent', 'payment_received', true],
    ]);
    expect(issued!.messageId).toBe((events[0]!.data as { messageId: string }).messageId);
  });

  it('an invitation is mailed with the link carrying the token shown to the inviter, and the sealed copy is then destroyed', async () => {
    const opened = await app.api.inject({ method: 'POST', url: '/accounts', headers: bearer(operator), payload: { name: 'Beta', slug: 'beta-mail', billingEmail: 'fin@beta.co', document: '529.982.247-25' } });
    const { accountId } = opened.json<{ accountId: string }>();
    const invited = await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/invitations`, headers: bearer(operator), payload: { email: 'dev@beta.co', role: 'developer' } });
    expect(invited.statusCode, invited.body).toBe(201);
    const { invitationToken } = invited.json<{ invitationToken: string }>();
    const before = platform.messages.length;
    await settle();
    const mails = (await parsed(platform)).slice(before);
    expect(mails).toHaveLength(1);
    expect(platform.messages[before]!.envelopeTo).toEqual(['dev@beta.co']);
    expect(mails[0]!.text).toContain(`https://portal.cloudpro.example/invitations/accept#token=${invitationToken}`);
    // pt-BR is the default locale
    expect(mails[0]!.subject).toMatch(/convite|convidad/i);

    const [invitedEvent] = (await app.infrastructure.eventStore.readStream(`account-${accountId}`)).filter((e) => e.type === 'MemberInvited');
    const sealed = (invitedEvent!.data as { sealedToken: Parameters<typeof app.infrastructure.secrets.open>[0] }).sealedToken;
    await expect(app.infrastructure.secrets.open(sealed)).rejects.toBeInstanceOf(SecretShreddedError);
  });
});

describe('email reactor: a mail the server accepted is never sent again', () => {
  async function invite(slug: string) {
    const opened = await app.api.inject({ method: 'POST', url: '/accounts', headers: bearer(operator), payload: { name: slug, slug, billingEmail: `fin@${slug}.co`, document: '529.982.247-25' } });
    expect(opened.statusCode, opened.body).toBe(201);
    const { accountId } = opened.json<{ accountId: string }>();
    const invited = await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/invitations`, headers: bearer(operator), payload: { email: `dev@${slug}.co`, role: 'developer' } });
    expect(invited.statusCode, invited.body).toBe(201);
    const [invitedEvent] = (await app.infrastructure.eventStore.readStream(`account-${accountId}`)).filter((e) => e.type === 'MemberInvited');
    return { accountId, sealed: (invitedEvent!.data as { sealedToken: Parameters<typeof app.infrastructure.secrets.open>[0] }).sealedToken };
  }
  const sentTo = (address: string) => platform.messages.filter((m) => m.envelopeTo.includes(address)).length;
  async function emailJob(accountId: string) {
    return app.infrastructure.readModels.selectFrom('reactor_jobs').selectAll().where('reactor', '=', 'email').where('account_id', '=', accountId).executeTakeFirstOrThrow();
  }
  async function retryUntilSettled(accountId: string) {
    for (let i = 0; i < 50 && (await emailJob(accountId)).status === 'pending'; i++) {
      await new Promise((r) => setTimeout(r, 5));
      await app.reactors.drain(['email']);
    }
  }

  it('recording EmailSent fails after the server accepted: the retry records it, the mail is not sent again', async () => {
    const { accountId, sealed } = await invite('record-fails');
    const store = app.infrastructure.eventStore;
    let failures = 1;
    // The append lands, then the answer is lost: the reactor sees an error.
    const restore = interceptAppends(store, async (next, stream, events, options) => {
      const appended = await next(stream, events, options);
      if (stream === `email-${accountId}` && failures-- > 0) throw new Error('connection reset after the append');
      return appended;
    });
    try {
      await app.runner.catchUp();
      await app.reactors.catchUp(['email']);
      await app.reactors.drain(['email']);
      await retryUntilSettled(accountId);
    } finally {
      restore();
    }
    expect(failures).toBe(-1);
    expect(sentTo('dev@record-fails.co')).toBe(1);
    // two tries: the send and the failed recording, then the recording alone
    expect(await emailJob(accountId)).toMatchObject({ status: 'done', attempts: 2, last_error: null });
    const events = await store.readStream(`email-${accountId}`);
    expect(events.map((e) => e.type)).toEqual(['EmailSent']);
    await expect(app.infrastructure.secrets.open(sealed)).rejects.toBeInstanceOf(SecretShreddedError);
  });

  it('shredding the invitation token fails after the server accepted: the retry shreds and records, the mail is not sent again', async () => {
    const { accountId, sealed } = await invite('shred-fails');
    const secrets = app.infrastructure.secrets;
    const shred = secrets.shred;
    let failures = 2;
    secrets.shred = async (dataKeyId) => {
      if (failures-- > 0) throw new Error('sealing keys table unavailable');
      return shred.call(secrets, dataKeyId);
    };
    try {
      await app.runner.catchUp();
      await app.reactors.catchUp(['email']);
      await app.reactors.drain(['email']);
      await retryUntilSettled(accountId);
    } finally {
      secrets.shred = shred;
    }
    expect(sentTo('dev@shred-fails.co')).toBe(1);
    expect(await emailJob(accountId)).toMatchObject({ status: 'done', attempts: 3, last_error: null });
    expect((await app.infrastructure.eventStore.readStream(`email-${accountId}`)).map((e) => e.type)).toEqual(['EmailSent']);
    await expect(secrets.open(sealed)).rejects.toBeInstanceOf(SecretShreddedError);
  });
});

describe('email reactor: reminders and quota warnings', () => {
  it('each payment reminder the dunning run records is mailed once, and a quota crossing is mailed in the account locale', async () => {
    const accountId = await accountWithWorkedExampleUsage(app, operator, 'late-payer');
    const run = await app.api.inject({ method: 'POST', url: '/operator/billing-runs', headers: bearer(operator), payload: { period: '2026-06' } });
    expect(run.statusCode, run.body).toBe(200);
    await settle();
    const before = platform.messages.length;
    const jobs = scheduledJobs(app, { includeOff: true });
    const invoice = await app.infrastructure.readModels.selectFrom('invoices').selectAll().where('account_id', '=', accountId).executeTakeFirstOrThrow();
    // a day after the due date, then a week after: two reminders (days 1 and 7)
    const due = new Date(`${String(invoice.due_date).slice(0, 10)}T12:00:00Z`);
    for (const days of [1, 7]) {
      await jobs.find((j) => j.name === 'dunning')!.run(new Date(due.getTime() + days * 86_400_000 + 6 * 3_600_000));
      await settle();
    }
    // 120 GiB stored in a bucket of its own against the default 100 GiB quota: the 100 % warning
    await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/buckets`, headers: bearer(operator), payload: { name: 'late-payer-data' } });
    await app.ingestion.ingest([{ kind: 'storage', sampleKey: 'late-payer-quota', bucket: 'late-payer-data', bytes: String(120n * 2n ** 30n), at: '2026-07-15T00:00:00Z' }], testContext());
    await app.runner.catchUp();
    await jobs.find((j) => j.name === 'quota-check')!.run(new Date('2026-07-20T00:00:00Z'));
    await settle();
    // and running everything again sends nothing more
    await jobs.find((j) => j.name === 'dunning')!.run(new Date(due.getTime() + 7 * 86_400_000 + 7 * 3_600_000));
    await jobs.find((j) => j.name === 'quota-check')!.run(new Date('2026-07-20T00:15:00Z'));
    await settle();

    const mails = (await parsed(platform)).slice(before).filter((m) => (m.to && 'text' in m.to ? m.to.text : '') === 'b@late-payer.co');
    const reminders = (await app.infrastructure.eventStore.readStream(`invoice-${accountId}:2026-06`)).filter((e) => e.type === 'PaymentReminderDue');
    expect(reminders.map((e) => (e.data as { day: number }).day)).toEqual([1, 7]);
    const kinds = (await app.infrastructure.eventStore.readStream(`email-${accountId}`)).map((e) => (e.data as { kind: string }).kind);
    expect(kinds.filter((k) => k === 'payment_reminder')).toHaveLength(2);
    expect(kinds.filter((k) => k === 'quota_warning')).toHaveLength(1);
    const reminderMails = mails.filter((m) => m.subject?.includes(invoice.number!));
    // two reminders, each naming the amount due (pt-BR)
    expect(reminderMails).toHaveLength(2);
    for (const mail of reminderMails) expect(mail.text).toContain('R$ 57,59');
    const quotaMail = mails.find((m) => !m.subject?.includes(invoice.number!))!;
    expect(quotaMail.subject).toBe('Sua cota de armazenamento foi atingida');
    // 120 GiB of 100, measured at the check (2026-07-20T00:00Z = 19/07 21:00 in São Paulo)
    expect(quotaMail.text).toContain('Em 19/07/2026, 21:00 (America/Sao_Paulo), a conta late-payer usava 120,00 GiB dos 100 GiB da sua cota.');
  });
});

describe("email reactor: an account's own SMTP server on an internal address", () => {
  it('is refused for good with the reason, recorded as EmailFailed; nothing reaches the server', async () => {
    const guarded = await startTestApp({ SMTP_HOST: '127.0.0.1', SMTP_PORT: String(platform.port), SMTP_FROM: 'CloudPro <billing@cloudpro.example>' });
    try {
      const op = await guarded.tokenFor({ kind: 'operator' });
      const opened = await guarded.api.inject({ method: 'POST', url: '/accounts', headers: bearer(op), payload: { name: 'Delta', slug: 'delta-mail', billingEmail: 'fin@delta.co', document: '529.982.247-25' } });
      const { accountId } = opened.json<{ accountId: string }>();
      const settings = { host: '127.0.0.1', port: whiteLabel.port, secure: false, username: 'mailer@acme', password: 'acme-smtp-pass', fromName: 'Delta', fromAddress: 'm@delta.co' };
      const put = await guarded.api.inject({ method: 'PUT', url: `/accounts/${accountId}/smtp`, headers: bearer(op), payload: settings });
      expect(put.statusCode, put.body).toBe(400);
      // Settings that got past that check (recorded before it existed, or a name that resolved to a
      // public address when given and to an internal one now) are still refused before each mail.
      await createAccountSmtpCommands(guarded.infrastructure.eventStore, guarded.infrastructure.secrets, async () => null).configure({ accountId, ...settings }, testContext());
      const before = whiteLabel.messages.length + platform.messages.length;
      await guarded.api.inject({ method: 'POST', url: `/accounts/${accountId}/invitations`, headers: bearer(op), payload: { email: 'x@delta.co', role: 'admin' } });
      await guarded.runner.catchUp();
      await guarded.reactors.catchUp(['email']);
      await guarded.reactors.drain(['email']);
      expect(whiteLabel.messages.length + platform.messages.length).toBe(before);
      const [failed] = await guarded.infrastructure.eventStore.readStream(`email-${accountId}`);
      expect(failed!.type).toBe('EmailFailed');
      expect((failed!.data as { reason: string }).reason).toContain('internal address (127.0.0.1)');
    } finally {
      await guarded.close();
    }
  });
});

describe('email reactor without a platform SMTP server', () => {
  it("an account without its own server: the mail waits, pending, saying why; nothing is sent or marked sent", async () => {
    const bare = await startTestApp();
    try {
      const op = await bare.tokenFor({ kind: 'operator' });
      const opened = await bare.api.inject({ method: 'POST', url: '/accounts', headers: bearer(op), payload: { name: 'Gamma', slug: 'gamma-mail', billingEmail: 'fin@gamma.co', document: '529.982.247-25' } });
      const { accountId } = opened.json<{ accountId: string }>();
      await bare.api.inject({ method: 'POST', url: `/accounts/${accountId}/invitations`, headers: bearer(op), payload: { email: 'ops@gamma.co', role: 'admin' } });
      await bare.runner.catchUp();
      await bare.reactors.catchUp(['email']);
      await bare.reactors.drain(['email']);
      const [status] = (await bare.reactors.status()).filter((s) => s.reactor === 'email');
      expect(status).toMatchObject({ pending: 1, done: 0, failed: 0 });
      const job = await bare.infrastructure.readModels.selectFrom('reactor_jobs').selectAll().where('reactor', '=', 'email').executeTakeFirstOrThrow();
      expect(job.attempts).toBe(0);
      expect(job.last_error).toMatch(/^waiting: no SMTP server/);
      expect(await bare.infrastructure.eventStore.readStream(`email-${accountId}`)).toEqual([]);
    } finally {
      await bare.close();
    }
  });
});
