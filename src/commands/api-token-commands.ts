import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Role } from '../domain/access/permissions.ts';
import { apiTokenDecider, apiTokenStream, type TokenScope } from '../domain/api-token/api-token.ts';
import type { EventStore } from '../ports/event-store.ts';
import { loadAccountStatus } from './account-guard.ts';
import { handleCommand, loadAggregate, type CommandContext } from './command-handler.ts';

const TOKEN_PATTERN = /^cpl_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/;

export interface IssuedToken {
  tokenId: string;
  /** shown once; only its SHA-256 digest is kept */
  token: string;
}

export interface Principal {
  tokenId: string;
  name: string;
  scope: TokenScope;
  /** the role it acts with inside its account; null for operators */
  role: Role | null;
}

/** A member's role as of now, or null once the member is gone. */
export type MemberRoleLookup = (accountId: string, memberId: string) => Promise<Role | null>;

const sha256 = (value: string) => createHash('sha256').update(value).digest();

/** `cpl_<token id>_<43 characters of secret>`: the id lets us find the token without scanning digests. */
export async function issueApiToken(
  eventStore: EventStore,
  input: { name: string; scope: TokenScope; /** 32 hex digits; fresh when absent */ tokenId?: string },
  context: CommandContext,
): Promise<IssuedToken> {
  const tokenId = input.tokenId ?? randomUUID().replaceAll('-', '');
  const token = `cpl_${tokenId}_${randomBytes(32).toString('base64url')}`;
  await handleCommand(
    eventStore,
    apiTokenDecider,
    apiTokenStream(tokenId),
    {
      type: 'IssueApiToken',
      data: { tokenId, name: input.name, scope: input.scope, secretSha256: sha256(token).toString('hex'), issuedAt: context.occurredAt },
    },
    context,
  );
  return { tokenId, token };
}

/** A token of the account's own (`ops create-account-token`): refused when the log never opened the account. */
export async function issueAccountApiToken(eventStore: EventStore, input: { name: string; accountId: string }, context: CommandContext): Promise<IssuedToken> {
  await loadAccountStatus(eventStore, input.accountId);
  return issueApiToken(eventStore, { name: input.name, scope: { kind: 'account', accountId: input.accountId } }, context);
}

export async function revokeApiToken(eventStore: EventStore, tokenId: string, context: CommandContext) {
  return handleCommand(eventStore, apiTokenDecider, apiTokenStream(tokenId), { type: 'RevokeApiToken', data: { tokenId, revokedAt: context.occurredAt } }, context);
}

/**
 * The token's own stream is the source of truth, read on every request: a revocation
 * takes effect at once, with no read model lag to wait out.
 */
export async function authenticateToken(eventStore: EventStore, memberRole: MemberRoleLookup, presented: string): Promise<Principal | null> {
  const match = TOKEN_PATTERN.exec(presented);
  if (!match) return null;
  const { state } = await loadAggregate(eventStore, apiTokenDecider, apiTokenStream(match[1]!));
  if (state.status !== 'active') return null;
  const expected = Buffer.from(state.secretSha256, 'hex');
  const actual = sha256(presented);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return null;
  const { scope } = state;
  if (scope.kind === 'operator' || scope.kind === 'metering') return { tokenId: state.tokenId, name: state.name, scope, role: null };
  if (scope.kind === 'account') return { tokenId: state.tokenId, name: state.name, scope, role: scope.role ?? 'admin' };
  const role = await memberRole(scope.accountId, scope.memberId);
  return role ? { tokenId: state.tokenId, name: state.name, scope, role } : null;
}
