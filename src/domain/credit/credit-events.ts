import type { DomainEvent } from '../decider.ts';
import { eventUnion } from '../shared/event-union.ts';

/**
 * Account credit, one stream per account: `credit-<accountId>`. Credit comes from
 * overpayments and from credit notes on what was already paid; the billing run applies it
 * to the account's next invoice, or it is refunded; a reversed overpayment takes its excess back.
 * Available = Σ credited − Σ applied − Σ refunded − Σ reversed.
 */
export type CreditSource =
  | { kind: 'overpayment'; invoiceId: string; paymentId: string; externalRef: string }
  | { kind: 'credit_note'; invoiceId: string; creditNoteId: string };

export type AccountCredited = DomainEvent<
  'AccountCredited',
  { accountId: string; creditId: string; amount: string; currency: string; source: CreditSource; creditedAt: string }
>;

/**
 * Taken off an invoice (its `creditApplied`), when the billing run issues it. One per invoice
 * period. `draftRevision`: the invoice stream's revision of the draft it was rated on (absent
 * in events recorded before it was kept); a run holding an older draft changes nothing.
 */
export type CreditApplied = DomainEvent<
  'CreditApplied',
  { accountId: string; period: string; invoiceId: string; amount: string; currency: string; appliedAt: string; draftRevision?: string }
>;

/** Given back when the invoice it was applied to is voided; its replacement applies credit afresh. */
export type CreditReleased = DomainEvent<
  'CreditReleased',
  { accountId: string; period: string; invoiceId: string; amount: string; currency: string; releasedAt: string }
>;

/**
 * Credit paid back to the customer (money out, outside the platform): `externalRef` is the
 * payout's reference, unique in the account's credit; the same reference with the same amount
 * and reason is the same refund.
 */
export type CreditRefunded = DomainEvent<
  'CreditRefunded',
  { accountId: string; refundId: string; externalRef: string; amount: string; currency: string; reason: string; refundedAt: string }
>;

/** What a reversed payment had credited (an overpayment's excess), taken off again; once per payment. */
export type CreditReversed = DomainEvent<
  'CreditReversed',
  { accountId: string; paymentId: string; invoiceId: string; externalRef: string; amount: string; currency: string; reason: string; reversedAt: string }
>;

export type CreditEvent = AccountCredited | CreditApplied | CreditReleased | CreditRefunded | CreditReversed;

export const creditEvents = eventUnion<CreditEvent>({ AccountCredited: true, CreditApplied: true, CreditReleased: true, CreditRefunded: true, CreditReversed: true });
export const CREDIT_EVENT_TYPES = creditEvents.types;

export const creditStream = (accountId: string) => `credit-${accountId}`;
