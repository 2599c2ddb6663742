import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { roleAllows, type Role } from '../domain/access/permissions.ts';
import { accountDecider } from '../domain/account/account-decider.ts';
import { INVITATION_TTL_DAYS } from '../domain/account/account-members.ts';
import { accountStream } from '../domain/account/account-streams.ts';
import { apiTokenDecider, apiTokenStream } from '../domain/api-token/api-token.ts';
import { ForbiddenError, NotFoundError } from '../domain/errors.ts';
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

/**
 * `secrets` seals each invitation token into its MemberInvited event, for the email reactor
 * to open once and send; acceptance destroys that copy.
 */
export function createMemberCommands(eventStore: EventStore, secrets: SecretSealer) {
  const onAccount = (accountId: string, command: Parameters<typeof accountDecider.decide>[0], context: CommandContext) =>
    handleCommand(eventStore, accountDecider, accountStream(accountId), command, context);

  return {
    async invite(input: { accountId: string; email: string; role: Role }, context: CommandContext) {
      const invitationId = randomUUID();
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
      return { invitationId, email: invited.email, role: input.role, expiresAt, invitationToken };
    },

    /** Joins the account and hands the new member a first API token, both shown once. */
    async accept(invitationToken: string, tokenName: string, context: CommandContext) {
      const match = INVITATION_TOKEN.exec(invitationToken);
      if (!match) throw new NotFoundError('invitation_not_found', 'no such invitation');
      const accountId = uuidOf(match[1]!);
      const invitationId = uuidOf(match[2]!);
      const memberId = randomUUID();
      const actor = { ...context, actor: `member:${memberId}` };
      // The token first: it is worthless until the acceptance below makes memberId a member,
      // and a failure in between then never leaves a member without a credential.
      const apiToken = await issueApiToken(eventStore, { name: tokenName, scope: { kind: 'member', accountId, memberId } }, actor);
      const { state } = await onAccount(
        accountId,
        { type: 'AcceptInvitation', data: { accountId, invitationId, tokenSha256: sha256Hex(invitationToken), memberId, acceptedAt: context.occurredAt } },
        actor,
      );
      if (state.status === 'none') throw new NotFoundError('invitation_not_found', 'no such invitation');
      // Used: the sealed copy has nothing left to deliver.
      const sealedTokenKeyId = state.invitations[invitationId]?.sealedTokenKeyId;
      if (sealedTokenKeyId) await secrets.shred(sealedTokenKeyId);
      const member = state.members[memberId]!;
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
      input: { accountId: string; name: string; memberId: string | undefined },
      principal: Principal,
      context: CommandContext,
    ): Promise<IssuedToken & { memberId: string }> {
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
      const issued = await issueApiToken(eventStore, { name: input.name, scope: { kind: 'member', accountId: input.accountId, memberId } }, context);
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

