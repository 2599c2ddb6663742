import { describe, expect, it } from 'vitest';
import type {
  AcceptInvitation,
  ClearAccountSmtp,
  ConfigureAccountSmtp,
  InviteMember,
  OpenAccount,
  UpdateBillingProfile,
} from '../../src/domain/account/account-commands.ts';
import { describeAccountEvent } from '../../src/presentation/audit/account-audit.ts';
import { accountDecider, type AccountState } from '../../src/domain/account/account-decider.ts';
import type {
  AccountClosed,
  AccountOpened,
  AccountSmtpCleared,
  AccountSmtpConfigured,
  BillingProfileUpdated,
  InvitationAccepted,
  MemberInvited,
} from '../../src/domain/account/account-events.ts';
import { formatFromHeader, validateSmtpSettings } from '../../src/domain/account/account-smtp.ts';
import { IllegalStateError, NotFoundError, ValidationError, type DomainError } from '../../src/domain/errors.ts';
import type { SealedSecret } from '../../src/domain/shared/sealed-secret.ts';
import { accountOpenedLocale } from '../../src/domain/account/account-upcasters.ts';
import { deciderSpec } from '../support/decider-spec.ts';

const spec = deciderSpec(accountDecider);

const ACCOUNT_ID = 'acc-1';
const OWNER_ID = 'mem-owner';
const OPENED_AT = '2026-03-01T12:00:00.000Z';
const LATER = '2026-03-05T09:30:00.000Z';
const LATEST = '2026-03-06T10:00:00.000Z';
const SEALED: SealedSecret = { dataKeyId: 'key-1', ciphertext: 'Y2lwaGVy', iv: 'aXY=', authTag: 'dGFn' };
const SEALED_2: SealedSecret = { dataKeyId: 'key-2', ciphertext: 'b3RoZXI=', iv: 'aXYy', authTag: 'dGFnMg==' };

/**
 * An AccountOpened as recorded before locales existed (version 1: no `locale` field at all),
 * as the log hands it to the decider: through the upcasters.
 */
const storedBeforeLocales = (): { type: 'AccountOpened'; data: Omit<AccountOpened['data'], 'locale'> } => ({
  type: 'AccountOpened',
  data: {
    accountId: ACCOUNT_ID,
    name: 'Acme Ltda',
    slug: 'acme',
    billingEmail: 'billing@acme.com.br',
    document: { kind: 'cpf', number: '52998224725' },
    currency: 'BRL',
    timeZone: 'America/Sao_Paulo',
    billingDay: 10,
    openedAt: OPENED_AT,
    owner: { memberId: OWNER_ID, email: 'billing@acme.com.br' },
  },
});
const openedBeforeLocales = (): AccountOpened => ({ type: 'AccountOpened', data: accountOpenedLocale.upcast(storedBeforeLocales().data) as AccountOpened['data'] });
const opened = (locale: 'pt-BR' | 'en' = 'pt-BR'): AccountOpened => ({ type: 'AccountOpened', data: { ...storedBeforeLocales().data, locale } });

const openAccount = (locale?: string): OpenAccount => ({
  type: 'OpenAccount',
  data: {
    accountId: ACCOUNT_ID,
    name: 'Acme Ltda',
    slug: 'acme',
    billingEmail: 'billing@acme.com.br',
    document: '529.982.247-25',
    openedAt: OPENED_AT,
    ownerMemberId: OWNER_ID,
    ...(locale === undefined ? {} : { locale }),
  },
});
const updateProfile = (changes: UpdateBillingProfile['data']['changes']): UpdateBillingProfile => ({
  type: 'UpdateBillingProfile',
  data: { accountId: ACCOUNT_ID, changes, updatedAt: LATER },
});
const profileUpdated = (changes: BillingProfileUpdated['data']['changes']): BillingProfileUpdated => ({
  type: 'BillingProfileUpdated',
  data: { accountId: ACCOUNT_ID, changes, updatedAt: LATER },
});
const closed = (): AccountClosed => ({ type: 'AccountClosed', data: { accountId: ACCOUNT_ID, reason: 'customer asked', closedAt: LATER } });

const configure = (overrides: Partial<ConfigureAccountSmtp['data']> = {}): ConfigureAccountSmtp => ({
  type: 'ConfigureAccountSmtp',
  data: {
    accountId: ACCOUNT_ID,
    host: 'smtp.acme.example',
    port: 587,
    secure: false,
    username: 'mailer@acme.example',
    sealedPassword: SEALED,
    fromName: 'Acme Storage',
    fromAddress: 'billing@acme.example',
    configuredAt: LATER,
    ...overrides,
  },
});
const smtpConfigured = (overrides: Partial<AccountSmtpConfigured['data']> = {}): AccountSmtpConfigured => ({
  type: 'AccountSmtpConfigured',
  data: {
    accountId: ACCOUNT_ID,
    host: 'smtp.acme.example',
    port: 587,
    secure: false,
    username: 'mailer@acme.example',
    sealedPassword: SEALED,
    fromName: 'Acme Storage',
    fromAddress: 'billing@acme.example',
    configuredAt: LATER,
    ...overrides,
  },
});
const clear = (): ClearAccountSmtp => ({ type: 'ClearAccountSmtp', data: { accountId: ACCOUNT_ID, clearedAt: LATEST } });
const smtpCleared = (host = 'smtp.acme.example'): AccountSmtpCleared => ({
  type: 'AccountSmtpCleared',
  data: { accountId: ACCOUNT_ID, host, clearedAt: LATEST },
});

const paths = (...expected: string[]) => (error: DomainError) => {
  expect(error).toBeInstanceOf(ValidationError);
  expect((error as ValidationError).issues.map((i) => i.path)).toEqual(expected);
};
const open = (state: AccountState) => {
  if (state.status === 'none') throw new Error('expected an account');
  return state;
};

describe('account locale', () => {
  it('an account opened without a locale records pt-BR', () => {
    spec.given().when(openAccount()).then(opened('pt-BR'));
  });

  it('an account opened in English records en', () => {
    spec.given().when(openAccount('en')).then(opened('en'));
  });

  it('refuses a locale other than pt-BR and en, naming the field', () => {
    for (const locale of ['pt', 'en-US', 'PT-BR', '']) spec.given().when(openAccount(locale)).thenThrows(ValidationError, 'validation_failed', paths('locale'));
  });

  it('a history from before locales folds to pt-BR', () => {
    expect(open(spec.given(openedBeforeLocales()).state()).locale).toBe('pt-BR');
  });

  it('is changed with the billing profile update, and only when it differs', () => {
    spec.given(opened()).when(updateProfile({ locale: 'en' })).then(profileUpdated({ locale: 'en' }));
    spec.given(opened('en')).when(updateProfile({ locale: 'en' })).thenNothing();
    // an old account reads as pt-BR, so asking for pt-BR changes nothing
    spec.given(openedBeforeLocales()).when(updateProfile({ locale: 'pt-BR' })).thenNothing();
    spec.given(opened()).when(updateProfile({ locale: 'en', billingDay: 5 })).then(profileUpdated({ billingDay: 5, locale: 'en' }));
  });

  it('refuses an unknown locale in an update', () => {
    spec.given(opened()).when(updateProfile({ locale: 'fr' })).thenThrows(ValidationError, 'validation_failed', paths('locale'));
  });

  it('evolves: the new locale, the rest of the profile untouched, updated when changed', () => {
    const state = open(spec.given(openedBeforeLocales(), profileUpdated({ locale: 'en' })).state());
    expect(state.locale).toBe('en');
    expect(state.profile).toEqual({ name: 'Acme Ltda', billingEmail: 'billing@acme.com.br', document: { kind: 'cpf', number: '52998224725' }, billingDay: 10 });
    expect(state.updatedAt).toBe(LATER);
    // a later profile change without a locale keeps it
    expect(open(spec.given(opened('en'), profileUpdated({ billingDay: 3 })).state()).locale).toBe('en');
  });
});

describe('account SMTP', () => {
  it('ConfigureAccountSmtp records the settings with the sealed password, the host lowercased and the sender name trimmed', () => {
    spec
      .given(opened())
      .when(configure({ host: 'SMTP.Acme.Example', fromName: '  Acme Storage ' }))
      .then(smtpConfigured());
  });

  it('a relay without login records neither username nor password', () => {
    spec.given(opened()).when(configure({ username: null, sealedPassword: null })).then(smtpConfigured({ username: null, sealedPassword: null }));
  });

  it('a username without a password, or a password without a username, is refused', () => {
    spec.given(opened()).when(configure({ sealedPassword: null })).thenThrows(ValidationError, 'validation_failed', paths('password'));
    spec.given(opened()).when(configure({ username: null })).thenThrows(ValidationError, 'validation_failed', paths('username'));
  });

  it('refuses bad fields, every one at once', () => {
    spec
      .given(opened())
      .when(configure({ host: 'smtp://acme.example', port: 70_000, fromName: 'Acme\r\nBcc: victim@x.com', fromAddress: 'not-an-address' }))
      .thenThrows(ValidationError, 'validation_failed', paths('host', 'port', 'fromName', 'fromAddress'));
  });

  it('configuring again replaces the settings as a whole', () => {
    const state = open(spec.given(opened(), smtpConfigured(), smtpConfigured({ host: 'mail.other.example', port: 465, secure: true, sealedPassword: SEALED_2 })).state());
    expect(state.smtp).toEqual({
      host: 'mail.other.example',
      port: 465,
      secure: true,
      username: 'mailer@acme.example',
      sealedPassword: SEALED_2,
      fromName: 'Acme Storage',
      fromAddress: 'billing@acme.example',
    });
  });

  it('ClearAccountSmtp records AccountSmtpCleared naming the host; clearing nothing records nothing', () => {
    spec.given(opened(), smtpConfigured()).when(clear()).then(smtpCleared());
    spec.given(opened()).when(clear()).thenNothing();
    spec.given(opened(), smtpConfigured(), smtpCleared()).when(clear()).thenNothing();
    expect(open(spec.given(opened(), smtpConfigured(), smtpCleared()).state()).smtp).toBeNull();
  });

  it('a closed account accepts no mail settings; an unknown one is not found', () => {
    spec.given(opened(), closed()).when(configure()).thenThrows(IllegalStateError, 'account_closed');
    spec.given(opened(), smtpConfigured(), closed()).when(clear()).thenThrows(IllegalStateError, 'account_closed');
    spec.given().when(configure()).thenThrows(NotFoundError, 'account_not_found');
  });

  it('a new account has no SMTP of its own', () => {
    expect(open(spec.given(opened()).state()).smtp).toBeNull();
  });

  it('the From header quotes the name and escapes its quotes and backslashes', () => {
    expect(formatFromHeader('Acme Storage', 'billing@acme.example')).toBe('"Acme Storage" <billing@acme.example>');
    expect(formatFromHeader('Acme "Cloud" \\ Storage', 'b@acme.example')).toBe('"Acme \\"Cloud\\" \\\\ Storage" <b@acme.example>');
  });

  it('password rules: 1 to 1024 characters; the message never repeats it', () => {
    const base = { host: 'smtp.acme.example', port: 587, secure: false, username: 'u', fromName: 'A', fromAddress: 'a@acme.example' };
    expect(validateSmtpSettings({ ...base, password: 'x'.repeat(1024) })).toEqual([]);
    const issues = validateSmtpSettings({ ...base, password: 'hunter2'.repeat(200) });
    expect(issues.map((i) => i.path)).toEqual(['password']);
    expect(issues[0]!.message).not.toContain('hunter2');
    expect(validateSmtpSettings({ ...base, host: '[::1]', password: 'p' })).toEqual([]);
    expect(validateSmtpSettings({ ...base, host: '192.0.2.10', password: 'p' })).toEqual([]);
  });

  it('the audit log describes both events without the password', () => {
    const configured = describeAccountEvent('AccountSmtpConfigured', smtpConfigured().data);
    expect(configured).toEqual({
      accountId: ACCOUNT_ID,
      resourceType: 'account',
      resourceId: ACCOUNT_ID,
      summary: 'Own mail server set: smtp.acme.example:587 (STARTTLS, login mailer@acme.example), sending as billing@acme.example',
    });
    expect(JSON.stringify(configured)).not.toContain(SEALED.ciphertext);
    expect(describeAccountEvent('AccountSmtpCleared', smtpCleared().data)!.summary).toBe(
      "Own mail server smtp.acme.example removed: mail goes through the platform's server",
    );
  });
});

describe('invitation tokens, sealed for the email reactor', () => {
  const TOKEN_HASH = 'a'.repeat(64);
  const invite = (sealedToken?: SealedSecret): InviteMember => ({
    type: 'InviteMember',
    data: {
      accountId: ACCOUNT_ID,
      invitationId: 'inv-1',
      email: 'Dev@Acme.com.br',
      role: 'developer',
      tokenSha256: TOKEN_HASH,
      ...(sealedToken ? { sealedToken } : {}),
      invitedAt: LATER,
      expiresAt: '2026-03-12T09:30:00.000Z',
    },
  });
  const invited = (sealedToken?: SealedSecret): MemberInvited => ({
    type: 'MemberInvited',
    data: {
      accountId: ACCOUNT_ID,
      invitationId: 'inv-1',
      email: 'dev@acme.com.br',
      role: 'developer',
      tokenSha256: TOKEN_HASH,
      ...(sealedToken ? { sealedToken } : {}),
      invitedAt: LATER,
      expiresAt: '2026-03-12T09:30:00.000Z',
    },
  });
  const accept = (tokenSha256: string): AcceptInvitation => ({
    type: 'AcceptInvitation',
    data: { accountId: ACCOUNT_ID, invitationId: 'inv-1', tokenSha256, memberId: 'mem-dev', acceptedAt: LATEST },
  });
  const accepted: InvitationAccepted = {
    type: 'InvitationAccepted',
    data: { accountId: ACCOUNT_ID, invitationId: 'inv-1', memberId: 'mem-dev', email: 'dev@acme.com.br', role: 'developer', acceptedAt: LATEST },
  };

  it('MemberInvited carries the sealed token beside its digest', () => {
    spec.given(opened()).when(invite(SEALED)).then(invited(SEALED));
  });

  it('the invitation remembers which data key seals its token', () => {
    expect(open(spec.given(opened(), invited(SEALED)).state()).invitations['inv-1']!.sealedTokenKeyId).toBe('key-1');
    expect(open(spec.given(opened(), invited()).state()).invitations['inv-1']).not.toHaveProperty('sealedTokenKeyId');
  });

  it('acceptance still checks the digest, sealed copy or not; an old invitation without one is accepted as before', () => {
    spec.given(opened(), invited(SEALED)).when(accept(TOKEN_HASH)).then(accepted);
    spec.given(opened(), invited()).when(accept(TOKEN_HASH)).then(accepted);
    spec.given(opened(), invited(SEALED)).when(accept('b'.repeat(64))).thenThrows(NotFoundError, 'invitation_not_found');
  });
});
