import { requireAccountAcceptsWork } from '../account/account-guard.ts';
import { assertNever, type Decider } from '../decider.ts';
import { ConflictError, IllegalStateError, NotFoundError, ValidationError, type FieldIssue } from '../errors.ts';
import type { ApproveQuotaRequest, QuotaCommand, RejectQuotaRequest, RequestQuotaIncrease } from './quota-commands.ts';
import type { QuotaEvent } from './quota-events.ts';
import { checkRequestedGiB, checkText } from './quota-rules.ts';

export type QuotaRequestStatus = 'pending' | 'approved' | 'rejected';

export interface QuotaRequest {
  requestId: string;
  currentGiB: number;
  requestedGiB: number;
  reason: string;
  status: QuotaRequestStatus;
  requestedAt: string;
  /** the operator's note; null while pending */
  note: string | null;
  decidedAt: string | null;
}

export interface QuotaState {
  /** set by the first approval; null while the configured default applies */
  quotaGiB: number | null;
  updatedAt: string | null;
  requests: Record<string, QuotaRequest>;
  /** at most one request waits for an operator at a time */
  pendingRequestId: string | null;
}

/** The quota in force: the approved one, or the default while none was approved. */
export const currentQuotaGiB = (state: QuotaState, defaultQuotaGiB: number) => state.quotaGiB ?? defaultQuotaGiB;

function requestIncrease({ data }: RequestQuotaIncrease, state: QuotaState): QuotaEvent[] {
  const existing = state.requests[data.requestId];
  if (existing) {
    // A retried command is answered with nothing new; a different request under a used id is a clash.
    if (existing.requestedGiB === data.requestedGiB && existing.reason === data.reason.trim()) return [];
    throw new ConflictError('quota_request_exists', `quota request ${data.requestId} already exists`);
  }
  requireAccountAcceptsWork(data.accountStatus, data.accountId);
  const currentGiB = currentQuotaGiB(state, data.defaultQuotaGiB);
  const issues: FieldIssue[] = [];
  checkRequestedGiB(data.requestedGiB, currentGiB, 'requestedGiB', issues);
  checkText(data.reason, 'reason', issues);
  if (issues.length > 0) throw new ValidationError(issues);
  if (state.pendingRequestId !== null) {
    throw new ConflictError('quota_request_pending', `quota request ${state.pendingRequestId} is still waiting for an operator`);
  }
  return [
    {
      type: 'QuotaIncreaseRequested',
      data: {
        accountId: data.accountId,
        requestId: data.requestId,
        currentGiB,
        requestedGiB: data.requestedGiB,
        reason: data.reason.trim(),
        requestedAt: data.requestedAt,
      },
    },
  ];
}

function requireRequest(state: QuotaState, requestId: string): QuotaRequest {
  const request = state.requests[requestId];
  if (!request) throw new NotFoundError('quota_request_not_found', `quota request ${requestId} does not exist`);
  return request;
}

function requireNote(note: string): string {
  const issues: FieldIssue[] = [];
  checkText(note, 'note', issues);
  if (issues.length > 0) throw new ValidationError(issues);
  return note.trim();
}

function approve({ data }: ApproveQuotaRequest, state: QuotaState): QuotaEvent[] {
  const request = requireRequest(state, data.requestId);
  if (request.status === 'approved') return [];
  if (request.status === 'rejected') throw new IllegalStateError('quota_request_decided', `quota request ${data.requestId} was rejected`);
  if (data.accountStatus === 'closed') throw new IllegalStateError('account_closed', `account ${data.accountId} is closed`);
  const note = requireNote(data.note);
  const fromGiB = currentQuotaGiB(state, data.defaultQuotaGiB);
  // Only a raised default can get here: approving would lower the quota, so it is refused.
  if (request.requestedGiB <= fromGiB) {
    throw new IllegalStateError('quota_request_outdated', `the quota is already ${fromGiB} GiB, not less than the ${request.requestedGiB} GiB requested`);
  }
  return [{ type: 'QuotaRequestApproved', data: { accountId: data.accountId, requestId: data.requestId, fromGiB, toGiB: request.requestedGiB, note, approvedAt: data.approvedAt } }];
}

function reject({ data }: RejectQuotaRequest, state: QuotaState): QuotaEvent[] {
  const request = requireRequest(state, data.requestId);
  if (request.status === 'rejected') return [];
  if (request.status === 'approved') throw new IllegalStateError('quota_request_decided', `quota request ${data.requestId} was approved`);
  const note = requireNote(data.note);
  return [
    { type: 'QuotaRequestRejected', data: { accountId: data.accountId, requestId: data.requestId, requestedGiB: request.requestedGiB, note, rejectedAt: data.rejectedAt } },
  ];
}

export const quotaDecider: Decider<QuotaCommand, QuotaEvent, QuotaState> = {
  initialState: () => ({ quotaGiB: null, updatedAt: null, requests: {}, pendingRequestId: null }),

  decide(command, state) {
    switch (command.type) {
      case 'RequestQuotaIncrease':
        return requestIncrease(command, state);
      case 'ApproveQuotaRequest':
        return approve(command, state);
      case 'RejectQuotaRequest':
        return reject(command, state);
      default:
        return assertNever(command);
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'QuotaIncreaseRequested': {
        const { requestId, currentGiB, requestedGiB, reason, requestedAt } = event.data;
        const request: QuotaRequest = { requestId, currentGiB, requestedGiB, reason, status: 'pending', requestedAt, note: null, decidedAt: null };
        return { ...state, requests: { ...state.requests, [requestId]: request }, pendingRequestId: requestId };
      }
      case 'QuotaRequestApproved': {
        const { requestId, toGiB, note, approvedAt } = event.data;
        const request: QuotaRequest = { ...state.requests[requestId]!, status: 'approved', note, decidedAt: approvedAt };
        return { quotaGiB: toGiB, updatedAt: approvedAt, requests: { ...state.requests, [requestId]: request }, pendingRequestId: null };
      }
      case 'QuotaRequestRejected': {
        const { requestId, note, rejectedAt } = event.data;
        const request: QuotaRequest = { ...state.requests[requestId]!, status: 'rejected', note, decidedAt: rejectedAt };
        return { ...state, requests: { ...state.requests, [requestId]: request }, pendingRequestId: null };
      }
      default:
        return assertNever(event);
    }
  },
};
