import type { Role } from '../access/permissions.ts';
import type { SealedSecret } from '../shared/sealed-secret.ts';
import type { BillingProfile } from './account-events.ts';
import type { PostalAddressInput } from './postal-address.ts';

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
    /** id of the owner member, made by the caller */
    ownerMemberId: string;
    /** the owner's email; the billing email when absent */
    ownerEmail?: string;
    /** 'pt-BR' or 'en'; DEFAULT_LOCALE when absent */
    locale?: string;
    /** where the customer is, as its invoices name it; may be given later */
    address?: PostalAddressInput;
  };
};

export type UpdateBillingProfile = {
  type: 'UpdateBillingProfile';
  data: {
    accountId: string;
    changes: Partial<Omit<BillingProfile, 'document' | 'address'> & { document: string; locale: string; address: PostalAddressInput }>;
    updatedAt: string;
  };
};

export type SuspendAccount = { type: 'SuspendAccount'; data: { accountId: string; reason: string; suspendedAt: string } };
/** `reason`: why, told to the account (an operator's words, or dunning's) */
export type ReactivateAccount = { type: 'ReactivateAccount'; data: { accountId: string; reason?: string; reactivatedAt: string } };
export type CloseAccount = { type: 'CloseAccount'; data: { accountId: string; reason: string; closedAt: string } };

/** The password arrives sealed by the command layer, or null for a relay that needs no login. */
export type ConfigureAccountSmtp = {
  type: 'ConfigureAccountSmtp';
  data: {
    accountId: string;
    host: string;
    port: number;
    secure: boolean;
    username: string | null;
    sealedPassword: SealedSecret | null;
    fromName: string;
    fromAddress: string;
    configuredAt: string;
  };
};
export type ClearAccountSmtp = { type: 'ClearAccountSmtp'; data: { accountId: string; clearedAt: string } };

export type InviteMember = {
  type: 'InviteMember';
  data: {
    accountId: string;
    invitationId: string;
    email: string;
    role: Role;
    tokenSha256: string;
    sealedToken?: SealedSecret;
    invitedAt: string;
    expiresAt: string;
  };
};
export type AcceptInvitation = {
  type: 'AcceptInvitation';
  data: { accountId: string; invitationId: string; tokenSha256: string; memberId: string; acceptedAt: string };
};
export type ChangeMemberRole = { type: 'ChangeMemberRole'; data: { accountId: string; memberId: string; role: Role; changedAt: string } };
export type RemoveMember = { type: 'RemoveMember'; data: { accountId: string; memberId: string; removedAt: string } };
export type TransferOwnership = { type: 'TransferOwnership'; data: { accountId: string; toMemberId: string; transferredAt: string } };

export type MemberCommand = InviteMember | AcceptInvitation | ChangeMemberRole | RemoveMember | TransferOwnership;

export type AccountCommand =
  | OpenAccount
  | UpdateBillingProfile
  | SuspendAccount
  | ReactivateAccount
  | CloseAccount
  | ConfigureAccountSmtp
  | ClearAccountSmtp
  | MemberCommand;

export type ReserveAccountSlug = { type: 'ReserveAccountSlug'; data: { slug: string; accountId: string; reservedAt: string } };
