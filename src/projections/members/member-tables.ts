import type { Role } from '../../domain/access/permissions.ts';

export interface MembersTable {
  account_id: string;
  member_id: string;
  email: string;
  role: Role;
  joined_at: Date | string;
}

/** Invitations without their token: only its digest exists, and only in the event. */
export interface InvitationsTable {
  invitation_id: string;
  account_id: string;
  email: string;
  role: Role;
  status: 'pending' | 'accepted';
  invited_at: Date | string;
  expires_at: Date | string;
  accepted_at: Date | string | null;
  member_id: string | null;
}

/** API tokens as a list for people: never the token, never its digest. */
export interface ApiTokensTable {
  token_id: string;
  name: string;
  kind: 'operator' | 'metering' | 'account' | 'member';
  account_id: string | null;
  member_id: string | null;
  role: Role | null;
  status: 'active' | 'revoked';
  issued_at: Date | string;
  revoked_at: Date | string | null;
}

export interface MemberTables {
  members: MembersTable;
  invitations: InvitationsTable;
  api_tokens: ApiTokensTable;
}
