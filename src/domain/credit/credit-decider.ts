import { assertNever, type Decider } from '../decider.ts';
import { IllegalStateError } from '../errors.ts';
import { ZERO, exact, type ExactDecimal } from '../rating/exact-decimal.ts';
import { formatMoney, isCurrency, type Currency } from '../rating/money.ts';
import type { AccountCredited, CreditApplied, CreditEvent, CreditSource } from './credit-events.ts';

export type CreditAccount = {
  type: 'CreditAccount';
  data: { accountId: string; creditId: string; amount: string; currency: string; source: CreditSource; creditedAt: string };
};
export type ApplyCredit = { type: 'ApplyCredit'; data: CreditApplied['data'] };
export type ReleaseCredit = {
  type: 'ReleaseCredit';
  data: { accountId: string; period: string; invoiceId: string; releasedAt: string };
};
export type CreditCommand = CreditAccount | ApplyCredit | ReleaseCredit;

export interface CreditState {
  currency: string | null;
  credits: Record<string, AccountCredited['data']>;
  /** per invoice period, what its (current) invoice took */
  applied: Record<string, { invoiceId: string; amount: string; draftRevision?: string }>;
}

/** Σ credited − Σ applied; `exceptPeriod` leaves out what that period's invoice took (it is being re-rated). */
export function availableCredit(state: CreditState, exceptPeriod?: string): ExactDecimal {
  const credited = Object.values(state.credits).reduce((sum, c) => sum.plus(c.amount), ZERO);
  const applied = Object.entries(state.applied).reduce((sum, [period, a]) => (period === exceptPeriod ? sum : sum.plus(a.amount)), ZERO);
  return credited.minus(applied);
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
      default:
        return assertNever(event);
    }
  },
};
