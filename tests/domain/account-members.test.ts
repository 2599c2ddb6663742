import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../src/domain/access/permissions.ts';
import type {
  AcceptInvitation,
  AccountCommand,
  ChangeMemberRole,
  InviteMember,
  MemberCommand,
  RemoveMember,
  TransferOwnership,
} from '../../src/domain/account/account-commands.ts';
import { accountDecider, type AccountState } from '../../src/domain/account/account-decider.ts';
import type {
  AccountClosed,
  AccountEvent,
  AccountOpened,
  AccountSuspended,
  InvitationAccepted,
  MemberInvited,
  MemberRemoved,
  MemberRoleChanged,
  OwnershipTransferred,
} from '../../src/domain/account/account-events.ts';
import {
  ConflictError,
  DomainError,
  IllegalStateError,
  NotFoundError,
  ValidationError,
  type FieldIssue,
} from '../../src/domain/errors.ts';
import { deciderSpec } from '../support/decider-spec.ts';

const spec = deciderSpec(accountDecider);

const ACCOUNT_ID = 'acc-1';
const OWNER_ID = 'mem-owner';
const OWNER_EMAIL = 'owner@acme.com.br';
const DEV_ID = 'mem-dev';
const DEV_EMAIL = 'dev@acme.com.br';
const INVITATION_ID = 'inv-1';
// stand-in digests: the decider only compares them
const TOKEN_HASH = 'a'.repeat(64);
const OTHER_HASH = 'b'.repeat(64);

const OPENED_AT = '2026-03-01T12:00:00.000Z';
const INVITED_AT = '2026-03-02T09:00:00.000Z';
const ACCEPTED_AT = '2026-03-03T10:00:00.000Z';
const EXPIRES_AT = '2026-03-09T09:00:00.000Z';
const LATER = '2026-03-20T15:00:00.000Z';

// ---- events, written out by hand ----------------------------------------------------------

const opened = (): AccountOpened => ({
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
    owner: { memberId: OWNER_ID, email: OWNER_EMAIL },
    locale: 'pt-BR',
  },
});

const invited = (overrides: Partial<MemberInvited['data']> = {}): MemberInvited => ({
  type: 'MemberInvited',
  data: {
    accountId: ACCOUNT_ID,
    invitationId: INVITATION_ID,
    email: DEV_EMAIL,
    role: 'developer',
    tokenSha256: TOKEN_HASH,
    invitedAt: INVITED_AT,
    expiresAt: EXPIRES_AT,
    ...overrides,
  },
});

const accepted = (overrides: Partial<InvitationAccepted['data']> = {}): InvitationAccepted => ({
  type: 'InvitationAccepted',
  data: {
    accountId: ACCOUNT_ID,
    invitationId: INVITATION_ID,
    memberId: DEV_ID,
    email: DEV_EMAIL,
    role: 'developer',
    acceptedAt: ACCEPTED_AT,
    ...overrides,
  },
});

const roleChanged = (fromRole: Role, toRole: Role, memberId = DEV_ID, email = DEV_EMAIL): MemberRoleChanged => ({
  type: 'MemberRoleChanged',
  data: { accountId: ACCOUNT_ID, memberId, email, fromRole, toRole, changedAt: LATER },
});

const removed = (memberId = DEV_ID, email = DEV_EMAIL): MemberRemoved => ({
  type: 'MemberRemoved',
  data: { accountId: ACCOUNT_ID, memberId, email, removedAt: LATER },
});

const transferred = (fromMemberId: string, toMemberId: string, toEmail: string): OwnershipTransferred => ({
  type: 'OwnershipTransferred',
  data: { accountId: ACCOUNT_ID, fromMemberId, toMemberId, toEmail, transferredAt: LATER },
});

const suspended = (): AccountSuspended => ({
  type: 'AccountSuspended',
  data: { accountId: ACCOUNT_ID, reason: 'unpaid invoices', suspendedAt: LATER },
});
const closed = (): AccountClosed => ({
  type: 'AccountClosed',
  data: { accountId: ACCOUNT_ID, reason: 'customer asked', closedAt: LATER },
});

/** The owner plus the developer who accepted inv-1. */
const withDeveloper = (): AccountEvent[] => [opened(), invited(), accepted()];

// ---- commands ------------------------------------------------------------------------------

const invite = (overrides: Partial<InviteMember['data']> = {}): InviteMember => ({
  type: 'InviteMember',
  data: {
    accountId: ACCOUNT_ID,
    invitationId: INVITATION_ID,
    email: DEV_EMAIL,
    role: 'developer',
    tokenSha256: TOKEN_HASH,
    invitedAt: INVITED_AT,
    expiresAt: EXPIRES_AT,
    ...overrides,
  },
});

const accept = (overrides: Partial<AcceptInvitation['data']> = {}): AcceptInvitation => ({
  type: 'AcceptInvitation',
  data: { accountId: ACCOUNT_ID, invitationId: INVITATION_ID, tokenSha256: TOKEN_HASH, memberId: DEV_ID, acceptedAt: ACCEPTED_AT, ...overrides },
});

const changeRole = (role: Role, memberId = DEV_ID): ChangeMemberRole => ({
  type: 'ChangeMemberRole',
  data: { accountId: ACCOUNT_ID, memberId, role, changedAt: LATER },
});

const remove = (memberId = DEV_ID): RemoveMember => ({
  type: 'RemoveMember',
  data: { accountId: ACCOUNT_ID, memberId, removedAt: LATER },
});

const transfer = (toMemberId = DEV_ID): TransferOwnership => ({
  type: 'TransferOwnership',
  data: { accountId: ACCOUNT_ID, toMemberId, transferredAt: LATER },
});

// ---- helpers -------------------------------------------------------------------------------

/** The failing field paths, exactly and in order, each with a message. */
const failingPaths =
  (...paths: string[]) =>
  (error: DomainError) => {
    expect(error).toBeInstanceOf(ValidationError);
    const issues: readonly FieldIssue[] = (error as ValidationError).issues;
    expect(issues.map((issue) => issue.path)).toEqual(paths);
    for (const issue of issues) expect(issue.message.length).toBeGreaterThan(0);
  };

function openState(state: AccountState) {
  if (state.status === 'none') throw new Error('expected an opened account');
  return state;
}

describe('InviteMember', () => {
  it('records MemberInvited', () => {
    spec
      .given(opened())
      .when(invite())
      .then({
        type: 'MemberInvited',
        data: {
          accountId: ACCOUNT_ID,
          invitationId: INVITATION_ID,
          email: DEV_EMAIL,
          role: 'developer',
          tokenSha256: TOKEN_HASH,
          invitedAt: INVITED_AT,
          expiresAt: EXPIRES_AT,
        },
      });
  });

  it('records the email lowercased', () => {
    spec.given(opened()).when(invite({ email: 'Dev@ACME.com.br' })).then(invited({ email: DEV_EMAIL }));
  });

  it.each<Role>(['admin', 'billing', 'developer', 'read-only'])('invites with role %s', (role) => {
    spec.given(opened()).when(invite({ role })).then(invited({ role }));
  });

  it('is allowed while the account is suspended', () => {
    spec.given(opened(), suspended()).when(invite()).then(invited());
  });

  describe('each invalid field is a ValidationError naming that field', () => {
    it.each<[string, Partial<InviteMember['data']>, string[]]>([
      ['an email without @', { email: 'dev.acme.com.br' }, ['email']],
      ['an email without a dot in the domain', { email: 'dev@acme' }, ['email']],
      ['an empty email', { email: '' }, ['email']],
      ['an email with a space', { email: 'd ev@acme.com.br' }, ['email']],
      ['role owner (ownership is transferred, not invited)', { role: 'owner' }, ['role']],
      ['an unknown role', { role: 'superuser' as Role }, ['role']],
      ['a bad email and a bad role at once', { email: 'nope', role: 'owner' }, ['email', 'role']],
    ])('%s', (_label, overrides, paths) => {
      spec
        .given(opened())
        .when(invite(overrides))
        .thenThrows(ValidationError, 'validation_failed', failingPaths(...paths));
    });
  });

  it("refuses the owner's email, compared case-insensitively", () => {
    spec.given(opened()).when(invite({ email: OWNER_EMAIL })).thenThrows(ConflictError, 'member_exists');
    spec.given(opened()).when(invite({ email: 'Owner@ACME.com.BR' })).thenThrows(ConflictError, 'member_exists');
  });

  it('refuses the email of a member who joined by invitation, compared case-insensitively', () => {
    spec
      .given(...withDeveloper())
      .when(invite({ invitationId: 'inv-2', email: 'DEV@acme.com.br', invitedAt: LATER, expiresAt: '2026-03-27T15:00:00.000Z' }))
      .thenThrows(ConflictError, 'member_exists');
  });

  it('refuses an email with a pending invitation that has not expired, compared case-insensitively', () => {
    spec
      .given(opened(), invited())
      .when(invite({ invitationId: 'inv-2', email: 'Dev@Acme.com.br', invitedAt: ACCEPTED_AT, expiresAt: LATER }))
      .thenThrows(ConflictError, 'invitation_pending');
  });

  it('a pending invitation still blocks one millisecond before it expires', () => {
    spec
      .given(opened(), invited())
      .when(invite({ invitationId: 'inv-2', invitedAt: '2026-03-09T08:59:59.999Z', expiresAt: LATER }))
      .thenThrows(ConflictError, 'invitation_pending');
  });

  it('re-sends an invitation once the previous one has expired (from the moment it expires)', () => {
    spec
      .given(opened(), invited())
      .when(invite({ invitationId: 'inv-2', tokenSha256: OTHER_HASH, invitedAt: EXPIRES_AT, expiresAt: '2026-03-16T09:00:00.000Z' }))
      .then(invited({ invitationId: 'inv-2', tokenSha256: OTHER_HASH, invitedAt: EXPIRES_AT, expiresAt: '2026-03-16T09:00:00.000Z' }));
    spec
      .given(opened(), invited())
      .when(invite({ invitationId: 'inv-2', tokenSha256: OTHER_HASH, invitedAt: LATER, expiresAt: '2026-03-27T15:00:00.000Z' }))
      .then(invited({ invitationId: 'inv-2', tokenSha256: OTHER_HASH, invitedAt: LATER, expiresAt: '2026-03-27T15:00:00.000Z' }));
  });

  it('a pending invitation for another email does not block', () => {
    spec
      .given(opened(), invited())
      .when(invite({ invitationId: 'inv-2', email: 'ops@acme.com.br', role: 'admin' }))
      .then(invited({ invitationId: 'inv-2', email: 'ops@acme.com.br', role: 'admin' }));
  });

  it('invites a removed member again', () => {
    spec
      .given(...withDeveloper(), removed())
      .when(invite({ invitationId: 'inv-2', invitedAt: LATER, expiresAt: '2026-03-27T15:00:00.000Z' }))
      .then(invited({ invitationId: 'inv-2', invitedAt: LATER, expiresAt: '2026-03-27T15:00:00.000Z' }));
  });

  it('refuses an unknown account', () => {
    spec.given().when(invite()).thenThrows(NotFoundError, 'account_not_found');
  });
});

describe('AcceptInvitation', () => {
  it('records InvitationAccepted with the email and role of the invitation', () => {
    spec
      .given(opened(), invited({ role: 'billing' }))
      .when(accept())
      .then({
        type: 'InvitationAccepted',
        data: {
          accountId: ACCOUNT_ID,
          invitationId: INVITATION_ID,
          memberId: DEV_ID,
          email: DEV_EMAIL,
          role: 'billing',
          acceptedAt: ACCEPTED_AT,
        },
      });
  });

  it('is accepted one millisecond before it expires', () => {
    spec
      .given(opened(), invited())
      .when(accept({ acceptedAt: '2026-03-09T08:59:59.999Z' }))
      .then(accepted({ acceptedAt: '2026-03-09T08:59:59.999Z' }));
  });

  it('refuses a wrong token hash as if there were no invitation', () => {
    spec
      .given(opened(), invited())
      .when(accept({ tokenSha256: OTHER_HASH }))
      .thenThrows(NotFoundError, 'invitation_not_found');
  });

  it('refuses an unknown invitation', () => {
    spec.given(opened()).when(accept()).thenThrows(NotFoundError, 'invitation_not_found');
    spec
      .given(opened(), invited())
      .when(accept({ invitationId: 'inv-404' }))
      .thenThrows(NotFoundError, 'invitation_not_found');
  });

  it('refuses an invitation accepted already', () => {
    spec
      .given(...withDeveloper())
      .when(accept({ memberId: 'mem-other', acceptedAt: '2026-03-04T10:00:00.000Z' }))
      .thenThrows(ConflictError, 'invitation_used');
  });

  it('stays used after the member who accepted it is removed', () => {
    spec
      .given(...withDeveloper(), removed())
      .when(accept({ memberId: 'mem-other', acceptedAt: '2026-03-04T10:00:00.000Z' }))
      .thenThrows(ConflictError, 'invitation_used');
  });

  it('refuses an invitation accepted at or after the moment it expires', () => {
    spec.given(opened(), invited()).when(accept({ acceptedAt: EXPIRES_AT })).thenThrows(IllegalStateError, 'invitation_expired');
    spec.given(opened(), invited()).when(accept({ acceptedAt: LATER })).thenThrows(IllegalStateError, 'invitation_expired');
  });

  it('refuses an invitation whose email became a member by another invitation', () => {
    // inv-1 expired, inv-2 was re-sent and accepted; inv-1 is then used before its own expiry time
    spec
      .given(
        opened(),
        invited(),
        invited({ invitationId: 'inv-2', tokenSha256: OTHER_HASH, invitedAt: EXPIRES_AT, expiresAt: '2026-03-16T09:00:00.000Z' }),
        accepted({ invitationId: 'inv-2', acceptedAt: LATER }),
      )
      .when(accept({ memberId: 'mem-dev-2' }))
      .thenThrows(ConflictError, 'member_exists');
  });

  it('refuses an unknown account', () => {
    spec.given().when(accept()).thenThrows(NotFoundError, 'account_not_found');
  });

  // Found by review: a reused member id would overwrite that member, and with the owner's id
  // leave the account without an owner.
  it('refuses a memberId that is already a member (the owner would be overwritten)', () => {
    spec.given(opened(), invited()).when(accept({ memberId: OWNER_ID })).thenThrows(ConflictError, 'member_id_taken');
  });
});

describe('ChangeMemberRole', () => {
  it('records MemberRoleChanged with the member, its email and both roles', () => {
    spec
      .given(...withDeveloper())
      .when(changeRole('admin'))
      .then({
        type: 'MemberRoleChanged',
        data: { accountId: ACCOUNT_ID, memberId: DEV_ID, email: DEV_EMAIL, fromRole: 'developer', toRole: 'admin', changedAt: LATER },
      });
  });

  it('compares against the role as changed', () => {
    spec
      .given(...withDeveloper(), roleChanged('developer', 'read-only'))
      .when(changeRole('billing'))
      .then(roleChanged('read-only', 'billing'));
  });

  it('records nothing when the member holds that role already', () => {
    spec.given(...withDeveloper()).when(changeRole('developer')).thenNothing();
    spec.given(...withDeveloper(), roleChanged('developer', 'admin')).when(changeRole('admin')).thenNothing();
  });

  it('refuses role owner: ownership is transferred, not assigned', () => {
    spec.given(...withDeveloper()).when(changeRole('owner')).thenThrows(ValidationError, 'validation_failed', failingPaths('role'));
  });

  it('refuses an unknown role', () => {
    spec
      .given(...withDeveloper())
      .when(changeRole('superuser' as Role))
      .thenThrows(ValidationError, 'validation_failed', failingPaths('role'));
  });

  it("refuses to change the owner's role", () => {
    spec.given(...withDeveloper()).when(changeRole('admin', OWNER_ID)).thenThrows(IllegalStateError, 'owner_role_fixed');
  });

  it('refuses an unknown member, and one who was removed', () => {
    spec.given(...withDeveloper()).when(changeRole('admin', 'mem-404')).thenThrows(NotFoundError, 'member_not_found');
    spec.given(...withDeveloper(), removed()).when(changeRole('admin')).thenThrows(NotFoundError, 'member_not_found');
  });

  it('refuses an unknown account', () => {
    spec.given().when(changeRole('admin')).thenThrows(NotFoundError, 'account_not_found');
  });
});

describe('RemoveMember', () => {
  it('records MemberRemoved with the email', () => {
    spec
      .given(...withDeveloper())
      .when(remove())
      .then({ type: 'MemberRemoved', data: { accountId: ACCOUNT_ID, memberId: DEV_ID, email: DEV_EMAIL, removedAt: LATER } });
  });

  it('refuses to remove the owner', () => {
    spec.given(...withDeveloper()).when(remove(OWNER_ID)).thenThrows(IllegalStateError, 'owner_cannot_be_removed');
  });

  it('refuses an unknown member, and one removed already', () => {
    spec.given(...withDeveloper()).when(remove('mem-404')).thenThrows(NotFoundError, 'member_not_found');
    spec.given(...withDeveloper(), removed()).when(remove()).thenThrows(NotFoundError, 'member_not_found');
  });

  it('refuses an unknown account', () => {
    spec.given().when(remove()).thenThrows(NotFoundError, 'account_not_found');
  });
});

describe('TransferOwnership', () => {
  it('records OwnershipTransferred from the current owner to the member', () => {
    spec
      .given(...withDeveloper())
      .when(transfer())
      .then({
        type: 'OwnershipTransferred',
        data: { accountId: ACCOUNT_ID, fromMemberId: OWNER_ID, toMemberId: DEV_ID, toEmail: DEV_EMAIL, transferredAt: LATER },
      });
  });

  it('records nothing when the member is the owner already', () => {
    spec.given(...withDeveloper()).when(transfer(OWNER_ID)).thenNothing();
    spec.given(...withDeveloper(), transferred(OWNER_ID, DEV_ID, DEV_EMAIL)).when(transfer(DEV_ID)).thenNothing();
  });

  it('transfers from whoever owns the account now', () => {
    spec
      .given(...withDeveloper(), transferred(OWNER_ID, DEV_ID, DEV_EMAIL))
      .when(transfer(OWNER_ID))
      .then(transferred(DEV_ID, OWNER_ID, OWNER_EMAIL));
  });

  it('refuses an unknown member', () => {
    spec.given(...withDeveloper()).when(transfer('mem-404')).thenThrows(NotFoundError, 'member_not_found');
    spec.given(...withDeveloper(), removed()).when(transfer()).thenThrows(NotFoundError, 'member_not_found');
  });

  it('refuses an unknown account', () => {
    spec.given().when(transfer()).thenThrows(NotFoundError, 'account_not_found');
  });

  it('the old owner becomes admin and may then be removed; the new owner may not', () => {
    const afterTransfer = [...withDeveloper(), transferred(OWNER_ID, DEV_ID, DEV_EMAIL)];
    spec.given(...afterTransfer).when(remove(OWNER_ID)).then(removed(OWNER_ID, OWNER_EMAIL));
    spec.given(...afterTransfer).when(changeRole('read-only', OWNER_ID)).then(roleChanged('admin', 'read-only', OWNER_ID, OWNER_EMAIL));
    spec.given(...afterTransfer).when(remove(DEV_ID)).thenThrows(IllegalStateError, 'owner_cannot_be_removed');
    spec.given(...afterTransfer).when(changeRole('admin', DEV_ID)).thenThrows(IllegalStateError, 'owner_role_fixed');
  });
});

describe('a closed account refuses every member command', () => {
  const commands: [string, MemberCommand, AccountEvent[]][] = [
    ['InviteMember', invite({ invitationId: 'inv-2', email: 'ops@acme.com.br' }), []],
    ['AcceptInvitation', accept(), [invited()]],
    ['ChangeMemberRole', changeRole('admin'), [invited(), accepted()]],
    ['RemoveMember', remove(), [invited(), accepted()]],
    ['TransferOwnership', transfer(), [invited(), accepted()]],
  ];

  it.each(commands)('%s', (_label, command, before) => {
    // the same command is accepted while the account is open...
    expect(accountDecider.decide(command, spec.given(opened(), ...before).state()).length).toBe(1);
    // ...and refused once it is closed
    spec
      .given(opened(), ...before, closed())
      .when(command)
      .thenThrows(IllegalStateError, 'account_closed');
  });
});

describe('evolve', () => {
  const owner = { memberId: OWNER_ID, email: OWNER_EMAIL, role: 'owner', joinedAt: OPENED_AT } as const;
  const developer = { memberId: DEV_ID, email: DEV_EMAIL, role: 'developer', joinedAt: ACCEPTED_AT } as const;
  const pending = {
    invitationId: INVITATION_ID,
    email: DEV_EMAIL,
    role: 'developer',
    tokenSha256: TOKEN_HASH,
    expiresAt: EXPIRES_AT,
    status: 'pending',
  } as const;

  it('an invitation is pending and adds no member', () => {
    const state = openState(spec.given(opened(), invited()).state());
    expect(state.members).toEqual({ [OWNER_ID]: owner });
    expect(state.invitations).toEqual({ [INVITATION_ID]: pending });
  });

  it('accepting marks the invitation accepted and adds the member, joined when accepted', () => {
    const state = openState(spec.given(...withDeveloper()).state());
    expect(state.members).toEqual({ [OWNER_ID]: owner, [DEV_ID]: developer });
    expect(state.invitations).toEqual({ [INVITATION_ID]: { ...pending, status: 'accepted' } });
    expect(state.ownerMemberId).toBe(OWNER_ID);
  });

  it('a role change sets the role and keeps the rest', () => {
    const state = openState(spec.given(...withDeveloper(), roleChanged('developer', 'billing')).state());
    expect(state.members).toEqual({ [OWNER_ID]: owner, [DEV_ID]: { ...developer, role: 'billing' } });
  });

  it('a removal drops the member', () => {
    const state = openState(spec.given(...withDeveloper(), removed()).state());
    expect(state.members).toEqual({ [OWNER_ID]: owner });
  });

  it('a transfer makes the old owner admin and the new one owner', () => {
    const state = openState(spec.given(...withDeveloper(), transferred(OWNER_ID, DEV_ID, DEV_EMAIL)).state());
    expect(state.members).toEqual({ [OWNER_ID]: { ...owner, role: 'admin' }, [DEV_ID]: { ...developer, role: 'owner' } });
    expect(state.ownerMemberId).toBe(DEV_ID);
  });

  it('member events about an account that was never opened are ignored', () => {
    expect(spec.given(invited(), accepted(), removed()).state()).toEqual({ status: 'none' });
  });

  it('does not mutate the state it is given', () => {
    const before = spec.given(...withDeveloper()).state();
    const snapshot = structuredClone(before);
    accountDecider.evolve(before, invited({ invitationId: 'inv-2', email: 'ops@acme.com.br' }));
    accountDecider.evolve(before, roleChanged('developer', 'admin'));
    accountDecider.evolve(before, removed());
    accountDecider.evolve(before, transferred(OWNER_ID, DEV_ID, DEV_EMAIL));
    expect(before).toEqual(snapshot);
  });
});

describe('property: there is always exactly one owner', () => {
  // A small pool, so commands meet each other: the owner's email among them, in two spellings.
  const EMAILS = [OWNER_EMAIL, 'Owner@Acme.com.br', 'ana@acme.com.br', 'ANA@acme.com.br', 'bia@acme.com.br', 'caio@acme.com.br'];
  const HOUR = 3_600_000;
  const START = Date.parse(OPENED_AT);

  type Step =
    | { kind: 'invite'; email: number; role: Role; ttlHours: number; token: number }
    | { kind: 'accept'; invitation: number | null; rightToken: boolean }
    | { kind: 'change'; member: number | null; role: Role }
    | { kind: 'remove'; member: number | null }
    | { kind: 'transfer'; member: number | null };

  const role = fc.constantFrom(...ROLES);
  /** an index into what exists (taken modulo its length), or now and then null: an id that does not exist */
  const pick = fc.option(fc.nat({ max: 20 }), { freq: 8 });
  const step: fc.Arbitrary<Step> = fc.oneof(
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('invite' as const),
        email: fc.nat({ max: EMAILS.length - 1 }),
        role,
        ttlHours: fc.integer({ min: 1, max: 6 }),
        token: fc.nat({ max: 2 }),
      }),
    },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('accept' as const), invitation: pick, rightToken: fc.nat({ max: 5 }).map((n) => n > 0) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('change' as const), member: pick, role }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove' as const), member: pick }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('transfer' as const), member: pick }) },
  );

  const among = (ids: readonly string[], i: number | null, unknown: string) => (i === null || ids.length === 0 ? unknown : ids[i % ids.length]!);

  /** Turns a generated step into a command against what exists: indices pick among known ids, null names an unknown one. */
  function toCommand(
    s: Step,
    index: number,
    state: Exclude<AccountState, { status: 'none' }>,
    invitationIds: readonly string[],
    memberIds: readonly string[],
  ): AccountCommand {
    const at = new Date(START + (index + 1) * HOUR).toISOString();
    const memberId = (i: number | null) => among(memberIds, i, 'mem-unknown');
    switch (s.kind) {
      case 'invite':
        return {
          type: 'InviteMember',
          data: {
            accountId: ACCOUNT_ID,
            invitationId: `inv-${index}`,
            email: EMAILS[s.email]!,
            role: s.role,
            tokenSha256: `hash-${index}-${s.token}`,
            invitedAt: at,
            expiresAt: new Date(START + (index + 1 + s.ttlHours) * HOUR).toISOString(),
          },
        };
      case 'accept': {
        const invitationId = among(invitationIds, s.invitation, 'inv-unknown');
        const invitation = state.invitations[invitationId];
        return {
          type: 'AcceptInvitation',
          data: {
            accountId: ACCOUNT_ID,
            invitationId,
            tokenSha256: s.rightToken && invitation ? invitation.tokenSha256 : 'wrong-hash',
            // fresh every time, as the caller makes it (a UUID)
            memberId: `mem-${index}`,
            acceptedAt: at,
          },
        };
      }
      case 'change':
        return { type: 'ChangeMemberRole', data: { accountId: ACCOUNT_ID, memberId: memberId(s.member), role: s.role, changedAt: at } };
      case 'remove':
        return { type: 'RemoveMember', data: { accountId: ACCOUNT_ID, memberId: memberId(s.member), removedAt: at } };
      case 'transfer':
        return { type: 'TransferOwnership', data: { accountId: ACCOUNT_ID, toMemberId: memberId(s.member), transferredAt: at } };
    }
  }

  it('for any sequence of accepted member commands, one member is owner and ownerMemberId names it', () => {
    // so the property cannot pass by refusing everything
    const seen = { InvitationAccepted: 0, MemberRoleChanged: 0, MemberRemoved: 0, OwnershipTransferred: 0 };
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40, size: 'medium' }), (steps) => {
        let state: AccountState = accountDecider.evolve(accountDecider.initialState(), opened());
        const invitationIds: string[] = [];
        steps.forEach((s, index) => {
          const current = openState(state);
          const command = toCommand(s, index, current, invitationIds, Object.keys(current.members).sort());
          let events: AccountEvent[];
          try {
            events = accountDecider.decide(command, state);
          } catch (error) {
            // a refusal is a DomainError, never a crash; refused commands are skipped
            expect(error).toBeInstanceOf(DomainError);
            return;
          }
          for (const event of events) {
            state = accountDecider.evolve(state, event);
            if (event.type === 'MemberInvited') invitationIds.push(event.data.invitationId);
            if (event.type in seen) seen[event.type as keyof typeof seen]++;
          }

          const after = openState(state);
          const owners = Object.values(after.members).filter((m) => m.role === 'owner');
          expect(owners).toHaveLength(1);
          expect(owners[0]!.memberId).toBe(after.ownerMemberId);
          expect(after.members[after.ownerMemberId]?.role).toBe('owner');
          // and, alongside: no email belongs to two members
          const emails = Object.values(after.members).map((m) => m.email);
          expect(new Set(emails).size).toBe(emails.length);
        });
      }),
      { numRuns: 500 },
    );
    for (const count of Object.values(seen)) expect(count).toBeGreaterThan(10);
  });
});
