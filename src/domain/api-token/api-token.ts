import { assertNever, type Decider, type DomainEvent } from '../decider.ts';
import type { Role } from '../access/permissions.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { eventUnion } from '../shared/event-union.ts';

/**
 * Bearer tokens. The secret itself is never stored: only its SHA-256 digest, computed
 * outside the domain and passed in with the command, reaches the event.
 */
/**
 * operator: the platform's staff. account: a service token of one account, acting with the
 * role fixed when it was issued (admin when none was given). member: a member's token,
 * acting with the member's current role, dead once the member is removed.
 */
export type TokenScope =
  | { kind: 'operator' }
  /** a usage collector: may record usage for any account, nothing else */
  | { kind: 'metering' }
  | { kind: 'account'; accountId: string; role?: Role }
  | { kind: 'member'; accountId: string; memberId: string };

export type IssueApiToken = {
  type: 'IssueApiToken';
  data: { tokenId: string; name: string; scope: TokenScope; secretSha256: string; issuedAt: string };
};
export type RevokeApiToken = { type: 'RevokeApiToken'; data: { tokenId: string; revokedAt: string } };
export type ApiTokenCommand = IssueApiToken | RevokeApiToken;

export type ApiTokenIssued = DomainEvent<'ApiTokenIssued', IssueApiToken['data']>;
export type ApiTokenRevoked = DomainEvent<
  'ApiTokenRevoked',
  RevokeApiToken['data'] & { name: string; /** null for operator tokens */ accountId: string | null }
>;
export type ApiTokenEvent = ApiTokenIssued | ApiTokenRevoked;
export const apiTokenEvents = eventUnion<ApiTokenEvent>({ ApiTokenIssued: true, ApiTokenRevoked: true });

export type ApiTokenState =
  | { status: 'none' }
  | { status: 'active' | 'revoked'; tokenId: string; name: string; scope: TokenScope; secretSha256: string };

export const apiTokenStream = (tokenId: string) => `apitoken-${tokenId}`;

export const apiTokenDecider: Decider<ApiTokenCommand, ApiTokenEvent, ApiTokenState> = {
  initialState: () => ({ status: 'none' }),
  decide(command, state) {
    switch (command.type) {
      case 'IssueApiToken':
        if (state.status !== 'none') throw new ConflictError('token_exists', `token ${command.data.tokenId} already exists`);
        return [{ type: 'ApiTokenIssued', data: command.data }];
      case 'RevokeApiToken':
        if (state.status === 'none') throw new NotFoundError('token_not_found', `token ${command.data.tokenId} does not exist`);
        if (state.status === 'revoked') return [];
        return [
          {
            type: 'ApiTokenRevoked',
            data: { ...command.data, name: state.name, accountId: 'accountId' in state.scope ? state.scope.accountId : null },
          },
        ];
      default:
        return assertNever(command);
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'ApiTokenIssued': {
        const { tokenId, name, scope, secretSha256 } = event.data;
        return { status: 'active', tokenId, name, scope, secretSha256 };
      }
      case 'ApiTokenRevoked':
        return state.status === 'none' ? state : { ...state, status: 'revoked' };
      default:
        return assertNever(event);
    }
  },
};
