import { ROLES } from '../access/permissions.ts';
import { ConflictError, IllegalStateError, NotFoundError, ValidationError, type FieldIssue } from '../errors.ts';
import type { AcceptInvitation, ChangeMemberRole, InviteMember, RemoveMember, TransferOwnership } from './account-commands.ts';
import type { AccountState } from './account-state.ts';
import type { MemberEvent } from './account-events.ts';
import { checkEmail } from './account-rules.ts';

type OpenAccountState = Exclude<AccountState, { status: 'none' }>;

/** Invitations last a week: long enough for a holiday, short enough that a leaked link dies. */
export const INVITATION_TTL_DAYS = 7;

const normalizeEmail = (email: string) => email.trim().toLowerCase();

const memberByEmail = (state: OpenAccountState, email: string) =>
  Object.values(state.members).find((m) => m.email === normalizeEmail(email));

function requireMember(state: OpenAccountState, memberId: string) {
  const member = state.members[memberId];
  if (!member) throw new NotFoundError('member_not_found', `member ${memberId} does not exist`);
  return member;
}

export function inviteMember({ data }: InviteMember, state: OpenAccountState): MemberEvent[] {
  const issues: FieldIssue[] = [];
  checkEmail(data.email, 'email', issues);
  if (!(ROLES as readonly string[]).includes(data.role) || data.role === 'owner') {
    issues.push({ path: 'role', message: 'must be admin, billing, developer or read-only (ownership is transferred, not invited)' });
  }
  if (issues.length > 0) throw new ValidationError(issues);
  const email = normalizeEmail(data.email);
  if (state.invitations[data.invitationId]) throw new ConflictError('invitation_exists', `invitation ${data.invitationId} already exists`);
  if (memberByEmail(state, email)) throw new ConflictError('member_exists', `${email} is already a member of this account`);
  const pending = Object.values(state.invitations).find((i) => i.email === email && i.status === 'pending' && i.expiresAt > data.invitedAt);
  if (pending) throw new ConflictError('invitation_pending', `${email} already has a pending invitation`);
  return [{ type: 'MemberInvited', data: { ...data, email } }];
}

export function acceptInvitation({ data }: AcceptInvitation, state: OpenAccountState): MemberEvent[] {
  const invitation = state.invitations[data.invitationId];
  // A wrong token and an unknown invitation look the same from outside.
  if (!invitation || invitation.tokenSha256 !== data.tokenSha256) {
    throw new NotFoundError('invitation_not_found', 'no such invitation');
  }
  if (invitation.status === 'accepted') throw new ConflictError('invitation_used', 'this invitation has already been accepted');
  if (data.acceptedAt >= invitation.expiresAt) throw new IllegalStateError('invitation_expired', `this invitation expired at ${invitation.expiresAt}`);
  if (memberByEmail(state, invitation.email)) throw new ConflictError('member_exists', `${invitation.email} is already a member`);
  // Ids come from outside; a reused one would overwrite a member (even the owner).
  if (state.members[data.memberId]) throw new ConflictError('member_id_taken', `member id ${data.memberId} is already in use`);
  return [
    {
      type: 'InvitationAccepted',
      data: {
        accountId: data.accountId,
        invitationId: data.invitationId,
        memberId: data.memberId,
        email: invitation.email,
        role: invitation.role,
        acceptedAt: data.acceptedAt,
      },
    },
  ];
}

export function changeMemberRole({ data }: ChangeMemberRole, state: OpenAccountState): MemberEvent[] {
  if (data.role === 'owner') {
    throw new ValidationError([{ path: 'role', message: 'ownership is transferred with TransferOwnership, not assigned' }]);
  }
  if (!(ROLES as readonly string[]).includes(data.role)) {
    throw new ValidationError([{ path: 'role', message: `must be one of ${ROLES.filter((r) => r !== 'owner').join(', ')}` }]);
  }
  const member = requireMember(state, data.memberId);
  if (member.role === 'owner') throw new IllegalStateError('owner_role_fixed', "the owner's role changes only by transferring ownership");
  if (member.role === data.role) return [];
  return [
    {
      type: 'MemberRoleChanged',
      data: { accountId: data.accountId, memberId: member.memberId, email: member.email, fromRole: member.role, toRole: data.role, changedAt: data.changedAt },
    },
  ];
}

export function removeMember({ data }: RemoveMember, state: OpenAccountState): MemberEvent[] {
  const member = requireMember(state, data.memberId);
  if (member.role === 'owner') {
    throw new IllegalStateError('owner_cannot_be_removed', 'an account always has an owner: transfer ownership first');
  }
  return [{ type: 'MemberRemoved', data: { accountId: data.accountId, memberId: member.memberId, email: member.email, removedAt: data.removedAt } }];
}

export function transferOwnership({ data }: TransferOwnership, state: OpenAccountState): MemberEvent[] {
  const target = requireMember(state, data.toMemberId);
  if (target.role === 'owner') return [];
  return [
    {
      type: 'OwnershipTransferred',
      data: {
        accountId: data.accountId,
        fromMemberId: state.ownerMemberId,
        toMemberId: target.memberId,
        toEmail: target.email,
        transferredAt: data.transferredAt,
      },
    },
  ];
}

/** Folds a member event into the account's member list and invitations. */
export function evolveMembers(state: OpenAccountState, event: MemberEvent): OpenAccountState {
  switch (event.type) {
    case 'MemberInvited': {
      const { invitationId, email, role, tokenSha256, expiresAt } = event.data;
      const sealed = event.data.sealedToken ? { sealedTokenKeyId: event.data.sealedToken.dataKeyId } : {};
      return {
        ...state,
        invitations: { ...state.invitations, [invitationId]: { invitationId, email, role, tokenSha256, ...sealed, expiresAt, status: 'pending' } },
      };
    }
    case 'InvitationAccepted': {
      const { invitationId, memberId, email, role, acceptedAt } = event.data;
      const invitation = state.invitations[invitationId]!;
      return {
        ...state,
        invitations: { ...state.invitations, [invitationId]: { ...invitation, status: 'accepted' } },
        members: { ...state.members, [memberId]: { memberId, email, role, joinedAt: acceptedAt } },
      };
    }
    case 'MemberRoleChanged': {
      const member = state.members[event.data.memberId]!;
      return { ...state, members: { ...state.members, [member.memberId]: { ...member, role: event.data.toRole } } };
    }
    case 'MemberRemoved': {
      const { [event.data.memberId]: _removed, ...members } = state.members;
      return { ...state, members };
    }
    case 'OwnershipTransferred': {
      const { fromMemberId, toMemberId } = event.data;
      const members = { ...state.members };
      if (members[fromMemberId]) members[fromMemberId] = { ...members[fromMemberId], role: 'admin' };
      members[toMemberId] = { ...members[toMemberId]!, role: 'owner' };
      return { ...state, members, ownerMemberId: toMemberId };
    }
  }
}
