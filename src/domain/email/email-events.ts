import type { DomainEvent } from '../decider.ts';
import { eventUnion } from '../shared/event-union.ts';

/** The mails the platform sends; their texts are presentation's (src/presentation/email). */
export const EMAIL_KINDS = [
  'invoice_issued',
  'payment_received',
  'payment_reminder',
  'quota_warning',
  'invitation',
  'account_suspended',
  'account_reactivated',
  'invoice_voided',
  'credit_note_issued',
  'payment_reversed',
] as const;
export type EmailKind = (typeof EMAIL_KINDS)[number];

/**
 * What became of a message the email reactor was asked to send, one stream per account:
 * `email-<accountId>`. `causationEventId` is the event that asked for the mail (an invoice
 * issued, a reminder due); the message's id is derived from it, so a resend is recognisable.
 */
export type EmailSent = DomainEvent<
  'EmailSent',
  { accountId: string; kind: EmailKind; to: string; subject: string; messageId: string; causationEventId: string; viaAccountServer: boolean; sentAt: string }
>;
export type EmailFailed = DomainEvent<
  'EmailFailed',
  { accountId: string; kind: EmailKind; to: string | null; messageId: string; causationEventId: string; reason: string; failedAt: string }
>;

export type EmailEvent = EmailSent | EmailFailed;

export const emailEvents = eventUnion<EmailEvent>({ EmailSent: true, EmailFailed: true });
export const EMAIL_EVENT_TYPES = emailEvents.types;

export const emailStream = (accountId: string) => `email-${accountId}`;

/** Stable per asking event and kind: the Message-ID a resend would carry too. */
export const emailMessageId = (causationEventId: string, kind: EmailKind) => `<${causationEventId}.${kind}@cloudpro-ledger>`;
