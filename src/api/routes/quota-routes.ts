import type { QuotaCommands, QuotaResult } from '../../commands/quota-commands.ts';
import type { QuotaRequest } from '../../domain/quota/quota-decider.ts';
import { NotFoundError } from '../../domain/errors.ts';
import type { requireAccount } from '../../projections/accounts/accounts-queries.ts';
import type { accountQuotaRequestsPage, findAccountQuota, findQuotaRequest } from '../../projections/quotas/quota-queries.ts';
import type { QuotaRequestsTable } from '../../projections/quotas/quota-tables.ts';
import { decodeTimestampCursor, pageFrom, pageOf } from '../pagination.ts';
import type { Query, RouteRegistry } from '../route.ts';
import { AccountIdParams } from '../schemas/account-schemas.ts';
import {
  ListQuotaRequestsQuery,
  QuotaDecisionBody,
  QuotaRequestParams,
  QuotaRequestView,
  QuotaView,
  RequestQuotaIncreaseBody,
} from '../schemas/quota-schemas.ts';
import { iso } from './iso.ts';

const tags = ['quota'];

function requestViewFromState(accountId: string, request: QuotaRequest): QuotaRequestView {
  return {
    requestId: request.requestId,
    accountId,
    currentGiB: request.currentGiB,
    requestedGiB: request.requestedGiB,
    reason: request.reason,
    status: request.status,
    note: request.note,
    requestedAt: iso(request.requestedAt),
    decidedAt: request.decidedAt ? iso(request.decidedAt) : null,
  };
}

function requestViewFromRow(row: QuotaRequestsTable): QuotaRequestView {
  return {
    requestId: row.request_id,
    accountId: row.account_id,
    currentGiB: row.current_gib,
    requestedGiB: row.requested_gib,
    reason: row.reason,
    status: row.status,
    note: row.note,
    requestedAt: iso(row.requested_at),
    decidedAt: row.decided_at ? iso(row.decided_at) : null,
  };
}

/** The request as the write model now has it, plus the position to wait on for the read models. */
function reply(status: number, { state, position }: QuotaResult, accountId: string, requestId: string) {
  const request = state.requests[requestId];
  if (!request) throw new NotFoundError('quota_request_not_found', `quota request ${requestId} does not exist`);
  return { status, body: requestViewFromState(accountId, request), headers: position ? { 'event-position': position } : undefined };
}

export interface QuotaRoutesDeps {
  /** an account's storage quota until an operator approves another */
  defaultQuotaGiB: number;
  requestQuotaIncrease: QuotaCommands['requestIncrease'];
  approveQuotaRequest: QuotaCommands['approve'];
  rejectQuotaRequest: QuotaCommands['reject'];
  requireAccount: Query<typeof requireAccount>;
  findAccountQuota: Query<typeof findAccountQuota>;
  findQuotaRequest: Query<typeof findQuotaRequest>;
  accountQuotaRequestsPage: Query<typeof accountQuotaRequestsPage>;
}

export function registerQuotaRoutes(routes: RouteRegistry, deps: QuotaRoutesDeps): void {
  const defaultGiB = deps.defaultQuotaGiB;

  routes.add({
    method: 'GET',
    url: '/accounts/:accountId/quota',
    summary: "Show the account's storage quota and any request waiting for an operator",
    tags,
    access: 'quota:read',
    readModels: ['accounts', 'account-quotas', 'quota-requests'],
    params: AccountIdParams,
    responses: { 200: QuotaView },
    async handler({ params }) {
      await deps.requireAccount(params.accountId);
      const row = await deps.findAccountQuota(params.accountId);
      const pending = row?.pending_request_id ? await deps.findQuotaRequest(params.accountId, row.pending_request_id) : undefined;
      // No row, or no approved quota yet: the configured default is the quota, now and as configured.
      const quotaGiB = row?.quota_gib ?? null;
      return {
        status: 200,
        body: {
          accountId: params.accountId,
          quotaGiB: quotaGiB ?? defaultGiB,
          isDefault: quotaGiB === null,
          defaultGiB,
          pendingRequest: pending ? requestViewFromRow(pending) : null,
        },
      };
    },
  });

  routes.add({
    method: 'POST',
    url: '/accounts/:accountId/quota/requests',
    summary: 'Ask an operator for a larger storage quota (one request pending at a time)',
    tags,
    access: 'quota:request',
    params: AccountIdParams,
    body: RequestQuotaIncreaseBody,
    responses: { 201: QuotaRequestView },
    async handler({ params, body, context, newId }) {
      const { requestId, ...result } = await deps.requestQuotaIncrease({ accountId: params.accountId, ...body }, context, newId('quota-request'));
      const outcome = reply(201, result, params.accountId, requestId);
      return { ...outcome, headers: { ...outcome.headers, location: `/accounts/${params.accountId}/quota/requests/${requestId}` } };
    },
  });

  routes.add({
    method: 'GET',
    url: '/accounts/:accountId/quota/requests',
    summary: "List the account's quota requests, newest first",
    tags,
    access: 'quota:read',
    readModels: ['accounts', 'quota-requests'],
    params: AccountIdParams,
    query: ListQuotaRequestsQuery,
    responses: { 200: pageOf(QuotaRequestView) },
    async handler({ params, query }) {
      const after = decodeTimestampCursor(query.cursor);
      await deps.requireAccount(params.accountId);
      const rows = await deps.accountQuotaRequestsPage(params.accountId, {
        ...(query.status ? { status: query.status } : {}),
        ...(after ? { after: [after.at, after.id] as const } : {}),
        limit: query.limit + 1,
      });
      return { status: 200, body: pageFrom(rows, query.limit, (last) => [iso(last.requested_at), last.request_id], requestViewFromRow) };
    },
  });

  routes.add({
    method: 'POST',
    url: '/accounts/:accountId/quota/requests/:requestId/approve',
    summary: 'Approve a quota request: the quota becomes the GiB requested (operators)',
    tags,
    access: 'account:operator',
    params: QuotaRequestParams,
    body: QuotaDecisionBody,
    responses: { 200: QuotaRequestView },
    async handler({ params, body, context }) {
      return reply(200, await deps.approveQuotaRequest({ ...params, note: body.note }, context), params.accountId, params.requestId);
    },
  });

  routes.add({
    method: 'POST',
    url: '/accounts/:accountId/quota/requests/:requestId/reject',
    summary: 'Reject a quota request (operators)',
    tags,
    access: 'account:operator',
    params: QuotaRequestParams,
    body: QuotaDecisionBody,
    responses: { 200: QuotaRequestView },
    async handler({ params, body, context }) {
      return reply(200, await deps.rejectQuotaRequest({ ...params, note: body.note }, context), params.accountId, params.requestId);
    },
  });
}
