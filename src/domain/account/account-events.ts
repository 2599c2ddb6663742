import type { DomainEvent } from '../decider.ts';
import type { Currency } from './account-rules.ts';
import type { TaxDocument } from './tax-document.ts';

export interface BillingProfile {
  name: string;
  billingEmail: string;
  document: TaxDocument;
  billingDay: number;
}

export type AccountOpened = DomainEvent<
  'AccountOpened',
  BillingProfile & { accountId: string; slug: string; currency: Currency; timeZone: string; openedAt: string }
>;
export type BillingProfileUpdated = DomainEvent<
  'BillingProfileUpdated',
  { accountId: string; changes: Partial<BillingProfile>; updatedAt: string }
>;
export type AccountSuspended = DomainEvent<'AccountSuspended', { accountId: string; reason: string; suspendedAt: string }>;
export type AccountReactivated = DomainEvent<'AccountReactivated', { accountId: string; reactivatedAt: string }>;
export type AccountClosed = DomainEvent<'AccountClosed', { accountId: string; reason: string; closedAt: string }>;

export type AccountEvent = AccountOpened | BillingProfileUpdated | AccountSuspended | AccountReactivated | AccountClosed;

export const ACCOUNT_EVENT_TYPES = [
  'AccountOpened',
  'BillingProfileUpdated',
  'AccountSuspended',
  'AccountReactivated',
  'AccountClosed',
] as const satisfies readonly AccountEvent['type'][];

/** A slug names one account for good; the reservation stream is what makes two opens race safely. */
export type AccountSlugReserved = DomainEvent<'AccountSlugReserved', { slug: string; accountId: string; reservedAt: string }>;
