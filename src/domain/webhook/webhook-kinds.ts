import type { AccessKeyExpiring } from '../access-key/access-key-expiry.ts';
import type { BucketProvisioned, BucketProvisioningFailed } from '../bucket/bucket-events.ts';
import { assertNever } from '../decider.ts';
import type { AccountReactivated, AccountSuspended } from '../account/account-events.ts';
import type { CreditNoteIssued, InvoiceIssued, InvoiceOverdue, InvoicePaid, InvoiceVoided, PaymentRecorded, PaymentReversed } from '../invoice/invoice-events.ts';
import type { QuotaThresholdReached } from '../quota/quota-thresholds.ts';
import { eventUnion } from '../shared/event-union.ts';

/** What a webhook can ask to hear about, as its receiver sees it in the message's `type`. */
export const WEBHOOK_KINDS = [
  'invoice.issued',
  'invoice.paid',
  'invoice.overdue',
  'payment.received',
  'quota.threshold',
  'bucket.provisioned',
  'bucket.failed',
  'access_key.expiring',
  'account.suspended',
  'account.reactivated',
  'invoice.voided',
  'credit_note.issued',
  'payment.reversed',
] as const;
export type WebhookKind = (typeof WEBHOOK_KINDS)[number];

/** The log's events that become messages. */
export type WebhookSource =
  | InvoiceIssued
  | InvoicePaid
  | InvoiceOverdue
  | PaymentRecorded
  | QuotaThresholdReached
  | BucketProvisioned
  | BucketProvisioningFailed
  | AccessKeyExpiring
  | AccountSuspended
  | AccountReactivated
  | InvoiceVoided
  | CreditNoteIssued
  | PaymentReversed;
export const webhookSources = eventUnion<WebhookSource>({
  InvoiceIssued: true,
  InvoicePaid: true,
  InvoiceOverdue: true,
  PaymentRecorded: true,
  QuotaThresholdReached: true,
  BucketProvisioned: true,
  BucketProvisioningFailed: true,
  AccessKeyExpiring: true,
  AccountSuspended: true,
  AccountReactivated: true,
  InvoiceVoided: true,
  CreditNoteIssued: true,
  PaymentReversed: true,
});

export interface WebhookMessage {
  kind: WebhookKind;
  accountId: string;
  /**
   * What the message is about: messages about one subject are delivered in log order (an
   * invoice's "issued" before its "paid"), those about others do not wait for them.
   */
  subject: string;
  /** the instant the message reports, UTC ISO */
  occurredAt: string;
  /** what the receiver gets as `data`: the facts, never a secret */
  data: Record<string, unknown>;
}

/** The message a source event makes. Pure: reads only the event. */
export function webhookMessageOf(event: WebhookSource): WebhookMessage {
  switch (event.type) {
    case 'InvoiceIssued': {
      const d = event.data;
      return {
        kind: 'invoice.issued',
        accountId: d.accountId,
        subject: `invoice:${d.invoiceId}`,
        occurredAt: d.issuedAt,
        data: {
          invoiceId: d.invoiceId,
          number: d.number,
          period: d.period,
          issueDate: d.issueDate,
          dueDate: d.dueDate,
          total: d.total,
          currency: d.currency,
          issuedAt: d.issuedAt,
          // a replacement names the voided invoice it is issued in place of, and why that one was voided
          ...(d.replaces ? { replaces: { invoiceId: d.replaces.invoiceId, number: d.replaces.number, reason: d.replaces.reason } } : {}),
        },
      };
    }
    case 'InvoicePaid': {
      const { accountId, invoiceId, number, period, total, amountPaid, amountCredited, currency, paidAt } = event.data;
      return { kind: 'invoice.paid', accountId, subject: `invoice:${invoiceId}`, occurredAt: paidAt, data: { invoiceId, number, period, total, amountPaid, amountCredited, currency, paidAt } };
    }
    case 'InvoiceOverdue': {
      const { accountId, invoiceId, number, period, dueDate, amountDue, currency, overdueAt } = event.data;
      return { kind: 'invoice.overdue', accountId, subject: `invoice:${invoiceId}`, occurredAt: overdueAt, data: { invoiceId, number, period, dueDate, amountDue, currency, overdueAt } };
    }
    case 'PaymentRecorded': {
      const { accountId, invoiceId, number, paymentId, externalRef, amount, currency, method, receivedAt, recordedAt, amountDueAfter } = event.data;
      return {
        kind: 'payment.received',
        accountId,
        subject: `invoice:${invoiceId}`,
        occurredAt: recordedAt,
        data: { paymentId, invoiceId, number, externalRef, amount, currency, method, receivedAt, amountDueAfter },
      };
    }
    case 'QuotaThresholdReached': {
      const { accountId, thresholdPercent, usedBytes, quotaBytes, reachedAt } = event.data;
      return { kind: 'quota.threshold', accountId, subject: `quota:${accountId}`, occurredAt: reachedAt, data: { thresholdPercent, usedBytes, quotaBytes, reachedAt } };
    }
    case 'BucketProvisioned': {
      const { accountId, bucketId, name, provisionedAt } = event.data;
      return { kind: 'bucket.provisioned', accountId, subject: `bucket:${bucketId}`, occurredAt: provisionedAt, data: { bucketId, name, provisionedAt } };
    }
    case 'BucketProvisioningFailed': {
      const { accountId, bucketId, name, reason, failedAt } = event.data;
      return { kind: 'bucket.failed', accountId, subject: `bucket:${bucketId}`, occurredAt: failedAt, data: { bucketId, name, reason, failedAt } };
    }
    case 'AccessKeyExpiring': {
      const { accountId, keyId, name, expiresAt, noticedAt } = event.data;
      return { kind: 'access_key.expiring', accountId, subject: `access-key:${keyId}`, occurredAt: noticedAt, data: { keyId, name, expiresAt } };
    }
    case 'AccountSuspended': {
      const { accountId, reason, suspendedAt } = event.data;
      return { kind: 'account.suspended', accountId, subject: `account:${accountId}`, occurredAt: suspendedAt, data: { accountId, reason, suspendedAt } };
    }
    case 'AccountReactivated': {
      const { accountId, reason, reactivatedAt } = event.data;
      return { kind: 'account.reactivated', accountId, subject: `account:${accountId}`, occurredAt: reactivatedAt, data: { accountId, reason: reason ?? null, reactivatedAt } };
    }
    case 'InvoiceVoided': {
      const { accountId, invoiceId, number, period, total, currency, reason, voidedAt } = event.data;
      return { kind: 'invoice.voided', accountId, subject: `invoice:${invoiceId}`, occurredAt: voidedAt, data: { invoiceId, number, period, total, currency, reason, voidedAt } };
    }
    case 'CreditNoteIssued': {
      const { accountId, invoiceId, number, creditNoteId, amount, currency, reason, issuedAt, excessAmount, amountDueAfter } = event.data;
      return {
        kind: 'credit_note.issued',
        accountId,
        subject: `invoice:${invoiceId}`,
        occurredAt: issuedAt,
        data: { creditNoteId, invoiceId, number, amount, currency, reason, issuedAt, excessAmount, amountDueAfter },
      };
    }
    case 'PaymentReversed': {
      const { accountId, invoiceId, number, paymentId, externalRef, amount, currency, reason, reversedAt, appliedAmount, excessAmount, amountDueAfter, reopened } = event.data;
      return {
        kind: 'payment.reversed',
        accountId,
        subject: `invoice:${invoiceId}`,
        occurredAt: reversedAt,
        data: { paymentId, invoiceId, number, externalRef, amount, currency, reason, reversedAt, appliedAmount, excessAmount, amountDueAfter, reopened },
      };
    }
    default:
      return assertNever(event);
  }
}

/** The body every attempt of a delivery sends (Standard Webhooks: type, timestamp, data). */
export const webhookBody = (message: WebhookMessage): string => JSON.stringify({ type: message.kind, timestamp: message.occurredAt, data: message.data });
