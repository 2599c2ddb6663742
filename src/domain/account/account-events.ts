import type { Role } from '../access/permissions.ts';
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
  BillingProfile & {
    accountId: string;
    slug: string;
    currency: Currency;
    timeZone: string;
    openedAt: string;
    /** the account's first member, its owner */
    owner: { memberId: string; email: string };
  }
>;
export type BillingProfileUpdated = DomainEvent<
  'BillingProfileUpdated',
  { accountId: string; changes: Partial<BillingProfile>; updatedAt: string }
>;
export type AccountSuspended = DomainEvent<'AccountSuspended', { accountId: string; reason: string; suspendedAt: string }>;
export type AccountReactivated = DomainEvent<'AccountReactivated', { accountId: string; reactivatedAt: string }>;
export type AccountClosed = DomainEvent<'AccountClosed', { accountId: string; reason: string; closedAt: string }>;

export type MemberInvited = DomainEvent<
  'MemberInvited',
  { accountId: string; invitationId: string; email: string; role: Role; tokenSha256: string; invitedAt: string; expiresAt: string }
>;
export type InvitationAccepted = DomainEvent<
  'InvitationAccepted',
  { accountId: string; invitationId: string; memberId: string; email: string; role: Role; acceptedAt: string }
>;
export type MemberRoleChanged = DomainEvent<
  'MemberRoleChanged',
  { accountId: string; memberId: string; email: string; fromRole: Role; toRole: Role; changedAt: string }
>;
export type MemberRemoved = DomainEvent<'MemberRemoved', { accountId: string; memberId: string; email: string; removedAt: string }>;
export type OwnershipTransferred = DomainEvent<
  'OwnershipTransferred',
  { accountId: string; fromMemberId: string; toMemberId: string; toEmail: string; transferredAt: string }
>;

export type MemberEvent = MemberInvited | InvitationAccepted | MemberRoleChanged | MemberRemoved | OwnershipTransferred;

export type AccountEvent =
  | AccountOpened
  | BillingProfileUpdated
  | AccountSuspended
  | AccountReactivated
  | AccountClosed
  | MemberEvent;

export const MEMBER_EVENT_TYPES = [
  'AccountOpened',
  'MemberInvited',
  'InvitationAccepted',
  'MemberRoleChanged',
  'MemberRemoved',
  'OwnershipTransferred',
] as const satisfies readonly AccountEvent['type'][];

export const ACCOUNT_EVENT_TYPES = [
  'AccountOpened',
  'BillingProfileUpdated',
  'AccountSuspended',
  'AccountReactivated',
  'AccountClosed',
] as const satisfies readonly AccountEvent['type'][];

/** A slug names one account for good; the reservation stream is what makes two opens race safely. */
export type AccountSlugReserved = DomainEvent<'AccountSlugReserved', { slug: string; accountId: string; reservedAt: string }>;
