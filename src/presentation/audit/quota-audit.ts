import type { AuditDescriber } from './audit-description.ts';
import { assertNever } from '../../domain/decider.ts';
import { quotaEvents, type QuotaEvent } from '../../domain/quota/quota-events.ts';

function summarize(event: QuotaEvent): string {
  switch (event.type) {
    case 'QuotaIncreaseRequested':
      return `Quota increase from ${event.data.currentGiB} GiB to ${event.data.requestedGiB} GiB requested: ${event.data.reason}`;
    case 'QuotaRequestApproved':
      return `Quota request approved: quota raised from ${event.data.fromGiB} GiB to ${event.data.toGiB} GiB (${event.data.note})`;
    case 'QuotaRequestRejected':
      return `Quota request for ${event.data.requestedGiB} GiB rejected (${event.data.note})`;
    default:
      return assertNever(event);
  }
}

/** How quota events read in the account's audit log; the resource is the request. */
export const describeQuotaEvent: AuditDescriber = (type, data) => {
  const event = { type, data };
  if (!quotaEvents.is(event)) return null;
  return { accountId: event.data.accountId, resourceType: 'quota_request', resourceId: event.data.requestId, summary: summarize(event) };
};
