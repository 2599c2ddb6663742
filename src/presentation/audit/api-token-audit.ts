import { assertNever } from '../../domain/decider.ts';
import { apiTokenEvents } from '../../domain/api-token/api-token.ts';
import type { AuditDescriber } from './audit-description.ts';

/** Operator tokens belong to no account, so they have no place in an account's audit log. */
export const describeApiTokenEvent: AuditDescriber = (type, data) => {
  const event = { type, data };
  if (!apiTokenEvents.is(event)) return null;
  switch (event.type) {
    case 'ApiTokenIssued': {
      const { tokenId, name, scope } = event.data;
      // scope is checked too: the audit log is rebuilt from every token event ever recorded
      if (!scope || scope.kind === 'operator' || scope.kind === 'metering') return null;
      const owner = scope.kind === 'member' ? `member ${scope.memberId}` : `the account (role ${scope.role ?? 'admin'})`;
      return { accountId: scope.accountId, resourceType: 'api_token', resourceId: tokenId, summary: `API token "${name}" created for ${owner}` };
    }
    case 'ApiTokenRevoked': {
      const { tokenId, accountId, name } = event.data;
      return accountId ? { accountId, resourceType: 'api_token', resourceId: tokenId, summary: `API token "${name}" revoked` } : null;
    }
    default:
      return assertNever(event);
  }
};
