import { describe, expect, it } from 'vitest';
import {
  apiTokenDecider,
  apiTokenStream,
  type ApiTokenIssued,
  type ApiTokenRevoked,
  type IssueApiToken,
  type RevokeApiToken,
  type TokenScope,
} from '../../src/domain/api-token/api-token.ts';
import { ConflictError, NotFoundError } from '../../src/domain/errors.ts';
import { deciderSpec } from '../support/decider-spec.ts';

const spec = deciderSpec(apiTokenDecider);

const TOKEN_ID = '0f8e2c1a9b7d4e6f8a1b2c3d4e5f6a7b';
// SHA-256 of the empty string, as a stand-in digest: the decider never looks inside it.
const DIGEST = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const ISSUED_AT = '2026-03-01T12:00:00.000Z';
const REVOKED_AT = '2026-03-02T08:15:00.000Z';

const OPERATOR: TokenScope = { kind: 'operator' };
const ACCOUNT_SCOPE: TokenScope = { kind: 'account', accountId: 'acc-1' };

const issue = (scope: TokenScope = OPERATOR, name = 'ci deploy'): IssueApiToken => ({
  type: 'IssueApiToken',
  data: { tokenId: TOKEN_ID, name, scope, secretSha256: DIGEST, issuedAt: ISSUED_AT },
});
const revoke = (): RevokeApiToken => ({ type: 'RevokeApiToken', data: { tokenId: TOKEN_ID, revokedAt: REVOKED_AT } });

const issued = (scope: TokenScope = OPERATOR, name = 'ci deploy'): ApiTokenIssued => ({
  type: 'ApiTokenIssued',
  data: { tokenId: TOKEN_ID, name, scope, secretSha256: DIGEST, issuedAt: ISSUED_AT },
});
const revoked = (): ApiTokenRevoked => ({ type: 'ApiTokenRevoked', data: { tokenId: TOKEN_ID, revokedAt: REVOKED_AT, name: 'ci deploy', accountId: null } });

describe('IssueApiToken', () => {
  it('records the token with its scope and digest', () => {
    spec
      .given()
      .when(issue())
      .then({
        type: 'ApiTokenIssued',
        data: { tokenId: TOKEN_ID, name: 'ci deploy', scope: { kind: 'operator' }, secretSha256: DIGEST, issuedAt: ISSUED_AT },
      });
  });

  it('keeps an account scope with its account id', () => {
    spec
      .given()
      .when(issue(ACCOUNT_SCOPE, 'acme billing'))
      .then({
        type: 'ApiTokenIssued',
        data: {
          tokenId: TOKEN_ID,
          name: 'acme billing',
          scope: { kind: 'account', accountId: 'acc-1' },
          secretSha256: DIGEST,
          issuedAt: ISSUED_AT,
        },
      });
  });

  it('refuses a token id that is already issued', () => {
    spec.given(issued()).when(issue()).thenThrows(ConflictError, 'token_exists');
  });

  it('refuses a token id that was issued and revoked: ids are never reused', () => {
    spec.given(issued(), revoked()).when(issue()).thenThrows(ConflictError, 'token_exists');
  });
});

describe('RevokeApiToken', () => {
  it('revokes an active token, naming it and its account for the audit log', () => {
    spec
      .given(issued())
      .when(revoke())
      .then({ type: 'ApiTokenRevoked', data: { tokenId: TOKEN_ID, revokedAt: REVOKED_AT, name: 'ci deploy', accountId: null } });
    spec
      .given(issued({ kind: 'account', accountId: 'acc-1', role: 'billing' }, 'finance bot'))
      .when(revoke())
      .then({ type: 'ApiTokenRevoked', data: { tokenId: TOKEN_ID, revokedAt: REVOKED_AT, name: 'finance bot', accountId: 'acc-1' } });
  });

  it('records nothing for a token already revoked', () => {
    spec.given(issued(), revoked()).when(revoke()).thenNothing();
  });

  it('refuses an unknown token', () => {
    spec.given().when(revoke()).thenThrows(NotFoundError, 'token_not_found');
  });
});

describe('evolve', () => {
  it('starts with no token', () => {
    expect(spec.given().state()).toEqual({ status: 'none' });
  });

  it('an issued token is active and keeps what authentication needs, not the issue time', () => {
    expect(spec.given(issued(ACCOUNT_SCOPE, 'acme billing')).state()).toEqual({
      status: 'active',
      tokenId: TOKEN_ID,
      name: 'acme billing',
      scope: { kind: 'account', accountId: 'acc-1' },
      secretSha256: DIGEST,
    });
  });

  it('a revoked token keeps its identity but is revoked', () => {
    expect(spec.given(issued(), revoked()).state()).toEqual({
      status: 'revoked',
      tokenId: TOKEN_ID,
      name: 'ci deploy',
      scope: { kind: 'operator' },
      secretSha256: DIGEST,
    });
  });

  it('ignores a revocation of a token never issued', () => {
    expect(spec.given(revoked()).state()).toEqual({ status: 'none' });
  });
});

describe('apiTokenStream', () => {
  it('names one stream per token', () => {
    expect(apiTokenStream(TOKEN_ID)).toBe(`apitoken-${TOKEN_ID}`);
    expect(apiTokenStream('a')).not.toBe(apiTokenStream('b'));
  });
});
