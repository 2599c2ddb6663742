import { assertNever, type Decider } from '../decider.ts';
import { ConflictError, IllegalStateError } from '../errors.ts';
import { ZERO, exact, type ExactDecimal } from '../rating/exact-decimal.ts';
import { formatMoney, isCurrency, type Currency } from '../rating/money.ts';
import type { AccountCredited, CreditApplied, CreditEvent, CreditRefunded, CreditReversed, CreditSource } from './credit-events.ts';

export type CreditAccount = {
  type: 'CreditAccount';
  data: { accountId: string; creditId: string; amount: string; currency: string; source: CreditSource; creditedAt: string };
};
export type ApplyCredit = { type: 'ApplyCredit'; data: CreditApplied['data'] };
export type ReleaseCredit = {
  type: 'ReleaseCredit';
  data: { accountId: string; period: string; invoiceId: string; releasedAt: string };
};
/** Pays credit back; idempotent by `externalRef` (same amount and reason: nothing more; other content: 409 `refund_conflict`). */
export type RefundCredit = {
  type: 'RefundCredit';
  data: { accountId: string; refundId: string; externalRef: string; amount: string; reason: string; refundedAt: string };
};
/** Takes back what a reversed payment credited; once per payment, never more than is available. */
export type ReverseCredit = { type: 'ReverseCredit'; data: Omit<CreditReversed['data'], 'currency'> };
export type CreditCommand = CreditAccount | ApplyCredit | ReleaseCredit | RefundCredit | ReverseCredit;

export interface CreditState {
  currency: string | null;
  credits: Record<string, AccountCredited['data']>;
  /** per invoice period, what its (current) invoice took */
  applied: Record<string, { invoiceId: string; amount: string; draftRevision?: string }>;
  /** by external reference */
  refunds?: Record<string, CreditRefunded['data']>;
  /** by payment id */
  reversals?: Record<string, CreditReversed['data']>;
}

/** Σ credited − Σ applied − Σ refunded − Σ reversed; `exceptPeriod` leaves out what that period's invoice took (it is being re-rated). */
export function availableCredit(state: CreditState, exceptPeriod?: string): ExactDecimal {
  const credited = Object.values(state.credits).reduce((sum, c) => sum.plus(c.amount), ZERO);
  const applied = Object.entries(state.applied).reduce((sum, [period, a]) => (period === exceptPeriod ? sum : sum.plus(a.amount)), ZERO);
  const paidOut = [...Object.values(state.refunds ?? {}), ...Object.values(state.reversals ?? {})].reduce((sum, d) => sum.plus(d.amount), ZERO);
  return credited.minus(applied).minus(paidOut);
}

export const formatCredit = (amount: ExactDecimal, currency: string) => (isCurrency(currency) ? formatMoney(amount, currency as Currency) : amount.toFixed());

/**
 * Account credit. Crediting is idempotent by `creditId` (`payment:<paymentId>`,
 * `creditnote:<creditNoteId>`); applying is idempotent per invoice period and never takes
 * more than is available; a voided invoice's credit is released for its replacement.
 */
export const creditDecider: Decider<CreditCommand, CreditEvent, CreditState> = {
  initialState: () => ({ currency: null, credits: {}, applied: {} }),
  decide(command, state) {
    switch (command.type) {
      case 'CreditAccount': {
        if (state.credits[command.data.creditId]) return [];
        if (exact(command.data.amount).lte(0)) throw new IllegalStateError('credit_not_positive', 'account credit must be greater than zero');
        return [{ type: 'AccountCredited', data: command.data }];
      }
      case 'ApplyCredit': {
        const { period, invoiceId, amount } = command.data;
        const current = state.applied[period];
        if (current && current.invoiceId !== invoiceId) {
          throw new IllegalStateError('credit_already_applied', `credit was already applied to invoice ${current.invoiceId} of ${period}; void it first`);
        }
        if (current ? exact(current.amount).eq(amount) : exact(amount).isZero()) return [];
        // A run that rated an older draft of the period comes late: the newer draft's credit stands
        // (the invoice decider refuses to issue the older draft, and the run decides again).
        if (current?.draftRevision !== undefined && command.data.draftRevision !== undefined && BigInt(command.data.draftRevision) < BigInt(current.draftRevision)) return [];
        const available = availableCredit(state, period);
        if (exact(amount).gt(available)) {
          throw new IllegalStateError('insufficient_credit', `${amount} of credit cannot be applied to invoice ${invoiceId}: only ${available.toFixed()} is available`);
        }
        const applied: CreditEvent = { type: 'CreditApplied', data: command.data };
        if (!current) return [applied];
        // The period's draft was re-rated before it was issued: give back what it took, take the new amount.
        const { accountId, appliedAt, currency } = command.data;
        return [{ type: 'CreditReleased', data: { accountId, period, invoiceId, amount: current.amount, currency, releasedAt: appliedAt } }, applied];
      }
      case 'ReleaseCredit': {
        const current = state.applied[command.data.period];
        if (!current || current.invoiceId !== command.data.invoiceId) return [];
        return [{ type: 'CreditReleased', data: { ...command.data, amount: current.amount, currency: state.currency ?? '' } }];
      }
      case 'RefundCredit': {
        const { data } = command;
        const earlier = state.refunds?.[data.externalRef];
        if (earlier) {
          if (exact(earlier.amount).eq(data.amount) && earlier.reason === data.reason) return [];
          throw new ConflictError('refund_conflict', `refund reference "${data.externalRef}" was already used for a refund of ${earlier.amount} ${earlier.currency} (${earlier.reason})`);
        }
        if (exact(data.amount).lte(0)) throw new IllegalStateError('refund_not_positive', 'a refund must be greater than zero');
        const available = availableCredit(state);
        if (state.currency === null || exact(data.amount).gt(available)) {
          throw new IllegalStateError('insufficient_credit', `${data.amount} cannot be refunded: the account has ${state.currency === null ? 'no credit' : `${formatCredit(available, state.currency)} ${state.currency} of credit`}`);
        }
        return [{ type: 'CreditRefunded', data: { ...data, amount: formatCredit(exact(data.amount), state.currency), currency: state.currency } }];
      }
      case 'ReverseCredit': {
        const { data } = command;
        if (state.reversals?.[data.paymentId]) return [];
        const available = availableCredit(state);
        if (state.currency === null || exact(data.amount).gt(available)) {
          throw new IllegalStateError(
            'payment_credit_spent',
            `payment ${data.externalRef} credited ${data.amount} to the account, but only ${formatCredit(available, state.currency ?? '')} of credit is left (the rest was applied to an invoice or refunded); it cannot be reversed`,
          );
        }
        return [{ type: 'CreditReversed', data: { ...data, currency: state.currency } }];
      }
      default:
        return assertNever(command);
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'AccountCredited':
        return { ...state, currency: state.currency ?? event.data.currency, credits: { ...state.credits, [event.data.creditId]: event.data } };
      case 'CreditApplied':
        return {
          ...state,
          currency: state.currency ?? event.data.currency,
          applied: {
            ...state.applied,
            [event.data.period]: { invoiceId: event.data.invoiceId, amount: event.data.amount, ...(event.data.draftRevision !== undefined ? { draftRevision: event.data.draftRevision } : {}) },
          },
        };
      case 'CreditReleased': {
        const { [event.data.period]: _released, ...applied } = state.applied;
        return { ...state, applied };
      }
      case 'CreditRefunded':
        return { ...state, refunds: { ...state.refunds, [event.data.externalRef]: event.data } };
      case 'CreditReversed':
        return { ...state, reversals: { ...state.reversals, [event.data.paymentId]: event.data } };
      default:
        return assertNever(event);
    }
  },
};
