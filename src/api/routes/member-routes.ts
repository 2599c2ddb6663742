import { z } from 'zod';
import type { MemberCommands } from '../../commands/member-commands.ts';
import type { StateAt } from '../../commands/state-at.ts';
import type { AccountMember } from '../../domain/account/account-decider.ts';
import { ROLES } from '../../domain/access/permissions.ts';
import type { accountApiTokensPage, accountInvitationsPage, accountMembersPage } from '../../projections/members/member-queries.ts';
import { onePageAsOf } from '../as-of.ts';
import { decodeCursor, PageQuery, pageFrom, pageOf } from '../pagination.ts';
import { AsOfField } from '../schemas/instant-schemas.ts';
import type { Query, RouteRegistry } from '../route.ts';
import { AccountIdParams, AccountView } from '../schemas/account-schemas.ts';
import {
  AcceptInvitationBody,
  ApiTokenView,
  ChangeRoleBody,
  CreateTokenBody,
  InvitationAcceptedView,
  InvitationCreatedView,
  InvitationView,
  InviteBody,
  MemberParams,
  MemberView,
  TokenCreatedView,
  TokenParams,
  TransferOwnershipBody,
} from '../schemas/member-schemas.ts';
import { accountViewFromState } from './account-views.ts';
import { iso } from './iso.ts';

const tags = ['members'];

/** A member as the write model has it, as the members read model lists it. */
export const memberViewFromState = (member: AccountMember) => ({ memberId: member.memberId, email: member.email, role: member.role, joinedAt: iso(member.joinedAt) });

export interface MemberRoutesDeps {
  inviteMember: MemberCommands['invite'];
  acceptInvitation: MemberCommands['accept'];
  changeMemberRole: MemberCommands['changeRole'];
  removeMember: MemberCommands['remove'];
  transferOwnership: MemberCommands['transferOwnership'];
  createApiToken: MemberCommands['createToken'];
  revokeApiToken: MemberCommands['revokeToken'];
  accountMembersPage: Query<typeof accountMembersPage>;
  accountInvitationsPage: Query<typeof accountInvitationsPage>;
  accountApiTokensPage: Query<typeof accountApiTokensPage>;
  /** `?asOf=`: the members folded from the account's stream up to an instant */
  membersAt: StateAt['members'];
}

export function registerMemberRoutes(routes: RouteRegistry, deps: MemberRoutesDeps): void {
  routes.add({
    method: 'GET',
    url: '/accounts/:accountId/members',
    summary: 'List the members of an account',
    tags,
    access: 'members:read',
    readModels: ['members'],
    params: AccountIdParams,
    query: PageQuery.extend({ role: z.enum(ROLES).optional() }).extend(AsOfField),
    responses: { 200: pageOf(MemberView) },
    async handler({ params, query, context }) {
      if (query.asOf) {
        const members = await deps.membersAt(params.accountId, { asOf: query.asOf, now: context.occurredAt }, { role: query.role });
        return { status: 200, body: onePageAsOf(query, members, memberViewFromState) };
      }
      const after = decodeCursor(query.cursor, ['email', 'id']);
      const rows = await deps.accountMembersPage(params.accountId, { ...(query.role ? { role: query.role } : {}), ...(after ? { after } : {}), limit: query.limit + 1 });
      return {
        status: 200,
        body: pageFrom(rows, query.limit, (last) => [last.email, last.member_id], (r) => ({ memberId: r.member_id, email: r.email, role: r.role, joinedAt: iso(r.joined_at) })),
      };
    },
  });

  routes.add({
    method: 'POST',
    url: '/accounts/:accountId/invitations',
    summary: 'Invite someone by email; the invitation token is shown once and expires in 7 days',
    tags,
    access: 'members:manage',
    params: AccountIdParams,
    body: InviteBody,
    responses: { 201: InvitationCreatedView },
    secretFields: ['invitationToken'],
    async handler({ params, body, context, newId }) {
      const { invitationToken, ...invitation } = await deps.inviteMember({ accountId: params.accountId, ...body }, context, newId('invitation'));
      // null: a retry found the invitation, whose token was mailed or used since
      return invitationToken === null
        ? { status: 201, body: invitation, headers: { 'secrets-omitted': 'invitationToken' } }
        : { status: 201, body: { ...invitation, invitationToken } };
    },
  });

  routes.add({
    method: 'GET',
    url: '/accounts/:accountId/invitations',
    summary: 'List invitations (never their tokens)',
    tags,
    access: 'members:read',
    readModels: ['members'],
    params: AccountIdParams,
    query: PageQuery.extend({ status: z.enum(['pending', 'accepted', 'expired']).optional() }),
    responses: { 200: pageOf(InvitationView) },
    async handler({ params, query, context }) {
      const now = context.occurredAt;
      const after = decodeCursor(query.cursor, ['instant', 'id']);
      const rows = await deps.accountInvitationsPage(params.accountId, { ...(query.status ? { status: query.status } : {}), now, ...(after ? { after } : {}), limit: query.limit + 1 });
      return {
        status: 200,
        body: pageFrom(rows, query.limit, (last) => [iso(last.invited_at), last.invitation_id], (r) => ({
          invitationId: r.invitation_id,
          email: r.email,
          role: r.role,
          status: r.status === 'pending' && iso(r.expires_at) <= now ? 'expired' : r.status,
          invitedAt: iso(r.invited_at),
          expiresAt: iso(r.expires_at),
        })),
      };
    },
  });

  routes.add({
    method: 'POST',
    url: '/invitations/accept',
    summary: 'Accept an invitation (the token is the credential); returns a first API token, shown once',
    tags,
    access: 'public',
    body: AcceptInvitationBody,
    responses: { 201: InvitationAcceptedView },
    secretFields: ['token'],
    async handler({ body, context }) {
      const accepted = await deps.acceptInvitation(body.token, body.tokenName, context);
      const { apiToken, ...member } = accepted;
      return { status: 201, body: { ...member, tokenId: apiToken.tokenId, token: apiToken.token } };
    },
  });

  routes.add({
    method: 'PUT',
    url: '/accounts/:accountId/members/:memberId/role',
    summary: "Change a member's role (not the owner's)",
    tags,
    access: 'members:manage',
    params: MemberParams,
    body: ChangeRoleBody,
    responses: { 200: MemberView },
    async handler({ params, body, context }) {
      const { state } = await deps.changeMemberRole({ ...params, role: body.role }, context);
      const member = state.status === 'none' ? undefined : state.members[params.memberId]!;
      return { status: 200, body: memberViewFromState(member!) };
    },
  });

  routes.add({
    method: 'DELETE',
    url: '/accounts/:accountId/members/:memberId',
    summary: 'Remove a member; their tokens stop working at once',
    tags,
    access: 'members:manage',
    params: MemberParams,
    responses: { 204: null },
    async handler({ params, context }) {
      await deps.removeMember(params, context);
      return { status: 204, body: null };
    },
  });

  routes.add({
    method: 'POST',
    url: '/accounts/:accountId/ownership',
    summary: 'Transfer ownership to another member (owner only); the old owner becomes admin',
    tags,
    access: 'ownership:transfer',
    params: AccountIdParams,
    body: TransferOwnershipBody,
    responses: { 200: AccountView },
    async handler({ params, body, context }) {
      const { state } = await deps.transferOwnership({ accountId: params.accountId, toMemberId: body.memberId }, context);
      if (state.status === 'none') throw new Error('unreachable: the account exists');
      return { status: 200, body: accountViewFromState(state) };
    },
  });

  routes.add({
    method: 'POST',
    url: '/accounts/:accountId/api-tokens',
    summary: 'Create an API token for yourself (operators name the member); shown once',
    tags,
    access: 'tokens:manage-own',
    params: AccountIdParams,
    body: CreateTokenBody,
    responses: { 201: TokenCreatedView },
    secretFields: ['token'],
    async handler({ params, body, principal, context, newId }) {
      const tokenId = newId('api-token').replaceAll('-', '');
      const issued = await deps.createApiToken({ accountId: params.accountId, name: body.name, memberId: body.memberId, tokenId }, principal!, context);
      // null: a retry found the token its lost first answer issued; only its digest was kept
      return issued.token === null
        ? { status: 201, body: { tokenId: issued.tokenId, memberId: issued.memberId }, headers: { 'secrets-omitted': 'token' } }
        : { status: 201, body: { tokenId: issued.tokenId, memberId: issued.memberId, token: issued.token } };
    },
  });

  routes.add({
    method: 'GET',
    url: '/accounts/:accountId/api-tokens',
    summary: "List the account's API tokens (names and status; never the tokens)",
    tags,
    access: 'members:read',
    readModels: ['api-tokens'],
    params: AccountIdParams,
    query: PageQuery.extend({ status: z.enum(['active', 'revoked']).optional(), memberId: z.uuid().optional() }),
    responses: { 200: pageOf(ApiTokenView) },
    async handler({ params, query }) {
      const after = decodeCursor(query.cursor, ['instant', 'id']);
      const rows = await deps.accountApiTokensPage(params.accountId, {
        ...(query.status ? { status: query.status } : {}),
        ...(query.memberId ? { memberId: query.memberId } : {}),
        ...(after ? { after } : {}),
        limit: query.limit + 1,
      });
      return {
        status: 200,
        body: pageFrom(rows, query.limit, (last) => [iso(last.issued_at), last.token_id], (r) => ({
          tokenId: r.token_id,
          name: r.name,
          kind: r.kind,
          memberId: r.member_id,
          role: r.role,
          status: r.status,
          issuedAt: iso(r.issued_at),
          revokedAt: r.revoked_at ? iso(r.revoked_at) : null,
        })),
      };
    },
  });

  routes.add({
    method: 'DELETE',
    url: '/accounts/:accountId/api-tokens/:tokenId',
    summary: 'Revoke an API token: your own, or as owner or admin any of the account',
    tags,
    access: 'tokens:manage-own',
    params: TokenParams,
    responses: { 204: null },
    async handler({ params, principal, context }) {
      await deps.revokeApiToken(params.accountId, params.tokenId, principal!, context);
      return { status: 204, body: null };
    },
  });
}
