import type { DomainEvent } from '../decider.ts';
import type { EmailKind } from './email-kinds.ts';
import { eventUnion } from '../shared/event-union.ts';

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
