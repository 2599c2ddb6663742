import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { availableCredit, creditDecider, type CreditCommand, type CreditState } from '../../src/domain/credit/credit-decider.ts';
import type { CreditEvent } from '../../src/domain/credit/credit-events.ts';
import { creditMovementOf } from '../../src/domain/credit/credit-movements.ts';
import { DomainError } from '../../src/domain/errors.ts';
import { Exact } from '../../src/domain/rating/exact-decimal.ts';

/**
 * Whatever happens to an account's credit (overpayments, credit notes, credit applied to and
 * released from invoices, refunds, reversed payments, in any order, refusals included), the
 * movements it records add up to the credit the decider counts as available, the running
 * balance after each movement is the sum up to it, and it never goes below zero.
 */
const accountId = 'a';
const at = '2026-07-01T00:00:00.000Z';
const cents = fc.integer({ min: 1, max: 20_000 }).map((c) => (c / 100).toFixed(2));
const id = fc.integer({ min: 1, max: 6 }).map(String);
const period = fc.constantFrom('2026-06', '2026-07', '2026-08');

const command: fc.Arbitrary<CreditCommand> = fc.oneof(
  fc.record({ n: id, amount: cents, note: fc.boolean() }).map(({ n, amount, note }) => ({
    type: 'CreditAccount' as const,
    data: {
      accountId,
      creditId: note ? `creditnote:${n}` : `payment:${n}`,
      amount,
      currency: 'BRL',
      source: note ? { kind: 'credit_note' as const, invoiceId: `i${n}`, creditNoteId: n } : { kind: 'overpayment' as const, invoiceId: `i${n}`, paymentId: n, externalRef: `E${n}` },
      creditedAt: at,
    },
  })),
  fc.record({ period, amount: cents }).map(({ period, amount }) => ({ type: 'ApplyCredit' as const, data: { accountId, period, invoiceId: `inv-${period}`, amount, currency: 'BRL', appliedAt: at } })),
  period.map((period) => ({ type: 'ReleaseCredit' as const, data: { accountId, period, invoiceId: `inv-${period}`, releasedAt: at } })),
  fc.record({ n: id, amount: cents }).map(({ n, amount }) => ({ type: 'RefundCredit' as const, data: { accountId, refundId: `r${n}`, externalRef: `payout-${n}`, amount, reason: 'asked', refundedAt: at } })),
  fc.record({ n: id, amount: cents }).map(({ n, amount }) => ({ type: 'ReverseCredit' as const, data: { accountId, paymentId: n, invoiceId: `i${n}`, externalRef: `E${n}`, amount, reason: 'chargeback', reversedAt: at } })),
);

describe('credit movements', () => {
  it('add up to the available credit, with a running balance that never goes below zero', () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 40 }), (commands) => {
        let state: CreditState = creditDecider.initialState();
        const events: CreditEvent[] = [];
        for (const c of commands) {
          let decided: CreditEvent[];
          try {
            decided = creditDecider.decide(c, state);
          } catch (error) {
            if (error instanceof DomainError) continue; // refused: nothing recorded
            throw error;
          }
          for (const event of decided) {
            state = creditDecider.evolve(state, event);
            events.push(event);
          }
        }
        let balance = new Exact(0);
        for (const event of events) {
          const movement = creditMovementOf(event);
          balance = balance.plus(movement.amount);
          expect(balance.gte(0), `${event.type} ${movement.amount}`).toBe(true);
          expect(Math.sign(Number(movement.amount))).toBe(['AccountCredited', 'CreditReleased'].includes(event.type) ? 1 : -1);
        }
        expect(balance.toFixed(2)).toBe(availableCredit(state).toFixed(2));
      }),
      { numRuns: 500 },
    );
  });
});
