import type { Transaction } from 'kysely';
import { membershipEvents, type MemberRemoved } from '../../domain/account/account-events.ts';
import type { ApiTokenEvent } from '../../domain/api-token/api-token.ts';
import { assertNever } from '../../domain/decider.ts';
import { eventUnion } from '../../domain/shared/event-union.ts';
import type { RecordedEvent } from '../../ports/event-store.ts';
import type { Projection } from '../projection.ts';
import { updateOneRow } from '../update-one-row.ts';
import type { MemberTables } from './member-tables.ts';

type Trx = Transaction<MemberTables>;

const membersProjection: Projection = {
  name: 'members',
  eventTypes: new Set(membershipEvents.types),
  tables: ['members', 'invitations'],
  async apply(trx: Trx, recorded: RecordedEvent) {
    const event = membershipEvents.narrow(recorded);
    switch (event.type) {
      case 'AccountOpened': {
        const { accountId, owner, openedAt } = event.data;
        await trx.insertInto('members').values({ account_id: accountId, member_id: owner.memberId, email: owner.email, role: 'owner', joined_at: openedAt }).execute();
        return;
      }
      case 'MemberInvited': {
        const d = event.data;
        await trx
          .insertInto('invitations')
          .values({ invitation_id: d.invitationId, account_id: d.accountId, email: d.email, role: d.role, status: 'pending', invited_at: d.invitedAt, expires_at: d.expiresAt, accepted_at: null, member_id: null })
          .execute();
        return;
      }
      case 'InvitationAccepted': {
        const d = event.data;
        await updateOneRow(trx, 'invitations', { invitation_id: d.invitationId }, { status: 'accepted', accepted_at: d.acceptedAt, member_id: d.memberId }, `invitation ${d.invitationId}`);
        await trx.insertInto('members').values({ account_id: d.accountId, member_id: d.memberId, email: d.email, role: d.role, joined_at: d.acceptedAt }).execute();
        return;
      }
      case 'MemberRoleChanged': {
        const { accountId, memberId, toRole } = event.data;
        await updateOneRow(trx, 'members', { account_id: accountId, member_id: memberId }, { role: toRole }, `member ${memberId} of account ${accountId}`);
        return;
      }
      case 'MemberRemoved':
        await trx.deleteFrom('members').where('account_id', '=', event.data.accountId).where('member_id', '=', event.data.memberId).execute();
        return;
      case 'OwnershipTransferred': {
        const { accountId, fromMemberId, toMemberId } = event.data;
        await updateOneRow(trx, 'members', { account_id: accountId, member_id: fromMemberId }, { role: 'admin' }, `member ${fromMemberId} of account ${accountId}`);
        await updateOneRow(trx, 'members', { account_id: accountId, member_id: toMemberId }, { role: 'owner' }, `member ${toMemberId} of account ${accountId}`);
        return;
      }
      default:
        assertNever(event);
    }
  },
};

/** A token's life, and its member's removal: a removed member's tokens stop working (auth reads the account); the list must say so too. */
const tokenListEvents = eventUnion<ApiTokenEvent | MemberRemoved>({ ApiTokenIssued: true, ApiTokenRevoked: true, MemberRemoved: true });

const apiTokensProjection: Projection = {
  name: 'api-tokens',
  eventTypes: new Set(tokenListEvents.types),
  tables: ['api_tokens'],
  async apply(trx: Trx, recorded: RecordedEvent) {
    const event = tokenListEvents.narrow(recorded);
    switch (event.type) {
      case 'ApiTokenIssued': {
        const { tokenId, name, scope, issuedAt } = event.data;
        await trx
          .insertInto('api_tokens')
          .values({
            token_id: tokenId,
            name,
            kind: scope.kind,
            account_id: 'accountId' in scope ? scope.accountId : null,
            member_id: scope.kind === 'member' ? scope.memberId : null,
            role: scope.kind === 'account' ? (scope.role ?? 'admin') : null,
            status: 'active',
            issued_at: issuedAt,
            revoked_at: null,
          })
          .execute();
        return;
      }
      case 'ApiTokenRevoked':
        await updateOneRow(trx, 'api_tokens', { token_id: event.data.tokenId }, { status: 'revoked', revoked_at: event.data.revokedAt }, `API token ${event.data.tokenId}`);
        return;
      // A member may have no active tokens: this one finds any number of rows.
      case 'MemberRemoved':
        await trx
          .updateTable('api_tokens')
          .set({ status: 'revoked', revoked_at: event.data.removedAt })
          .where('account_id', '=', event.data.accountId)
          .where('member_id', '=', event.data.memberId)
          .where('status', '=', 'active')
          .execute();
        return;
      default:
        assertNever(event);
    }
  },
};

export const memberProjections: Projection[] = [membersProjection, apiTokensProjection];
