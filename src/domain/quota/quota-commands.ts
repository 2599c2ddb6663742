import type { AccountStatus } from '../account/account-decider.ts';

/**
 * The configured default quota arrives in the commands that need the current quota: it
 * applies for as long as no approval has set one, and is never written down as an event
 * (changing the configuration changes every account still on the default).
 */
export type RequestQuotaIncrease = {
  type: 'RequestQuotaIncrease';
  data: {
    accountId: string;
    requestId: string;
    requestedGiB: number;
    reason: string;
    requestedAt: string;
    defaultQuotaGiB: number;
    accountStatus: AccountStatus;
  };
};

/** Operators only; sets the account's quota to the requested GiB. */
export type ApproveQuotaRequest = {
  type: 'ApproveQuotaRequest';
  data: { accountId: string; requestId: string; note: string; approvedAt: string; defaultQuotaGiB: number; accountStatus: AccountStatus };
};

/** Operators only. */
export type RejectQuotaRequest = {
  type: 'RejectQuotaRequest';
  data: { accountId: string; requestId: string; note: string; rejectedAt: string };
};

export type QuotaCommand = RequestQuotaIncrease | ApproveQuotaRequest | RejectQuotaRequest;
