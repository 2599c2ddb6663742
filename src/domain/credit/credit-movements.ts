import { assertNever } from '../decider.ts';
import type { CreditEvent } from './credit-events.ts';

/**
 * Every change of an account's credit, as the credit stream records it: what moved it, by how
 * much (signed: credit in is positive), and why. The balance after a movement is the sum of
 * the movements up to it: the credit the decider counts as available (`availableCredit`).
 */
export const CREDIT_MOVEMENT_KINDS = ['overpayment', 'credit_note', 'applied', 'released', 'refunded', 'reversed'] as const;
export type CreditMovementKind = (typeof CREDIT_MOVEMENT_KINDS)[number];

export interface CreditMovementCause {
  invoiceId?: string;
  period?: string;
  paymentId?: string;
  creditNoteId?: string;
  refundId?: string;
  externalRef?: string;
  reason?: string;
}

export interface CreditMovement {
  kind: CreditMovementKind;
  /** signed decimal string: positive in, negative out */
  amount: string;
  currency: string;
  at: string;
  cause: CreditMovementCause;
}

const negated = (amount: string) => (amount.startsWith('-') ? amount.slice(1) : /^[0.]+$/.test(amount) ? amount : `-${amount}`);

export function creditMovementOf(event: CreditEvent): CreditMovement {
  switch (event.type) {
    case 'AccountCredited': {
      const { source, amount, currency, creditedAt } = event.data;
      return source.kind === 'overpayment'
        ? { kind: 'overpayment', amount, currency, at: creditedAt, cause: { invoiceId: source.invoiceId, paymentId: source.paymentId, externalRef: source.externalRef } }
        : { kind: 'credit_note', amount, currency, at: creditedAt, cause: { invoiceId: source.invoiceId, creditNoteId: source.creditNoteId } };
    }
    case 'CreditApplied':
      return { kind: 'applied', amount: negated(event.data.amount), currency: event.data.currency, at: event.data.appliedAt, cause: { invoiceId: event.data.invoiceId, period: event.data.period } };
    case 'CreditReleased':
      return { kind: 'released', amount: event.data.amount, currency: event.data.currency, at: event.data.releasedAt, cause: { invoiceId: event.data.invoiceId, period: event.data.period } };
    case 'CreditRefunded': {
      const { amount, currency, refundedAt, refundId, externalRef, reason } = event.data;
      return { kind: 'refunded', amount: negated(amount), currency, at: refundedAt, cause: { refundId, externalRef, reason } };
    }
    case 'CreditReversed': {
      const { amount, currency, reversedAt, paymentId, invoiceId, externalRef, reason } = event.data;
      return { kind: 'reversed', amount: negated(amount), currency, at: reversedAt, cause: { invoiceId, paymentId, externalRef, reason } };
    }
    default:
      return assertNever(event);
  }
}
