import { z } from 'zod';
import type { QuotaRequestStatus } from '../../domain/quota/quota-decider.ts';
import { MAX_QUOTA_GIB, QUOTA_TEXT } from '../../domain/quota/quota-rules.ts';
import { trimmedTextField } from './field-rule-schema.ts';
import { PageQuery } from '../pagination.ts';

export const QUOTA_REQUEST_STATUSES = ['pending', 'approved', 'rejected'] as const satisfies readonly QuotaRequestStatus[];

export const QuotaRequestParams = z.object({ accountId: z.uuid(), requestId: z.uuid() });

const text = (what: string) => trimmedTextField(QUOTA_TEXT).describe(what);

export const RequestQuotaIncreaseBody = z.strictObject({
  requestedGiB: z.number().int().min(1).max(MAX_QUOTA_GIB).describe('the quota wanted, in GiB; more than the current one'),
  reason: text('why, for the operator who decides; 1 to 500 characters'),
});

export const QuotaDecisionBody = z.strictObject({ note: text("the operator's note, shown to the account; 1 to 500 characters") });

export const ListQuotaRequestsQuery = PageQuery.extend({
  status: z.enum(QUOTA_REQUEST_STATUSES).optional().describe('only requests in this status'),
});

export const QuotaRequestView = z
  .object({
    requestId: z.string(),
    accountId: z.string(),
    currentGiB: z.number().int().describe('the quota in force when the request was made'),
    requestedGiB: z.number().int(),
    reason: z.string(),
    status: z.enum(QUOTA_REQUEST_STATUSES),
    note: z.string().nullable(),
    requestedAt: z.string(),
    decidedAt: z.string().nullable(),
  })
  .meta({ id: 'QuotaRequest' });
export type QuotaRequestView = z.infer<typeof QuotaRequestView>;

export const QuotaView = z
  .object({
    accountId: z.string(),
    quotaGiB: z.number().int().describe('the storage quota in force'),
    isDefault: z.boolean().describe('true while no approved request has set it: the platform default applies'),
    defaultGiB: z.number().int(),
    pendingRequest: QuotaRequestView.nullable(),
  })
  .meta({ id: 'AccountQuota' });
export type QuotaView = z.infer<typeof QuotaView>;
