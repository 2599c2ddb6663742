import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { roleAllows, type Role } from '../domain/access/permissions.ts';
import { accountDecider } from '../domain/account/account-decider.ts';
import { INVITATION_TTL_DAYS } from '../domain/account/account-members.ts';
import { accountStream } from '../domain/account/account-streams.ts';
import { apiTokenDecider, apiTokenStream } from '../domain/api-token/api-token.ts';
import { ConflictError, ForbiddenError, NotFoundError } from '../domain/errors.ts';
import type { EventStore } from '../ports/event-store.ts';
import type { SecretSealer } from '../ports/secret-sealer.ts';
import { issueApiToken, revokeApiToken, type IssuedToken, type Principal } from './api-token-commands.ts';
import { handleCommand, loadAggregate, type CommandContext } from './command-handler.ts';
import { withSealedSecret } from './random-secrets.ts';

/** `cpi_<account id><invitation id>_<secret>`: the ids let acceptance find the account without a lookup table. */
const INVITATION_TOKEN = /^cpi_([0-9a-f]{32})([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/;

const sha256Hex = (value: string) => createHash('sha256').update(value).digest('hex');
const hex = (uuid: string) => uuid.replaceAll('-', '');
const uuidOf = (h: string) => `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;

/** A UUID (RFC 9562 version 8) derived from a purpose and an id: the same inputs always give the same id. */
function derivedUuid(purpose: string, id: string): string {
  const bytes = createHash('sha256').update(`${purpose}:${id}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  return uuidOf(bytes.toString('hex'));
}

/**
 * `secrets` seals each invitation token into its MemberInvited event, for the email reactor
 * to open once and send; acceptance destroys that copy.
 */
export function createMemberCommands(eventStore: EventStore, secrets: SecretSealer) {
  const onAccount = (accountId: string, command: Parameters<typeof accountDecider.decide>[0], context: CommandContext) =>
    handleCommand(eventStore, accountDecider, accountStream(accountId), command, context);

  return {
    /**
     * `invitationId` derives from the Idempotency-Key in the API: a retry of this very request
     * finds the invitation its first try recorded and shows its token (that first answer was
     * lost) while the sealed copy still exists, that is until it is mailed or accepted.
     */
    async invite(input: { accountId: string; email: string; role: Role }, context: CommandContext, invitationId: string = randomUUID()) {
      const earlier = await loadAggregate(eventStore, accountDecider, accountStream(input.accountId));
      const found = earlier.state.status === 'none' ? undefined : earlier.state.invitations[invitationId];
      if (found) {
        const recorded = (await eventStore.readStream(accountStream(input.accountId))).find(
          (e) => e.type === 'MemberInvited' && (e.data as { invitationId: string }).invitationId === invitationId,
        );
        const sealed = (recorded?.data as { sealedToken?: Parameters<SecretSealer['open']>[0] } | undefined)?.sealedToken;
        const invitationToken = sealed ? await secrets.open(sealed).catch(() => null) : null;
        return { invitationId, email: found.email, role: found.role as Role, expiresAt: found.expiresAt, invitationToken };
      }
      const invitationToken = `cpi_${hex(input.accountId)}${hex(invitationId)}_${randomBytes(32).toString('base64url')}`;
      const expiresAt = new Date(Date.parse(context.occurredAt) + INVITATION_TTL_DAYS * 86_400_000).toISOString();
      const { events } = await withSealedSecret(secrets, invitationToken, (sealedToken) =>
        onAccount(
          input.accountId,
          {
            type: 'InviteMember',
            data: { ...input, invitationId, tokenSha256: sha256Hex(invitationToken), sealedToken, invitedAt: context.occurredAt, expiresAt },
          },
          context,
        ),
      );
      const invited = events[0]!.data as { email: string };
      return { invitationId, email: invited.email, role: input.role, expiresAt, invitationToken: invitationToken as string | null };
    },

    /**
     * Joins the account and hands the new member a first API token, shown once. Everything
     * that can refuse (a forged or unknown token, a used or expired invitation, a closed
     * account) is decided before anything is appended: a refused acceptance leaves no trace.
     * The member and token ids derive from the invitation, so a retry after a failure between
     * the acceptance and the token finds the acceptance and issues the missing token.
     */
    async accept(invitationToken: string, tokenName: string, context: CommandContext) {
      const match = INVITATION_TOKEN.exec(invitationToken);
      if (!match) throw new NotFoundError('invitation_not_found', 'no such invitation');
      const accountId = uuidOf(match[1]!);
      const invitationId = uuidOf(match[2]!);
      const memberId = derivedUuid('invitation-member', invitationId);
      const tokenId = hex(derivedUuid('invitation-token', invitationId));
      const tokenSha256 = sha256Hex(invitationToken);
      const actor = { ...context, actor: `member:${memberId}` };
      const acceptance = { type: 'AcceptInvitation' as const, data: { accountId, invitationId, tokenSha256, memberId, acceptedAt: context.occurredAt } };

      const { state } = await loadAggregate(eventStore, accountDecider, accountStream(accountId));
      if (state.status === 'none') throw new NotFoundError('invitation_not_found', 'no such invitation');
      const invitation = state.invitations[invitationId];
      const acceptedEarlier = invitation?.status === 'accepted' && invitation.tokenSha256 === tokenSha256 && state.members[memberId] !== undefined;
      const { state: tokenState } = await loadAggregate(eventStore, apiTokenDecider, apiTokenStream(tokenId));
      if (acceptedEarlier && tokenState.status !== 'none') throw new ConflictError('invitation_used', 'this invitation has already been accepted');
      // Throws for every refusal; the append below decides again on the state it appends to.
      if (!acceptedEarlier) accountDecider.decide(acceptance, state);

      const accepted = acceptedEarlier ? state : (await onAccount(accountId, acceptance, actor)).state;
      if (accepted.status === 'none') throw new NotFoundError('invitation_not_found', 'no such invitation');
      const apiToken = await issueApiToken(eventStore, { name: tokenName, scope: { kind: 'member', accountId, memberId }, tokenId }, actor);
      // Used: the sealed copy has nothing left to deliver.
      const sealedTokenKeyId = accepted.invitations[invitationId]?.sealedTokenKeyId;
      if (sealedTokenKeyId) await secrets.shred(sealedTokenKeyId);
      const member = accepted.members[memberId]!;
      return { accountId, memberId, email: member.email, role: member.role, apiToken };
    },

    changeRole: (input: { accountId: string; memberId: string; role: Role }, context: CommandContext) =>
      onAccount(input.accountId, { type: 'ChangeMemberRole', data: { ...input, changedAt: context.occurredAt } }, context),

    remove: (input: { accountId: string; memberId: string }, context: CommandContext) =>
      onAccount(input.accountId, { type: 'RemoveMember', data: { ...input, removedAt: context.occurredAt } }, context),

    transferOwnership: (input: { accountId: string; toMemberId: string }, context: CommandContext) =>
      onAccount(input.accountId, { type: 'TransferOwnership', data: { ...input, transferredAt: context.occurredAt } }, context),

    /**
     * A member's own token. Only operators may name another member: a service token, whatever
     * its role, must not mint a token for the owner.
     */
    async createToken(
      input: { accountId: string; name: string; memberId: string | undefined; /** 32 hex digits, derived from the Idempotency-Key by the API */ tokenId?: string },
      principal: Principal,
      context: CommandContext,
    ): Promise<{ tokenId: string; memberId: string; /** null: a retry found the token its first try issued; never shown again */ token: string | null }> {
      let memberId: string | undefined;
      if (principal.scope.kind === 'member') {
        if (input.memberId !== undefined && input.memberId !== principal.scope.memberId) {
          throw new ForbiddenError('own_tokens_only', 'members create tokens for themselves only');
        }
        memberId = principal.scope.memberId;
      } else if (principal.scope.kind === 'operator') {
        memberId = input.memberId;
        if (!memberId) throw new ForbiddenError('member_required', 'name the member the token is for (memberId)');
      } else {
        throw new ForbiddenError('own_tokens_only', 'service tokens cannot create member tokens; a member or an operator can');
      }
      const { state } = await loadAggregate(eventStore, accountDecider, accountStream(input.accountId));
      if (state.status === 'none' || !state.members[memberId]) throw new NotFoundError('member_not_found', `member ${memberId} does not exist`);
      if (input.tokenId) {
        const earlier = await loadAggregate(eventStore, apiTokenDecider, apiTokenStream(input.tokenId));
        if (earlier.state.status !== 'none' && earlier.state.scope.kind === 'member' && earlier.state.scope.memberId === memberId) {
          return { tokenId: input.tokenId, memberId, token: null };
        }
      }
      const issued = await issueApiToken(eventStore, { name: input.name, scope: { kind: 'member', accountId: input.accountId, memberId }, ...(input.tokenId ? { tokenId: input.tokenId } : {}) }, context);
      return { ...issued, memberId };
    },

    /** Members revoke their own tokens; owners and admins (and operators) any of the account's. */
    async revokeToken(accountId: string, tokenId: string, principal: Principal, context: CommandContext) {
      const { state } = await loadAggregate(eventStore, apiTokenDecider, apiTokenStream(tokenId));
      if (state.status === 'none' || !('accountId' in state.scope) || state.scope.accountId !== accountId) {
        throw new NotFoundError('token_not_found', `token ${tokenId} does not exist`);
      }
      const own = principal.scope.kind === 'member' && state.scope.kind === 'member' && state.scope.memberId === principal.scope.memberId;
      const mayManage = principal.scope.kind === 'operator' || (principal.role !== null && roleAllows(principal.role, 'members:manage'));
      if (!own && !mayManage) throw new ForbiddenError('role_forbidden', 'only owners and admins revoke other members\' tokens');
      return revokeApiToken(eventStore, tokenId, context);
    },
  };
}

export type MemberCommands = ReturnType<typeof createMemberCommands>;

