import type { Role } from '../access/permissions.ts';
import type { BillingProfile } from './account-events.ts';
import type { Locale } from './account-locale.ts';
import type { AccountSmtp } from './account-smtp.ts';
import type { Currency } from './account-rules.ts';

/** An account as its stream tells it: what the account decider and its member rules decide on. */
export type AccountStatus = 'active' | 'suspended' | 'closed';

export type AccountState =
  | { status: 'none' }
  | {
      status: AccountStatus;
      accountId: string;
      slug: string;
      currency: Currency;
      timeZone: string;
      profile: BillingProfile;
      /** the language its mail and notifications are written in */
      locale: Locale;
      /** its own SMTP server; null: the platform's */
      smtp: AccountSmtp | null;
      openedAt: string;
      updatedAt: string;
      /** why it is suspended or closed; null while active */
      statusReason: string | null;
      closedAt: string | null;
      members: Record<string, AccountMember>;
      ownerMemberId: string;
      invitations: Record<string, PendingInvitation>;
    };

export interface PendingInvitation {
  invitationId: string;
  email: string;
  role: Role;
  tokenSha256: string;
  /** the data key sealing the token for the email reactor; absent for invitations recorded before it was sealed */
  sealedTokenKeyId?: string;
  expiresAt: string;
  status: 'pending' | 'accepted';
}

export interface AccountMember {
  memberId: string;
  email: string;
  role: Role;
  joinedAt: string;
}
