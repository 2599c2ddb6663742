import type { Role } from '../access/permissions.ts';
import type { DomainEvent } from '../decider.ts';
import type { SealedSecret } from '../shared/sealed-secret.ts';
import type { Locale } from './account-locale.ts';
import type { Currency } from './account-rules.ts';
import type { AccountSmtp } from './account-smtp.ts';
import type { PostalAddress } from './postal-address.ts';
import type { TaxDocument } from './tax-document.ts';
import { eventUnion } from '../shared/event-union.ts';

export interface BillingProfile {
  name: string;
  billingEmail: string;
  document: TaxDocument;
  billingDay: number;
  /** absent in profiles recorded before addresses existed, and until one is given */
  address?: PostalAddress;
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
    /** since version 2; version 1 events are read with DEFAULT_LOCALE (account-upcasters.ts) */
    locale: Locale;
  }
>;
/** The billing profile's fields, and the locale the account is written to in. */
export type AccountProfileChanges = Partial<BillingProfile & { locale: Locale }>;
export type BillingProfileUpdated = DomainEvent<
  'BillingProfileUpdated',
  { accountId: string; changes: AccountProfileChanges; updatedAt: string }
>;
export type AccountSuspended = DomainEvent<'AccountSuspended', { accountId: string; reason: string; suspendedAt: string }>;
/** `reason` is absent in reactivations recorded before one was kept. */
export type AccountReactivated = DomainEvent<'AccountReactivated', { accountId: string; reason?: string; reactivatedAt: string }>;
export type AccountClosed = DomainEvent<'AccountClosed', { accountId: string; reason: string; closedAt: string }>;

/** The account's mail goes through its own server from now on; the password is sealed, never in clear. */
export type AccountSmtpConfigured = DomainEvent<'AccountSmtpConfigured', AccountSmtp & { accountId: string; configuredAt: string }>;
/** Back to the platform's server; the old password's data key is destroyed. */
export type AccountSmtpCleared = DomainEvent<'AccountSmtpCleared', { accountId: string; host: string; clearedAt: string }>;

export type MemberInvited = DomainEvent<
  'MemberInvited',
  {
    accountId: string;
    invitationId: string;
    email: string;
    role: Role;
    /** acceptance compares against this digest */
    tokenSha256: string;
    /**
     * The token itself, sealed, for the email reactor to open once and send. Absent in
     * invitations recorded before it existed (no mail for those); destroyed on acceptance.
     */
    sealedToken?: SealedSecret;
    invitedAt: string;
    expiresAt: string;
  }
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
  | AccountSmtpConfigured
  | AccountSmtpCleared
  | MemberEvent;

/** Who belongs to an account: its members' events, and its opening, which makes the owner the first. */
export type MembershipEvent = MemberEvent | AccountOpened;
export const membershipEvents = eventUnion<MembershipEvent>({
  AccountOpened: true,
  MemberInvited: true,
  InvitationAccepted: true,
  MemberRoleChanged: true,
  MemberRemoved: true,
  OwnershipTransferred: true,
});
export const MEMBER_EVENT_TYPES = membershipEvents.types;

/** The account itself: opened, profile, status, mail server. */
export type AccountLifecycleEvent = Exclude<AccountEvent, MemberEvent>;
export const accountLifecycleEvents = eventUnion<AccountLifecycleEvent>({
  AccountOpened: true,
  BillingProfileUpdated: true,
  AccountSuspended: true,
  AccountReactivated: true,
  AccountClosed: true,
  AccountSmtpConfigured: true,
  AccountSmtpCleared: true,
});
export const ACCOUNT_EVENT_TYPES = accountLifecycleEvents.types;

export const accountEvents = eventUnion<AccountEvent>({
  AccountOpened: true,
  BillingProfileUpdated: true,
  AccountSuspended: true,
  AccountReactivated: true,
  AccountClosed: true,
  AccountSmtpConfigured: true,
  AccountSmtpCleared: true,
  MemberInvited: true,
  InvitationAccepted: true,
  MemberRoleChanged: true,
  MemberRemoved: true,
  OwnershipTransferred: true,
});

/** A slug names one account for good; the reservation stream is what makes two opens race safely. */
export type AccountSlugReserved = DomainEvent<'AccountSlugReserved', { slug: string; accountId: string; reservedAt: string }>;
