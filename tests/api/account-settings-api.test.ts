import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAccountMailSettings } from '../../src/commands/account-smtp.ts';
import type { AccountSmtpConfigured, MemberInvited } from '../../src/domain/account/account-events.ts';
import { NotFoundError } from '../../src/domain/errors.ts';
import { SecretShreddedError } from '../../src/ports/secret-sealer.ts';
import { startTestApp } from '../support/app.ts';
import { bearer, openTestAccount } from '../support/api-requests.ts';

type App = Awaited<ReturnType<typeof startTestApp>>;
let app: App;
let operator: string;

beforeAll(async () => {
  app = await startTestApp();
  operator = await app.tokenFor({ kind: 'operator' });
});
afterAll(async () => {
  await app.close();
});

const openAccount = async (slug: string, extra: Record<string, unknown> = {}) =>
  (await openTestAccount(app, operator, slug, extra)) as { accountId: string; locale: string; smtp: unknown };

const show = async (accountId: string) => {
  await app.runner.catchUp();
  const shown = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}`, headers: bearer(operator) });
  expect(shown.statusCode, shown.body).toBe(200);
  return shown.json<Record<string, unknown>>();
};

// Public addresses written as literals: the host is judged when it is given (PUT), and a test
// resolves no name outside loopback.
const SMTP = {
  host: '100.128.0.25',
  port: 587,
  secure: false,
  username: 'mailer@tenant.example',
  password: 'Tr0ub4dor&3-correct-horse',
  fromName: 'Tenant "Cloud" Storage',
  fromAddress: 'billing@tenant.example',
};

describe('account locale', () => {
  it('is pt-BR by default, en when opened so, and changes with the billing profile update; the read model agrees', async () => {
    const brazilian = await openAccount('locale-default');
    expect(brazilian.locale).toBe('pt-BR');
    const english = await openAccount('locale-en', { locale: 'en' });
    expect(english.locale).toBe('en');
    expect((await show(english.accountId)).locale).toBe('en');

    const patched = await app.api.inject({ method: 'PATCH', url: `/accounts/${brazilian.accountId}/billing-profile`, headers: bearer(operator), payload: { locale: 'en' } });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ locale: 'en', billingDay: 10 });
    const shown = await show(brazilian.accountId);
    expect(shown).toEqual(patched.json());
    const events = await app.infrastructure.eventStore.readStream(`account-${brazilian.accountId}`);
    expect(events.map((e) => [e.type, e.type === 'BillingProfileUpdated' ? e.data : null])).toEqual([
      ['AccountOpened', null],
      ['BillingProfileUpdated', { accountId: brazilian.accountId, changes: { locale: 'en' }, updatedAt: expect.any(String) }],
    ]);
  });

  it('refuses an unknown locale at opening and in an update, naming the field', async () => {
    const refused = await app.api.inject({
      method: 'POST',
      url: '/accounts',
      headers: bearer(operator),
      payload: { name: 'x', slug: 'locale-bad', billingEmail: 'b@locale-bad.co', document: '529.982.247-25', locale: 'es' },
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json<{ errors: { path: string }[] }>().errors.map((e) => e.path)).toEqual(['body.locale']);
    const { accountId } = await openAccount('locale-bad-update');
    const patched = await app.api.inject({ method: 'PATCH', url: `/accounts/${accountId}/billing-profile`, headers: bearer(operator), payload: { locale: 'pt_BR' } });
    expect(patched.statusCode).toBe(400);
    expect(patched.json<{ errors: { path: string }[] }>().errors.map((e) => e.path)).toEqual(['body.locale']);
  });
});

describe('white-label SMTP', () => {
  it('PUT shows the settings and passwordSet, never the password; the reactor gets it opened', async () => {
    const { accountId } = await openAccount('smtp-co');
    const put = await app.api.inject({ method: 'PUT', url: `/accounts/${accountId}/smtp`, headers: bearer(operator), payload: SMTP });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json<{ smtp: unknown }>().smtp).toEqual({
      host: '100.128.0.25',
      port: 587,
      secure: false,
      username: 'mailer@tenant.example',
      passwordSet: true,
      fromName: 'Tenant "Cloud" Storage',
      fromAddress: 'billing@tenant.example',
    });
    expect(put.body).not.toContain(SMTP.password);
    const shown = await show(accountId);
    expect(shown).toEqual(put.json());

    const settings = await loadAccountMailSettings(app.infrastructure.eventStore, app.infrastructure.secrets, accountId);
    expect(settings).toEqual({
      host: '100.128.0.25',
      port: 587,
      secure: false,
      auth: { user: 'mailer@tenant.example', pass: SMTP.password },
      from: '"Tenant \\"Cloud\\" Storage" <billing@tenant.example>',
    });
  });

  it('a new password replaces the old one, whose data key is destroyed; a relay without login has no auth', async () => {
    const { accountId } = await openAccount('smtp-rotate');
    await app.api.inject({ method: 'PUT', url: `/accounts/${accountId}/smtp`, headers: bearer(operator), payload: SMTP });
    const replaced = await app.api.inject({
      method: 'PUT',
      url: `/accounts/${accountId}/smtp`,
      headers: bearer(operator),
      payload: { ...SMTP, host: '100.128.0.26', port: 465, secure: true, password: 'second-password-42' },
    });
    expect(replaced.statusCode, replaced.body).toBe(200);
    const configured = (await app.infrastructure.eventStore.readStream(`account-${accountId}`)).filter((e) => e.type === 'AccountSmtpConfigured');
    expect(configured).toHaveLength(2);
    const [first, second] = configured.map((e) => (e.data as AccountSmtpConfigured['data']).sealedPassword!);
    await expect(app.infrastructure.secrets.open(first!)).rejects.toBeInstanceOf(SecretShreddedError);
    expect(await app.infrastructure.secrets.open(second!)).toBe('second-password-42');
    expect(await loadAccountMailSettings(app.infrastructure.eventStore, app.infrastructure.secrets, accountId)).toMatchObject({
      host: '100.128.0.26',
      port: 465,
      secure: true,
      auth: { user: 'mailer@tenant.example', pass: 'second-password-42' },
    });

    const relay = await app.api.inject({
      method: 'PUT',
      url: `/accounts/${accountId}/smtp`,
      headers: bearer(operator),
      payload: { host: '100.128.0.27', port: 25, secure: false, fromName: 'Tenant', fromAddress: 'noreply@tenant.example' },
    });
    expect(relay.statusCode, relay.body).toBe(200);
    expect(relay.json<{ smtp: { username: unknown; passwordSet: boolean } }>().smtp).toMatchObject({ username: null, passwordSet: false });
    await expect(app.infrastructure.secrets.open(second!)).rejects.toBeInstanceOf(SecretShreddedError);
    expect(await loadAccountMailSettings(app.infrastructure.eventStore, app.infrastructure.secrets, accountId)).toEqual({
      host: '100.128.0.27',
      port: 25,
      secure: false,
      auth: null,
      from: '"Tenant" <noreply@tenant.example>',
    });
  });

  it('DELETE falls back to the platform server: null settings, the password destroyed; deleting again changes nothing', async () => {
    const { accountId } = await openAccount('smtp-clear');
    await app.api.inject({ method: 'PUT', url: `/accounts/${accountId}/smtp`, headers: bearer(operator), payload: SMTP });
    const sealed = (await app.infrastructure.eventStore.readStream(`account-${accountId}`)).map((e) => e.data as AccountSmtpConfigured['data']).at(-1)!.sealedPassword!;
    const cleared = await app.api.inject({ method: 'DELETE', url: `/accounts/${accountId}/smtp`, headers: bearer(operator) });
    expect(cleared.statusCode, cleared.body).toBe(200);
    expect(cleared.json<{ smtp: unknown }>().smtp).toBeNull();
    expect((await show(accountId)).smtp).toBeNull();
    expect(await loadAccountMailSettings(app.infrastructure.eventStore, app.infrastructure.secrets, accountId)).toBeNull();
    await expect(app.infrastructure.secrets.open(sealed)).rejects.toBeInstanceOf(SecretShreddedError);

    const again = await app.api.inject({ method: 'DELETE', url: `/accounts/${accountId}/smtp`, headers: bearer(operator) });
    expect(again.statusCode).toBe(200);
    expect(again.headers['event-position']).toBeUndefined();
    const types = (await app.infrastructure.eventStore.readStream(`account-${accountId}`)).map((e) => e.type);
    expect(types).toEqual(['AccountOpened', 'AccountSmtpConfigured', 'AccountSmtpCleared']);
  });

  it('refuses a username without a password and a header-injecting sender name, all at once; nothing is sealed or recorded', async () => {
    const { accountId } = await openAccount('smtp-bad');
    const keysBefore = await app.infrastructure.readModels.selectFrom('sealing_keys' as never).selectAll().execute();
    const refused = await app.api.inject({
      method: 'PUT',
      url: `/accounts/${accountId}/smtp`,
      headers: bearer(operator),
      payload: { ...SMTP, password: undefined, fromName: 'Evil\r\nBcc: all@example.com', port: 0 },
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json<{ errors: { path: string }[] }>().errors.map((e) => e.path).sort()).toEqual(['body.fromName', 'body.password', 'body.port']);
    expect((await app.infrastructure.eventStore.readStream(`account-${accountId}`)).map((e) => e.type)).toEqual(['AccountOpened']);
    expect(await app.infrastructure.readModels.selectFrom('sealing_keys' as never).selectAll().execute()).toHaveLength(keysBefore.length);
  });

  it('a billing member may not configure mail (owner and admin only); an unknown account has no settings', async () => {
    const { accountId } = await openAccount('smtp-roles');
    const billing = await app.tokenFor({ kind: 'account', accountId, role: 'billing' });
    const admin = await app.tokenFor({ kind: 'account', accountId, role: 'admin' });
    const refused = await app.api.inject({ method: 'PUT', url: `/accounts/${accountId}/smtp`, headers: bearer(billing), payload: SMTP });
    expect(refused.statusCode).toBe(403);
    const allowed = await app.api.inject({ method: 'PUT', url: `/accounts/${accountId}/smtp`, headers: bearer(admin), payload: SMTP });
    expect(allowed.statusCode, allowed.body).toBe(200);
    await expect(loadAccountMailSettings(app.infrastructure.eventStore, app.infrastructure.secrets, '00000000-0000-4000-8000-000000000000')).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });
});

describe('invitation tokens', () => {
  it('MemberInvited carries the token sealed (it opens to the token), never in clear; acceptance destroys the sealed copy', async () => {
    const { accountId } = await openAccount('invite-sealed');
    const invited = await app.api.inject({
      method: 'POST',
      url: `/accounts/${accountId}/invitations`,
      headers: bearer(operator),
      payload: { email: 'dev@invite-sealed.co', role: 'developer' },
    });
    expect(invited.statusCode, invited.body).toBe(201);
    const { invitationToken } = invited.json<{ invitationToken: string }>();
    const event = (await app.infrastructure.eventStore.readStream(`account-${accountId}`)).find((e) => e.type === 'MemberInvited')!;
    const data = event.data as MemberInvited['data'];
    expect(JSON.stringify([event.data, event.metadata])).not.toContain(invitationToken);
    expect(JSON.stringify([event.data, event.metadata])).not.toContain(invitationToken.slice(invitationToken.indexOf('_', invitationToken.indexOf('_') + 1) + 1));
    expect(await app.infrastructure.secrets.open(data.sealedToken!)).toBe(invitationToken);

    const accepted = await app.api.inject({ method: 'POST', url: '/invitations/accept', payload: { token: invitationToken } });
    expect(accepted.statusCode, accepted.body).toBe(201);
    await expect(app.infrastructure.secrets.open(data.sealedToken!)).rejects.toBeInstanceOf(SecretShreddedError);
  });

  it('an invitation recorded before tokens were sealed (no sealedToken) is still accepted by its digest', async () => {
    // History as the earlier version wrote it, by hand: an account without a locale, an invitation without a sealed token.
    const accountId = randomUUID();
    const invitationId = randomUUID();
    const hex = (uuid: string) => uuid.replaceAll('-', '');
    const token = `cpi_${hex(accountId)}${hex(invitationId)}_${'A'.repeat(43)}`;
    const metadata = { actor: 'test', correlationId: randomUUID(), causationId: randomUUID(), occurredAt: '2026-11-22T12:00:00.000Z' };
    await app.infrastructure.eventStore.append(
      `account-${accountId}`,
      [
        {
          eventId: randomUUID(),
          type: 'AccountOpened',
          data: {
            accountId,
            name: 'Old Ltda',
            slug: 'invite-old',
            billingEmail: 'b@invite-old.co',
            document: { kind: 'cpf', number: '52998224725' },
            currency: 'BRL',
            timeZone: 'America/Sao_Paulo',
            billingDay: 10,
            openedAt: '2026-11-01T12:00:00.000Z',
            owner: { memberId: randomUUID(), email: 'b@invite-old.co' },
          },
          metadata,
        },
        {
          eventId: randomUUID(),
          type: 'MemberInvited',
          data: {
            accountId,
            invitationId,
            email: 'old@invite-old.co',
            role: 'read-only',
            tokenSha256: createHash('sha256').update(token).digest('hex'),
            invitedAt: '2026-11-21T12:00:00.000Z',
            expiresAt: '2099-01-01T00:00:00.000Z',
          },
          metadata,
        },
      ],
      { expectedRevision: 'no_stream' },
    );
    const accepted = await app.api.inject({ method: 'POST', url: '/invitations/accept', payload: { token } });
    expect(accepted.statusCode, accepted.body).toBe(201);
    expect(accepted.json()).toMatchObject({ accountId, email: 'old@invite-old.co', role: 'read-only' });
    // and the account reads as pt-BR
    expect((await show(accountId)).locale).toBe('pt-BR');
  });
});

describe('white-label SMTP on an internal address (ACCOUNT_SMTP_INTERNAL_HOSTS=refuse, the default)', () => {
  it('refuses a server on an internal address when it is given, in any spelling, naming the host field; nothing is sealed or recorded', async () => {
    const { accountId } = await openAccount('smtp-internal');
    const keysBefore = await app.infrastructure.readModels.selectFrom('sealing_keys' as never).selectAll().execute();
    for (const host of ['127.0.0.1', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1', '::ffff:0:7f00:1', '64:ff9b::7f00:1', '169.254.169.254', '10.0.0.5', 'fd00::25', '0.0.0.0']) {
      const refused = await app.api.inject({ method: 'PUT', url: `/accounts/${accountId}/smtp`, headers: bearer(operator), payload: { ...SMTP, host } });
      expect(refused.statusCode, `${host}: ${refused.body}`).toBe(400);
      const errors = refused.json<{ errors: { path: string; message: string }[] }>().errors;
      expect(errors.map((e) => e.path), host).toEqual(['body.host']);
      expect(errors[0]!.message, host).toMatch(/^is an internal address \(.+\): an account's own mail server must be reachable on the internet/);
    }
    expect((await app.infrastructure.eventStore.readStream(`account-${accountId}`)).map((e) => e.type)).toEqual(['AccountOpened']);
    expect(await app.infrastructure.readModels.selectFrom('sealing_keys' as never).selectAll().execute()).toHaveLength(keysBefore.length);
  });
});
