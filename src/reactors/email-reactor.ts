import { mailSettingsOf } from '../commands/account-smtp.ts';
import { loadAggregate } from '../commands/command-handler.ts';
import { uuidV5 } from '../commands/usage-ingestion.ts';
import { accountDecider } from '../domain/account/account-decider.ts';
import type { AccountReactivated, AccountSuspended, MemberInvited } from '../domain/account/account-events.ts';
import { assertNever } from '../domain/decider.ts';
import { accountStream } from '../domain/account/account-streams.ts';
import { emailMessageId, emailStream, type EmailEvent } from '../domain/email/email-events.ts';
import { renderEmail, type EmailInputs, type EmailKind } from '../presentation/email/index.ts';
import {
  invoiceEvents,
  invoiceStream,
  type CreditNoteIssued,
  type InvoiceDrafted,
  type InvoiceIssued,
  type InvoiceVoided,
  type PaymentRecorded,
  type PaymentReminderDue,
  type PaymentReversed,
} from '../domain/invoice/invoice-events.ts';
import { BYTES_PER_GIB } from '../domain/rating/exact-decimal.ts';
import type { QuotaThresholdReached } from '../domain/quota/quota-thresholds.ts';
import { eventUnion } from '../domain/shared/event-union.ts';
import type { EventStore } from '../ports/event-store.ts';
import type { Mailer, SmtpSettings } from '../ports/mailer.ts';
import { RemoteError } from '../ports/remote-error.ts';
import { SecretShreddedError, type SecretSealer } from '../ports/secret-sealer.ts';
import { ReactorWaiting, type Reactor, type ReactorJob } from './reactor.ts';

export interface EmailReactorDeps {
  mailer: Mailer;
  /** null: only accounts with their own SMTP server get mail; the others' wait */
  platformSmtp: SmtpSettings | null;
  eventStore: EventStore;
  secrets: SecretSealer;
  /** base of the links in mail (invitation acceptance); null: not configured, invitations wait */
  portalUrl: string | null;
  /** throws when an account's own SMTP host may not be used (an internal address); else the address to connect to */
  checkAccountSmtpHost: (host: string) => Promise<string | null>;
}

const EMAIL_OUTCOME_NAMESPACE = '2d7f5e0a-83c4-4b1e-a6f2-0c9d41e7b358';

/** What recording a sent mail needs, noted when the server accepted it. */
type SentOutcome = {
  /** the data key of the invitation token mailed, destroyed once it is sent */
  shred: string | null;
  sent: Extract<EmailEvent, { type: 'EmailSent' }>['data'];
};

type Asking =
  | InvoiceIssued
  | PaymentRecorded
  | PaymentReminderDue
  | MemberInvited
  | QuotaThresholdReached
  | AccountSuspended
  | AccountReactivated
  | InvoiceVoided
  | CreditNoteIssued
  | PaymentReversed;
const askingEvents = eventUnion<Asking>({
  InvoiceIssued: true,
  PaymentRecorded: true,
  PaymentReminderDue: true,
  MemberInvited: true,
  QuotaThresholdReached: true,
  AccountSuspended: true,
  AccountReactivated: true,
  InvoiceVoided: true,
  CreditNoteIssued: true,
  PaymentReversed: true,
});

/** One mail: its kind, and the data of the event that asked for it. */
type EmailJob =
  | { kind: 'invoice_issued'; payload: InvoiceIssued['data'] }
  | { kind: 'payment_received'; payload: PaymentRecorded['data'] }
  | { kind: 'payment_reminder'; payload: PaymentReminderDue['data'] }
  | { kind: 'invitation'; payload: MemberInvited['data'] }
  | { kind: 'quota_warning'; payload: QuotaThresholdReached['data'] }
  | { kind: 'account_suspended'; payload: AccountSuspended['data'] }
  | { kind: 'account_reactivated'; payload: AccountReactivated['data'] }
  | { kind: 'invoice_voided'; payload: InvoiceVoided['data'] }
  | { kind: 'credit_note_issued'; payload: CreditNoteIssued['data'] }
  | { kind: 'payment_reversed'; payload: PaymentReversed['data'] };

function jobOf(event: Asking): EmailJob {
  switch (event.type) {
    case 'InvoiceIssued':
      return { kind: 'invoice_issued', payload: { ...event.data } };
    case 'PaymentRecorded':
      return { kind: 'payment_received', payload: { ...event.data } };
    case 'PaymentReminderDue':
      return { kind: 'payment_reminder', payload: { ...event.data } };
    case 'MemberInvited':
      return { kind: 'invitation', payload: { ...event.data } };
    case 'QuotaThresholdReached':
      return { kind: 'quota_warning', payload: { ...event.data } };
    case 'AccountSuspended':
      return { kind: 'account_suspended', payload: { ...event.data } };
    case 'AccountReactivated':
      return { kind: 'account_reactivated', payload: { ...event.data } };
    case 'InvoiceVoided':
      return { kind: 'invoice_voided', payload: { ...event.data } };
    case 'CreditNoteIssued':
      return { kind: 'credit_note_issued', payload: { ...event.data } };
    case 'PaymentReversed':
      return { kind: 'payment_reversed', payload: { ...event.data } };
    default:
      return assertNever(event);
  }
}

/** `"Acme Storage" <billing@acme.example>` → `Acme Storage`; the brand a message is signed with. */
export function brandOf(from: string): string {
  const display = /^\s*"?([^"<]+?)"?\s*</.exec(from)?.[1]?.trim();
  return display && display.length > 0 ? display : 'CloudPro';
}

/**
 * Mail the account is owed: invoice issued (with the invoice attached), payment received,
 * payment reminders, invitations. Through the account's own SMTP server when it has one
 * (white-label), else the platform's. A mail cannot be taken back or asked about, so a job
 * found half-done after a crash is reported, never sent a second time (at most once).
 */
export function emailReactor({ mailer, platformSmtp, eventStore, secrets, portalUrl, checkAccountSmtpHost }: EmailReactorDeps): Reactor {
  async function record(event: EmailEvent, job: ReactorJob, command: { actor: string; correlationId: string; causationId: string; occurredAt: string }) {
    await eventStore.append(
      emailStream(event.data.accountId),
      [{ eventId: uuidV5(`${job.jobId}:${event.type}`, EMAIL_OUTCOME_NAMESPACE), type: event.type, data: event.data, metadata: command }],
      { expectedRevision: 'any' },
    );
  }

  async function recordSent(outcome: SentOutcome, job: ReactorJob, command: { actor: string; correlationId: string; causationId: string; occurredAt: string }) {
    // The link was mailed: nothing needs the token in clear any more (shredding twice is harmless).
    if (outcome.shred) await secrets.shred(outcome.shred);
    await record({ type: 'EmailSent', data: outcome.sent }, job, command);
  }

  async function invoiceDraft(accountId: string, period: string, invoiceId: string): Promise<InvoiceDrafted['data']> {
    let drafted: InvoiceDrafted['data'] | null = null;
    for (const event of await eventStore.readStream(invoiceStream(accountId, period))) {
      if (invoiceEvents.is(event) && event.type === 'InvoiceDrafted' && event.data.invoiceId === invoiceId) drafted = event.data;
    }
    if (!drafted) throw new RemoteError('smtp', `invoice ${invoiceId} has no draft in ${invoiceStream(accountId, period)}`, false);
    return drafted;
  }

  const reactor: Reactor<EmailJob, SentOutcome> = {
    name: 'email',
    atMostOnce: true,
    async alreadyDone(job) {
      const sentId = uuidV5(`${job.jobId}:EmailSent`, EMAIL_OUTCOME_NAMESPACE);
      return (await eventStore.readStream(emailStream(job.accountId!))).some((event) => event.eventId === sentId);
    },
    eventTypes: new Set(askingEvents.types),
    jobsFor(event) {
      if (!askingEvents.is(event)) return [];
      return [{ jobId: event.eventId, subject: `mail:${event.eventId}`, accountId: event.data.accountId, ...jobOf(event) }];
    },
    // Each job finds its own server (the account's, else the platform's) when it runs.
    unavailable: () => null,
    async perform(job, context) {
      const { kind } = job;
      const accountId = job.accountId!;
      const { state: account } = await loadAggregate(eventStore, accountDecider, accountStream(accountId));
      if (account.status === 'none') throw new RemoteError('smtp', `account ${accountId} does not exist`, false);
      const accountSmtp = await mailSettingsOf(account, secrets);
      const vetted = accountSmtp ? await checkAccountSmtpHost(accountSmtp.host) : null;
      const via = accountSmtp ? { ...accountSmtp, ...(vetted ? { connectTo: vetted } : {}) } : platformSmtp;
      if (!via) throw new ReactorWaiting('no SMTP server: the platform has none configured (SMTP_HOST, SMTP_FROM) and the account has none of its own');
      const parties = { brandName: brandOf(via.from), accountName: account.profile.name };
      let to = account.profile.billingEmail;
      let input: EmailInputs[EmailKind];
      let shredAfterSending: string | null = null;

      switch (job.kind) {
        case 'invoice_issued': {
          const issued = job.payload;
          const { rated } = await invoiceDraft(accountId, issued.period, issued.invoiceId);
          input = {
            ...parties,
            number: issued.number,
            period: issued.period,
            issueDate: issued.issueDate,
            dueDate: issued.dueDate,
            currency: issued.currency,
            lines: rated.lines,
            subtotal: rated.subtotal,
            tax: rated.tax,
            creditApplied: rated.creditApplied,
            total: rated.total,
            ...(issued.replaces ? { replaces: { number: issued.replaces.number, reason: issued.replaces.reason } } : {}),
          } satisfies EmailInputs['invoice_issued'];
          break;
        }
        case 'account_suspended':
        case 'account_reactivated':
          input = { ...parties, reason: job.payload.reason ?? null } satisfies EmailInputs['account_suspended'];
          break;
        case 'invoice_voided': {
          const voided = job.payload;
          input = { ...parties, number: voided.number, period: voided.period, total: voided.total, currency: voided.currency, reason: voided.reason } satisfies EmailInputs['invoice_voided'];
          break;
        }
        case 'credit_note_issued': {
          const note = job.payload;
          input = {
            ...parties,
            number: note.number,
            amount: note.amount,
            currency: note.currency,
            reason: note.reason,
            excessAmount: note.excessAmount,
            amountDueAfter: note.amountDueAfter,
          } satisfies EmailInputs['credit_note_issued'];
          break;
        }
        case 'payment_reversed': {
          const reversal = job.payload;
          input = {
            ...parties,
            number: reversal.number,
            externalRef: reversal.externalRef,
            amount: reversal.amount,
            currency: reversal.currency,
            reason: reversal.reason,
            excessAmount: reversal.excessAmount,
            amountDueAfter: reversal.amountDueAfter,
          } satisfies EmailInputs['payment_reversed'];
          break;
        }
        case 'payment_received': {
          const payment = job.payload;
          input = {
            ...parties,
            timeZone: account.timeZone,
            number: payment.number,
            currency: payment.currency,
            amount: payment.amount,
            method: payment.method,
            receivedAt: payment.receivedAt,
            excessAmount: payment.excessAmount,
            amountDueAfter: payment.amountDueAfter,
          } satisfies EmailInputs['payment_received'];
          break;
        }
        case 'payment_reminder': {
          const reminder = job.payload;
          input = { ...parties, number: reminder.number, dueDate: reminder.dueDate, day: reminder.day, amountDue: reminder.amountDue, currency: reminder.currency } satisfies EmailInputs['payment_reminder'];
          break;
        }
        case 'quota_warning': {
          const reached = job.payload;
          input = {
            ...parties,
            timeZone: account.timeZone,
            threshold: reached.thresholdPercent,
            usedBytes: reached.usedBytes,
            // Quotas are granted in whole GiB; the mail shows them so.
            quotaGiB: Number(BigInt(reached.quotaBytes) / BYTES_PER_GIB),
            measuredAt: reached.reachedAt,
          } satisfies EmailInputs['quota_warning'];
          break;
        }
        case 'invitation': {
          const invited = job.payload;
          // A link to a default address would be useless, and the token is destroyed once mailed.
          if (portalUrl === null) throw new ReactorWaiting('PORTAL_URL is not set: an invitation needs the portal address for its link');
          if (!invited.sealedToken) throw new RemoteError('smtp', 'the invitation was recorded before tokens were kept for mail: send the link by hand or invite again', false);
          let token: string;
          try {
            token = await secrets.open(invited.sealedToken);
          } catch (error) {
            if (error instanceof SecretShreddedError) throw new RemoteError('smtp', 'the invitation token was destroyed (accepted, revoked or already mailed): invite again', false);
            throw error;
          }
          to = invited.email;
          shredAfterSending = invited.sealedToken.dataKeyId;
          input = { ...parties, timeZone: account.timeZone, email: invited.email, role: invited.role, expiresAt: invited.expiresAt, acceptBaseUrl: portalUrl, token } satisfies EmailInputs['invitation'];
          break;
        }
        default: {
          // Every kind is handled above; a job stored by a version that mailed others fails, untried.
          const unhandled: never = job;
          throw new RemoteError('smtp', `no email for job kind ${kind}`, false);
        }
      }

      const rendered = renderEmail(kind, input, account.locale);
      const messageId = emailMessageId(job.jobId, kind);
      await mailer.send({ to, subject: rendered.subject, text: rendered.text, html: rendered.html, messageId, attachments: rendered.attachments }, via);
      const sent: SentOutcome = {
        shred: shredAfterSending,
        sent: { accountId, kind, to, subject: rendered.subject, messageId, causationEventId: job.jobId, viaAccountServer: accountSmtp !== null, sentAt: context.now.toISOString() },
      };
      // Accepted: from here a failure retries the recording below, never the mail.
      await context.accepted(sent);
      await recordSent(sent, job, context.command);
    },
    async recordOutcome(job, outcome, context) {
      await recordSent(outcome, job, context.command);
    },
    async giveUp(job, reason, context) {
      const { kind } = job;
      await record(
        {
          type: 'EmailFailed',
          data: {
            accountId: job.accountId!,
            kind,
            to: job.kind === 'invitation' ? job.payload.email : null,
            messageId: emailMessageId(job.jobId, kind),
            causationEventId: job.jobId,
            reason,
            failedAt: context.now.toISOString(),
          },
        },
        job,
        context.command,
      );
    },
  };
  return reactor;
}
