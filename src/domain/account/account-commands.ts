import type { BillingProfile } from './account-events.ts';

export type OpenAccount = {
  type: 'OpenAccount';
  data: {
    accountId: string;
    name: string;
    slug: string;
    billingEmail: string;
    /** CPF or CNPJ as typed; punctuation allowed */
    document: string;
    currency?: string;
    timeZone?: string;
    billingDay?: number;
    openedAt: string;
  };
};

export type UpdateBillingProfile = {
  type: 'UpdateBillingProfile';
  data: {
    accountId: string;
    changes: Partial<Omit<BillingProfile, 'document'> & { document: string }>;
    updatedAt: string;
  };
};

export type SuspendAccount = { type: 'SuspendAccount'; data: { accountId: string; reason: string; suspendedAt: string } };
export type ReactivateAccount = { type: 'ReactivateAccount'; data: { accountId: string; reactivatedAt: string } };
export type CloseAccount = { type: 'CloseAccount'; data: { accountId: string; reason: string; closedAt: string } };

export type AccountCommand = OpenAccount | UpdateBillingProfile | SuspendAccount | ReactivateAccount | CloseAccount;

export type ReserveAccountSlug = { type: 'ReserveAccountSlug'; data: { slug: string; accountId: string; reservedAt: string } };
