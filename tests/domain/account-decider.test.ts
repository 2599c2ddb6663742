import { describe, expect, it } from 'vitest';
import type {
  CloseAccount,
  OpenAccount,
  ReactivateAccount,
  ReserveAccountSlug,
  SuspendAccount,
  UpdateBillingProfile,
} from '../../src/domain/account/account-commands.ts';
import { accountDecider, slugReservationDecider } from '../../src/domain/account/account-decider.ts';
import type {
  AccountClosed,
  AccountEvent,
  AccountOpened,
  AccountReactivated,
  AccountSlugReserved,
  AccountSuspended,
  BillingProfileUpdated,
} from '../../src/domain/account/account-events.ts';
import {
  ConflictError,
  IllegalStateError,
  NotFoundError,
  ValidationError,
  type DomainError,
  type FieldIssue,
} from '../../src/domain/errors.ts';
import { deciderSpec } from '../support/decider-spec.ts';

const spec = deciderSpec(accountDecider);

const ACCOUNT_ID = 'acc-1';
const CPF = '529.982.247-25';
const CPF_DOCUMENT = { kind: 'cpf', number: '52998224725' } as const;
const CNPJ = '11.222.333/0001-81';
const CNPJ_DOCUMENT = { kind: 'cnpj', number: '11222333000181' } as const;
const INVALID_CPF = '529.982.247-26';

const OPENED_AT = '2026-03-01T12:00:00.000Z';
const LATER = '2026-03-05T09:30:00.000Z';
const OWNER_ID = 'mem-owner';

// ---- commands ---------------------------------------------------------------------------

function openAccount(overrides: Partial<OpenAccount['data']> = {}): OpenAccount {
  return {
    type: 'OpenAccount',
    data: {
      accountId: ACCOUNT_ID,
      name: 'Acme Ltda',
      slug: 'acme',
      billingEmail: 'billing@acme.com.br',
      document: CPF,
      openedAt: OPENED_AT,
      ownerMemberId: OWNER_ID,
      ...overrides,
    },
  };
}

function updateProfile(changes: UpdateBillingProfile['data']['changes'], accountId = ACCOUNT_ID): UpdateBillingProfile {
  return { type: 'UpdateBillingProfile', data: { accountId, changes, updatedAt: LATER } };
}

const suspend = (accountId = ACCOUNT_ID): SuspendAccount => ({
  type: 'SuspendAccount',
  data: { accountId, reason: 'unpaid invoices', suspendedAt: LATER },
});
const reactivate = (accountId = ACCOUNT_ID): ReactivateAccount => ({
  type: 'ReactivateAccount',
  data: { accountId, reactivatedAt: LATER },
});
const close = (accountId = ACCOUNT_ID): CloseAccount => ({
  type: 'CloseAccount',
  data: { accountId, reason: 'customer asked', closedAt: LATER },
});

// ---- events -----------------------------------------------------------------------------

/** The event a default openAccount() records: written out by hand, not derived from the code. */
function opened(overrides: Partial<AccountOpened['data']> = {}): AccountOpened {
  return {
    type: 'AccountOpened',
    data: {
      accountId: ACCOUNT_ID,
      name: 'Acme Ltda',
      slug: 'acme',
      billingEmail: 'billing@acme.com.br',
      document: CPF_DOCUMENT,
      currency: 'BRL',
      timeZone: 'America/Sao_Paulo',
      billingDay: 10,
      openedAt: OPENED_AT,
      owner: { memberId: OWNER_ID, email: 'billing@acme.com.br' },
      locale: 'pt-BR',
      ...overrides,
    },
  };
}

const profileUpdated = (changes: BillingProfileUpdated['data']['changes']): BillingProfileUpdated => ({
  type: 'BillingProfileUpdated',
  data: { accountId: ACCOUNT_ID, changes, updatedAt: LATER },
});
const suspended = (): AccountSuspended => ({
  type: 'AccountSuspended',
  data: { accountId: ACCOUNT_ID, reason: 'unpaid invoices', suspendedAt: LATER },
});
const reactivated = (): AccountReactivated => ({
  type: 'AccountReactivated',
  data: { accountId: ACCOUNT_ID, reactivatedAt: LATER },
});
const closed = (): AccountClosed => ({
  type: 'AccountClosed',
  data: { accountId: ACCOUNT_ID, reason: 'customer asked', closedAt: LATER },
});

// ---- assertions on validation errors ----------------------------------------------------

function issuesOf(error: DomainError): readonly FieldIssue[] {
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).issues;
}

/** The failing field paths, exactly and in order. */
const failingPaths =
  (...paths: string[]) =>
  (error: DomainError) => {
    const issues = issuesOf(error);
    expect(issues.map((issue) => issue.path)).toEqual(paths);
    for (const issue of issues) expect(issue.message.length).toBeGreaterThan(0);
  };

describe('OpenAccount', () => {
  it('records AccountOpened with the defaults: BRL, America/Sao_Paulo, billing day 10', () => {
    const command = openAccount();
    expect(command.data).not.toHaveProperty('currency');
    expect(command.data).not.toHaveProperty('timeZone');
    expect(command.data).not.toHaveProperty('billingDay');
    spec.given().when(command).then(opened());
  });

  it('keeps explicit currency, time zone and billing day', () => {
    spec
      .given()
      .when(openAccount({ currency: 'USD', timeZone: 'Europe/Lisbon', billingDay: 28 }))
      .then(opened({ currency: 'USD', timeZone: 'Europe/Lisbon', billingDay: 28 }));
  });

  it('accepts the other ends of the ranges: EUR, UTC, billing day 1', () => {
    spec
      .given()
      .when(openAccount({ currency: 'EUR', timeZone: 'UTC', billingDay: 1 }))
      .then(opened({ currency: 'EUR', timeZone: 'UTC', billingDay: 1 }));
  });

  it('trims the name', () => {
    spec.given().when(openAccount({ name: '  \tAcme Ltda \n' })).then(opened({ name: 'Acme Ltda' }));
  });

  it('records the owner with the given ownerEmail', () => {
    spec
      .given()
      .when(openAccount({ ownerEmail: 'ana@acme.com.br' }))
      .then(opened({ owner: { memberId: OWNER_ID, email: 'ana@acme.com.br' } }));
  });

  it('lowercases the ownerEmail', () => {
    spec
      .given()
      .when(openAccount({ ownerEmail: 'Ana.Souza@ACME.com.br' }))
      .then(opened({ owner: { memberId: OWNER_ID, email: 'ana.souza@acme.com.br' } }));
  });

  it('without an ownerEmail, the owner is the billing email, lowercased and trimmed (the billing email itself kept as typed)', () => {
    const command = openAccount({ billingEmail: 'Billing@Acme.COM.BR' });
    expect(command.data).not.toHaveProperty('ownerEmail');
    spec
      .given()
      .when(command)
      .then(opened({ billingEmail: 'Billing@Acme.COM.BR', owner: { memberId: OWNER_ID, email: 'billing@acme.com.br' } }));
  });

  it('records the ownerMemberId the caller made', () => {
    spec
      .given()
      .when(openAccount({ ownerMemberId: 'mem-7' }))
      .then(opened({ owner: { memberId: 'mem-7', email: 'billing@acme.com.br' } }));
  });

  it('stores a CPF normalized as {kind, number}', () => {
    // the same CPF typed with odd spacing and no punctuation at all
    spec.given().when(openAccount({ document: ' 529 982 247 25 ' })).then(opened({ document: CPF_DOCUMENT }));
    spec.given().when(openAccount({ document: '52998224725' })).then(opened({ document: CPF_DOCUMENT }));
  });

  it('stores a CNPJ normalized as {kind, number}', () => {
    spec.given().when(openAccount({ document: CNPJ })).then(opened({ document: CNPJ_DOCUMENT }));
  });

  it('accepts the shortest (3) and longest (40) slugs and a name of 200 characters', () => {
    const slug40 = `a${'-b'.repeat(19)}c`;
    expect(slug40).toHaveLength(40);
    const name200 = 'N'.repeat(200);
    spec.given().when(openAccount({ slug: 'a1b' })).then(opened({ slug: 'a1b' }));
    spec.given().when(openAccount({ slug: slug40, name: name200 })).then(opened({ slug: slug40, name: name200 }));
  });

  it('refuses to open an account that is already open', () => {
    spec.given(opened()).when(openAccount()).thenThrows(ConflictError, 'account_exists');
  });

  it('refuses to open an account again once suspended or closed', () => {
    spec.given(opened(), suspended()).when(openAccount()).thenThrows(ConflictError, 'account_exists');
    spec.given(opened(), closed()).when(openAccount({ slug: 'acme-2' })).thenThrows(ConflictError, 'account_exists');
  });

  describe('each invalid field is a ValidationError naming that field', () => {
    const cases: [label: string, overrides: Partial<OpenAccount['data']>, path: string][] = [
      ['an empty name', { name: '' }, 'name'],
      ['a name of spaces only', { name: '   ' }, 'name'],
      ['a name of 201 characters', { name: 'N'.repeat(201) }, 'name'],
      ['a two-character slug', { slug: 'ab' }, 'slug'],
      ['a 41-character slug', { slug: 'a'.repeat(41) }, 'slug'],
      ['an uppercase slug', { slug: 'Acme' }, 'slug'],
      ['a slug starting with a hyphen', { slug: '-acme' }, 'slug'],
      ['a slug ending with a hyphen', { slug: 'acme-' }, 'slug'],
      ['a slug with two hyphens in a row', { slug: 'ac--me' }, 'slug'],
      ['a slug with an underscore', { slug: 'ac_me' }, 'slug'],
      ['an email without @', { billingEmail: 'billing.acme.com.br' }, 'billingEmail'],
      ['an email without a dot in the domain', { billingEmail: 'billing@acme' }, 'billingEmail'],
      ['an email with a space', { billingEmail: 'bil ling@acme.com.br' }, 'billingEmail'],
      ['an ownerEmail without @', { ownerEmail: 'ana.acme.com.br' }, 'ownerEmail'],
      ['an ownerEmail without a dot in the domain', { ownerEmail: 'ana@acme' }, 'ownerEmail'],
      ['an empty ownerEmail', { ownerEmail: '' }, 'ownerEmail'],
      // validated as typed, before any trimming: surrounding spaces are refused, not trimmed away
      ['an ownerEmail with surrounding spaces', { ownerEmail: ' ana@acme.com.br ' }, 'ownerEmail'],
      ['a CPF with a wrong check digit', { document: INVALID_CPF }, 'document'],
      ['an empty document', { document: '' }, 'document'],
      ['a document of the wrong length', { document: '1234567890' }, 'document'],
      ['an unsupported currency', { currency: 'JPY' }, 'currency'],
      ['a lowercase currency', { currency: 'brl' }, 'currency'],
      ['an unknown time zone', { timeZone: 'Mars/Olympus_Mons' }, 'timeZone'],
      ['a time zone abbreviation', { timeZone: 'EST' }, 'timeZone'],
      ['billing day 0', { billingDay: 0 }, 'billingDay'],
      ['billing day 29', { billingDay: 29 }, 'billingDay'],
      ['a fractional billing day', { billingDay: 10.5 }, 'billingDay'],
    ];

    it.each(cases)('%s', (_label, overrides, path) => {
      spec.given().when(openAccount(overrides)).thenThrows(ValidationError, 'validation_failed', failingPaths(path));
    });
  });

  it('lists every invalid field at once, not just the first', () => {
    spec
      .given()
      .when(
        openAccount({
          name: ' ',
          slug: 'A',
          billingEmail: 'nope',
          document: INVALID_CPF,
          ownerEmail: 'nope@',
          currency: 'XXX',
          timeZone: 'Nowhere/Special',
          billingDay: 31,
        }),
      )
      .thenThrows(
        ValidationError,
        'validation_failed',
        failingPaths('name', 'slug', 'billingEmail', 'document', 'ownerEmail', 'currency', 'timeZone', 'billingDay'),
      );
  });

  it('the validation message names the fields but never echoes the document', () => {
    spec
      .given()
      .when(openAccount({ billingEmail: 'nope', document: INVALID_CPF }))
      .thenThrows(ValidationError, 'validation_failed', (error) => {
        expect(error.message).toContain('billingEmail');
        expect(error.message).toContain('document');
        expect(error.message).not.toContain('52998224726');
        expect(error.message).not.toContain(INVALID_CPF);
      });
  });
});

describe('UpdateBillingProfile', () => {
  it('records only the fields that differ', () => {
    spec
      .given(opened())
      .when(updateProfile({ name: ' Acme Ltda ', billingEmail: 'finance@acme.com.br', billingDay: 10, document: CPF }))
      .then(profileUpdated({ billingEmail: 'finance@acme.com.br' }));
  });

  it('records every changed field, the name trimmed and the document normalized', () => {
    spec
      .given(opened())
      .when(updateProfile({ name: '  Acme Brasil S.A. ', billingEmail: 'ap@acme.com.br', billingDay: 5, document: CNPJ }))
      .then(
        profileUpdated({ name: 'Acme Brasil S.A.', billingEmail: 'ap@acme.com.br', billingDay: 5, document: CNPJ_DOCUMENT }),
      );
  });

  it('a document change alone is recorded normalized', () => {
    spec.given(opened()).when(updateProfile({ document: '11222333000181' })).then(profileUpdated({ document: CNPJ_DOCUMENT }));
  });

  it('records nothing when every value is the one already held (the document compared normalized)', () => {
    spec
      .given(opened())
      .when(updateProfile({ name: 'Acme Ltda', billingEmail: 'billing@acme.com.br', billingDay: 10, document: '52998224725' }))
      .thenNothing();
  });

  it('compares against the profile as updated, so repeating an update records nothing', () => {
    const history = [opened(), profileUpdated({ billingEmail: 'finance@acme.com.br', document: CNPJ_DOCUMENT })];
    spec
      .given(...history)
      .when(updateProfile({ billingEmail: 'finance@acme.com.br', document: CNPJ }))
      .thenNothing();
    // ...while going back to the original values is a change again
    spec
      .given(...history)
      .when(updateProfile({ billingEmail: 'billing@acme.com.br', document: CPF }))
      .then(profileUpdated({ billingEmail: 'billing@acme.com.br', document: CPF_DOCUMENT }));
  });

  it('is allowed while the account is suspended', () => {
    spec.given(opened(), suspended()).when(updateProfile({ billingDay: 20 })).then(profileUpdated({ billingDay: 20 }));
  });

  it('refuses an empty set of changes', () => {
    spec.given(opened()).when(updateProfile({})).thenThrows(ValidationError, 'validation_failed', (error) => {
      expect(issuesOf(error)).toEqual([{ path: '', message: 'nothing to change' }]);
    });
  });

  it('refuses changes whose values are all undefined', () => {
    spec
      .given(opened())
      .when(updateProfile({ name: undefined, billingDay: undefined }))
      .thenThrows(ValidationError, 'validation_failed', failingPaths(''));
  });

  it('lists every invalid change', () => {
    spec
      .given(opened())
      .when(updateProfile({ name: '  ', billingEmail: 'nope@', document: INVALID_CPF, billingDay: 29 }))
      .thenThrows(ValidationError, 'validation_failed', failingPaths('name', 'billingEmail', 'document', 'billingDay'));
  });

  it.each<[string, UpdateBillingProfile['data']['changes'], string]>([
    ['name', { name: 'N'.repeat(201) }, 'name'],
    ['billingEmail', { billingEmail: 'finance at acme.com.br' }, 'billingEmail'],
    ['document', { document: INVALID_CPF }, 'document'],
    ['billingDay', { billingDay: 0 }, 'billingDay'],
  ])('refuses an invalid %s', (_label, changes, path) => {
    spec.given(opened()).when(updateProfile(changes)).thenThrows(ValidationError, 'validation_failed', failingPaths(path));
  });

  it('refuses an unknown account', () => {
    spec.given().when(updateProfile({ billingDay: 5 })).thenThrows(NotFoundError, 'account_not_found');
  });

  it('refuses a closed account', () => {
    spec.given(opened(), closed()).when(updateProfile({ billingDay: 5 })).thenThrows(IllegalStateError, 'account_closed');
  });
});

describe('SuspendAccount', () => {
  it('suspends an active account', () => {
    spec
      .given(opened())
      .when(suspend())
      .then({ type: 'AccountSuspended', data: { accountId: ACCOUNT_ID, reason: 'unpaid invoices', suspendedAt: LATER } });
  });

  it('suspends an account that was reactivated', () => {
    spec.given(opened(), suspended(), reactivated()).when(suspend()).then(suspended());
  });

  it('records nothing for an account already suspended', () => {
    spec.given(opened(), suspended()).when(suspend()).thenNothing();
  });

  it('refuses a closed account', () => {
    spec.given(opened(), closed()).when(suspend()).thenThrows(IllegalStateError, 'account_closed');
    spec.given(opened(), suspended(), closed()).when(suspend()).thenThrows(IllegalStateError, 'account_closed');
  });

  it('refuses an unknown account', () => {
    spec.given().when(suspend()).thenThrows(NotFoundError, 'account_not_found');
  });
});

describe('ReactivateAccount', () => {
  it('reactivates a suspended account', () => {
    spec
      .given(opened(), suspended())
      .when(reactivate())
      .then({ type: 'AccountReactivated', data: { accountId: ACCOUNT_ID, reactivatedAt: LATER } });
  });

  it('records nothing for an account that is active', () => {
    spec.given(opened()).when(reactivate()).thenNothing();
    spec.given(opened(), suspended(), reactivated()).when(reactivate()).thenNothing();
  });

  it('refuses a closed account, even one closed while suspended', () => {
    spec.given(opened(), closed()).when(reactivate()).thenThrows(IllegalStateError, 'account_closed');
    spec.given(opened(), suspended(), closed()).when(reactivate()).thenThrows(IllegalStateError, 'account_closed');
  });

  it('refuses an unknown account', () => {
    spec.given().when(reactivate()).thenThrows(NotFoundError, 'account_not_found');
  });
});

describe('CloseAccount', () => {
  it('closes an active account', () => {
    spec
      .given(opened())
      .when(close())
      .then({ type: 'AccountClosed', data: { accountId: ACCOUNT_ID, reason: 'customer asked', closedAt: LATER } });
  });

  it('closes a suspended account', () => {
    spec.given(opened(), suspended()).when(close()).then(closed());
  });

  it('records nothing for an account already closed', () => {
    spec.given(opened(), closed()).when(close()).thenNothing();
  });

  it('refuses an unknown account', () => {
    spec.given().when(close()).thenThrows(NotFoundError, 'account_not_found');
  });
});

describe('evolve', () => {
  const T1 = '2026-04-01T00:00:00.000Z';
  const T2 = '2026-05-01T00:00:00.000Z';
  const T3 = '2026-06-01T00:00:00.000Z';
  const suspendedAt = (at: string, reason = 'unpaid invoices'): AccountSuspended => ({
    type: 'AccountSuspended',
    data: { accountId: ACCOUNT_ID, reason, suspendedAt: at },
  });
  const reactivatedAt = (at: string): AccountReactivated => ({
    type: 'AccountReactivated',
    data: { accountId: ACCOUNT_ID, reactivatedAt: at },
  });
  const closedAt = (at: string, reason = 'customer asked'): AccountClosed => ({
    type: 'AccountClosed',
    data: { accountId: ACCOUNT_ID, reason, closedAt: at },
  });
  const updatedAt = (at: string, changes: BillingProfileUpdated['data']['changes']): BillingProfileUpdated => ({
    type: 'BillingProfileUpdated',
    data: { accountId: ACCOUNT_ID, changes, updatedAt: at },
  });
  const openState = {
    status: 'active',
    accountId: ACCOUNT_ID,
    slug: 'acme',
    currency: 'BRL',
    timeZone: 'America/Sao_Paulo',
    openedAt: OPENED_AT,
    profile: { name: 'Acme Ltda', billingEmail: 'billing@acme.com.br', document: CPF_DOCUMENT, billingDay: 10 },
    locale: 'pt-BR',
    smtp: null,
    updatedAt: OPENED_AT,
    statusReason: null,
    closedAt: null,
    members: { [OWNER_ID]: { memberId: OWNER_ID, email: 'billing@acme.com.br', role: 'owner', joinedAt: OPENED_AT } },
    ownerMemberId: OWNER_ID,
    invitations: {},
  } as const;

  it('starts with no account', () => {
    expect(spec.given().state()).toEqual({ status: 'none' });
  });

  it('AccountOpened gives an active account with its profile, updated when opened', () => {
    expect(spec.given(opened({ currency: 'EUR', timeZone: 'Europe/Lisbon', billingDay: 3 })).state()).toEqual({
      status: 'active',
      accountId: ACCOUNT_ID,
      slug: 'acme',
      currency: 'EUR',
      timeZone: 'Europe/Lisbon',
      openedAt: OPENED_AT,
      profile: { name: 'Acme Ltda', billingEmail: 'billing@acme.com.br', document: CPF_DOCUMENT, billingDay: 3 },
      locale: 'pt-BR',
      smtp: null,
      updatedAt: OPENED_AT,
      statusReason: null,
      closedAt: null,
      members: { [OWNER_ID]: { memberId: OWNER_ID, email: 'billing@acme.com.br', role: 'owner', joinedAt: OPENED_AT } },
      ownerMemberId: OWNER_ID,
      invitations: {},
    });
  });

  it("AccountOpened makes the owner the only member, joined when the account opened", () => {
    const state = spec.given(opened({ owner: { memberId: 'mem-9', email: 'ana@acme.com.br' } })).state();
    expect(state).toMatchObject({
      members: { 'mem-9': { memberId: 'mem-9', email: 'ana@acme.com.br', role: 'owner', joinedAt: OPENED_AT } },
      ownerMemberId: 'mem-9',
      invitations: {},
    });
  });

  it('a suspension sets the status, its reason and the update time', () => {
    expect(spec.given(opened(), suspendedAt(T1, 'chargeback')).state()).toEqual({
      ...openState,
      status: 'suspended',
      statusReason: 'chargeback',
      updatedAt: T1,
    });
  });

  it('a reactivation clears the reason', () => {
    expect(spec.given(opened(), suspendedAt(T1), reactivatedAt(T2)).state()).toEqual({
      ...openState,
      status: 'active',
      statusReason: null,
      updatedAt: T2,
    });
  });

  it('closing records the reason and when, from active or from suspended', () => {
    const closedState = { ...openState, status: 'closed', statusReason: 'fraud', updatedAt: T3, closedAt: T3 };
    expect(spec.given(opened(), closedAt(T3, 'fraud')).state()).toEqual(closedState);
    expect(spec.given(opened(), suspendedAt(T1), closedAt(T3, 'fraud')).state()).toEqual(closedState);
    expect(spec.given(opened(), suspendedAt(T1), reactivatedAt(T2), closedAt(T3, 'fraud')).state()).toEqual(closedState);
  });

  it('merges profile updates over the profile and leaves status and identity alone', () => {
    const state = spec
      .given(
        opened(),
        updatedAt(T1, { billingEmail: 'finance@acme.com.br' }),
        suspendedAt(T2),
        updatedAt(T3, { document: CNPJ_DOCUMENT, billingDay: 15 }),
      )
      .state();
    expect(state).toEqual({
      ...openState,
      status: 'suspended',
      statusReason: 'unpaid invoices',
      profile: { name: 'Acme Ltda', billingEmail: 'finance@acme.com.br', document: CNPJ_DOCUMENT, billingDay: 15 },
      updatedAt: T3,
    });
  });

  it('ignores events about an account that was never opened', () => {
    const orphans: AccountEvent[] = [updatedAt(T1, { billingDay: 5 }), suspendedAt(T1), reactivatedAt(T2), closedAt(T3)];
    expect(spec.given(...orphans).state()).toEqual({ status: 'none' });
  });

  it('does not mutate the state it is given', () => {
    const before = spec.given(opened()).state();
    const snapshot = structuredClone(before);
    accountDecider.evolve(before, updatedAt(T1, { name: 'Other', billingDay: 1 }));
    accountDecider.evolve(before, suspendedAt(T1));
    accountDecider.evolve(before, closedAt(T2));
    expect(before).toEqual(snapshot);
  });
});

describe('slugReservationDecider', () => {
  const slugSpec = deciderSpec(slugReservationDecider);
  const reserve = (accountId: string): ReserveAccountSlug => ({
    type: 'ReserveAccountSlug',
    data: { slug: 'acme', accountId, reservedAt: OPENED_AT },
  });
  const reserved = (accountId: string): AccountSlugReserved => ({
    type: 'AccountSlugReserved',
    data: { slug: 'acme', accountId, reservedAt: OPENED_AT },
  });

  it('records the first reservation', () => {
    slugSpec
      .given()
      .when(reserve('acc-1'))
      .then({ type: 'AccountSlugReserved', data: { slug: 'acme', accountId: 'acc-1', reservedAt: OPENED_AT } });
  });

  it('records nothing when the same account asks again', () => {
    slugSpec.given(reserved('acc-1')).when(reserve('acc-1')).thenNothing();
  });

  it('refuses another account', () => {
    slugSpec
      .given(reserved('acc-1'))
      .when(reserve('acc-2'))
      .thenThrows(ConflictError, 'slug_taken', (error) => expect(error.message).toContain('acme'));
  });

  it('folds to the reserving account', () => {
    expect(slugSpec.given().state()).toEqual({ reservedBy: null });
    expect(slugSpec.given(reserved('acc-7')).state()).toEqual({ reservedBy: 'acc-7' });
  });
});

describe('rules found by review', () => {
  const open = (over: Record<string, unknown>) => ({
    type: 'OpenAccount' as const,
    data: {
      accountId: 'a',
      name: 'Acme',
      slug: 'acme',
      billingEmail: 'a@b.co',
      document: '529.982.247-25',
      openedAt: '2026-03-01T12:00:00.000Z',
      ownerMemberId: 'm',
      ...over,
    },
  });

  it.each(['toString', 'constructor', '__proto__', 'hasOwnProperty'])('currency %s (an Object.prototype name) is refused', (currency) => {
    expect(() => accountDecider.decide(open({ currency }), { status: 'none' })).toThrow(ValidationError);
  });

  it('a time zone typed in lower case is recorded in its canonical spelling', () => {
    const [event] = accountDecider.decide(open({ timeZone: 'america/sao_paulo' }), { status: 'none' });
    expect(event).toMatchObject({ data: { timeZone: 'America/Sao_Paulo' } });
  });
});
