import type { Kysely } from 'kysely';
import type { Role } from '../../domain/access/permissions.ts';
import type { ApiTokensTable, InvitationsTable, MembersTable, MemberTables } from './member-tables.ts';

/** A page of the account's members by email (then member id), ascending. */
export function accountMembersPage(
  db: Kysely<MemberTables>,
  accountId: string,
  page: { role?: Role; after?: readonly [string, string]; limit: number },
): Promise<MembersTable[]> {
  const { after } = page;
  let q = db.selectFrom('members').selectAll().where('account_id', '=', accountId);
  if (page.role) q = q.where('role', '=', page.role);
  if (after) q = q.where((eb) => eb(eb.refTuple('email', 'member_id'), '>', eb.tuple(after[0], after[1])));
  return q.orderBy('email').orderBy('member_id').limit(page.limit).execute();
}

/** A page of the account's invitations, newest first; pending and expired are told apart at `now`. */
export function accountInvitationsPage(
  db: Kysely<MemberTables>,
  accountId: string,
  page: { status?: 'pending' | 'accepted' | 'expired'; now: string; after?: readonly [string, string]; limit: number },
): Promise<InvitationsTable[]> {
  const { now, after } = page;
  let q = db.selectFrom('invitations').selectAll().where('account_id', '=', accountId);
  if (page.status === 'accepted') q = q.where('status', '=', 'accepted');
  if (page.status === 'pending') q = q.where('status', '=', 'pending').where('expires_at', '>', now);
  if (page.status === 'expired') q = q.where('status', '=', 'pending').where('expires_at', '<=', now);
  if (after) q = q.where((eb) => eb(eb.refTuple('invited_at', 'invitation_id'), '<', eb.tuple(after[0], after[1])));
  return q.orderBy('invited_at', 'desc').orderBy('invitation_id', 'desc').limit(page.limit).execute();
}

/** A page of the account's API tokens, newest first. */
export function accountApiTokensPage(
  db: Kysely<MemberTables>,
  accountId: string,
  page: { status?: 'active' | 'revoked'; memberId?: string; after?: readonly [string, string]; limit: number },
): Promise<ApiTokensTable[]> {
  const { after } = page;
  let q = db.selectFrom('api_tokens').selectAll().where('account_id', '=', accountId);
  if (page.status) q = q.where('status', '=', page.status);
  if (page.memberId) q = q.where('member_id', '=', page.memberId);
  if (after) q = q.where((eb) => eb(eb.refTuple('issued_at', 'token_id'), '<', eb.tuple(after[0], after[1])));
  return q.orderBy('issued_at', 'desc').orderBy('token_id', 'desc').limit(page.limit).execute();
}
