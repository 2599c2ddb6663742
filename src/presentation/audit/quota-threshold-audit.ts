import { BYTES_PER_GIB } from '../../domain/rating/exact-decimal.ts';
import type { AuditDescriber } from './audit-description.ts';
import { quotaThresholdEvents } from '../../domain/quota/quota-thresholds.ts';

/** Bytes as GiB with two decimals, rounded half up: for people, not for billing. */
export function gibText(bytes: string): string {
  const hundredths = (BigInt(bytes) * 100n + BYTES_PER_GIB / 2n) / BYTES_PER_GIB;
  return `${hundredths / 100n}.${(hundredths % 100n).toString().padStart(2, '0')}`;
}

/** How quota warnings read in the account's audit log; the resource is the account's quota. */
export const describeQuotaThresholdEvent: AuditDescriber = (type, data) => {
  const event = { type, data };
  if (!quotaThresholdEvents.is(event)) return null;
  const { accountId, usedBytes, quotaBytes } = event.data;
  const usage = `${gibText(usedBytes)} GiB of ${gibText(quotaBytes)} GiB`;
  const summary =
    event.type === 'QuotaThresholdReached'
      ? `Storage reached ${event.data.thresholdPercent}% of the quota (${usage})`
      : `Storage back below 80% of the quota (${usage}); warnings re-armed`;
  return { accountId, resourceType: 'quota', resourceId: accountId, summary };
};
