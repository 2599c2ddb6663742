import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { availableCredit, creditDecider, type CreditState } from '../../src/domain/credit/credit-decider.ts';
import type { CreditEvent } from '../../src/domain/credit/credit-events.ts';
import { ConflictError, IllegalStateError, NotFoundError } from '../../src/domain/errors.ts';
import { invoiceDecider, type InvoiceCommand, type InvoiceState } from '../../src/domain/invoice/invoice-decider.ts';
import type { InvoiceDrafted, InvoiceIssued, InvoiceStreamEvent, PaymentRecorded } from '../../src/domain/invoice/invoice-events.ts';
import { paymentReferenceDecider } from '../../src/domain/invoice/payment-reference.ts';
import { Exact } from '../../src/domain/rating/exact-decimal.ts';
import type { RatedInvoice } from '../../src/domain/rating/index.ts';
import { deciderSpec } from '../support/decider-spec.ts';

const spec = deciderSpec(invoiceDecider);
const ACCOUNT = 'acc-1';
const PERIOD = '2026-06';
const INVOICE = 'inv-1';
const base = { accountId: ACCOUNT, period: PERIOD, invoiceId: INVOICE };

function drafted(total = '57.59', creditApplied = '0.00', invoiceId = INVOICE): InvoiceDrafted {
  const rated = { currency: 'BRL', total, subtotal: total, tax: '0.00', creditApplied, lines: [] } as unknown as RatedInvoice;
  return {
    type: 'InvoiceDrafted',
    data: { ...base, invoiceId, rated, inputs: {} as InvoiceDrafted['data']['inputs'], digest: `d-${total}-${invoiceId}`, draftedAt: '2026-07-01T03:00:00.000Z' },
  };
}
function issued(total = '57.59', invoiceId = INVOICE, number = 'INV-2026-000001'): InvoiceIssued {
  return {
    type: 'InvoiceIssued',
    data: { ...base, invoiceId, number, issueDate: '2026-07-02', dueDate: '2026-07-10', issuedAt: '2026-07-02T12:00:00.000Z', total, currency: 'BRL', digest: `d-${total}-${invoiceId}` },
  };
}
const pay = (paymentId: string, amount: string, recordedAt = '2026-07-05T12:00:00.000Z'): InvoiceCommand => ({
  type: 'RecordPayment',
  data: { ...base, paymentId, externalRef: `ref-${paymentId}`, amount, method: 'pix', receivedAt: '2026-07-05T11:59:00.000Z', recordedAt },
});
const creditNote = (creditNoteId: string, amount: string): InvoiceCommand => ({
  type: 'IssueCreditNote',
  data: { ...base, creditNoteId, amount, reason: 'goodwill', issuedAt: '2026-07-06T12:00:00.000Z' },
});
const voidIt: InvoiceCommand = { type: 'VoidInvoice', data: { ...base, reason: 'wrong plan', voidedAt: '2026-07-06T12:00:00.000Z' } };

const fold = (events: InvoiceStreamEvent[]) => events.reduce(invoiceDecider.evolve, invoiceDecider.initialState());
function run(history: InvoiceStreamEvent[], command: InvoiceCommand) {
  const events = invoiceDecider.decide(command, fold(history));
  return { events, history: [...history, ...events] };
}
const settlement = (state: InvoiceState) => {
  if (state.status !== 'issued') throw new Error(`expected an issued invoice, got ${state.status}`);
  return state.settlement;
};

describe('payments (hand-worked)', () => {
  it('30.00 then 27.59 on 57.59: partial, then paid', () => {
    const first = run([drafted(), issued()], pay('p1', '30.00'));
    expect(first.events).toEqual([
      {
        type: 'PaymentRecorded',
        data: expect.objectContaining({ paymentId: 'p1', amount: '30.00', appliedAmount: '30.00', excessAmount: '0.00', amountPaidAfter: '30.00', amountDueAfter: '27.59', number: 'INV-2026-000001', currency: 'BRL' }),
      },
    ]);
    expect(settlement(fold(first.history))).toMatchObject({ amountDue: '27.59', amountPaid: '30.00', paidAt: null });

    const second = run(first.history, pay('p2', '27.59', '2026-07-06T12:00:00.000Z'));
    expect(second.events.map((e) => e.type)).toEqual(['PaymentRecorded', 'InvoicePaid']);
    expect(second.events[0]!.data).toMatchObject({ appliedAmount: '27.59', excessAmount: '0.00', amountDueAfter: '0.00', amountPaidAfter: '57.59' });
    expect(second.events[1]!.data).toMatchObject({ total: '57.59', amountPaid: '57.59', amountCredited: '0.00', paidAt: '2026-07-06T12:00:00.000Z' });
    expect(settlement(fold(second.history))).toMatchObject({ amountDue: '0.00', paidAt: '2026-07-06T12:00:00.000Z' });
  });

  it('60.00 on 57.59: paid, and 2.41 over (to be credited to the account)', () => {
    const { events } = run([drafted(), issued()], pay('p1', '60.00'));
    expect(events.map((e) => e.type)).toEqual(['PaymentRecorded', 'InvoicePaid']);
    expect(events[0]!.data).toMatchObject({ amount: '60.00', appliedAmount: '57.59', excessAmount: '2.41', amountDueAfter: '0.00' });
  });

  it('a payment on a paid invoice is kept, all of it over', () => {
    const paid = run([drafted(), issued()], pay('p1', '57.59')).history;
    const { events } = run(paid, pay('p2', '10'));
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({ amount: '10.00', appliedAmount: '0.00', excessAmount: '10.00', amountDueAfter: '0.00' });
  });

  it('the same payment id twice records once', () => {
    const once = run([drafted(), issued()], pay('p1', '30.00')).history;
    spec.given(...once).when(pay('p1', '30.00')).thenNothing();
  });

  it('only issued invoices take payments', () => {
    spec.given().when(pay('p1', '1')).thenThrows(NotFoundError, 'invoice_not_found');
    spec.given(drafted()).when(pay('p1', '1')).thenThrows(IllegalStateError, 'invoice_not_issued');
    const voided = run([drafted(), issued()], voidIt).history;
    spec.given(...voided).when(pay('p1', '1')).thenThrows(IllegalStateError, 'invoice_void');
  });
});

describe('payment references', () => {
  const reserve = (content: Partial<{ invoiceId: string; amount: string; receivedAt: string }>, paymentId = 'p1') => ({
    type: 'ReservePaymentReference' as const,
    data: { externalRef: 'E123', paymentId, invoiceId: INVOICE, amount: '30.00', method: 'pix' as const, receivedAt: '2026-07-05T11:59:00.000Z', reservedAt: 'x', ...content },
  });
  const refSpec = deciderSpec(paymentReferenceDecider);
  const first = paymentReferenceDecider.decide(reserve({}), paymentReferenceDecider.initialState());

  it('the same reference with the same content is the same payment: nothing recorded', () => {
    refSpec.given(...first).when(reserve({}, 'another-id')).thenNothing();
  });
  it('the same reference with other content is refused: payment_conflict', () => {
    refSpec.given(...first).when(reserve({ amount: '30.01' })).thenThrows(ConflictError, 'payment_conflict');
    refSpec.given(...first).when(reserve({ invoiceId: 'inv-2' })).thenThrows(ConflictError, 'payment_conflict');
  });
});

describe('credit notes and void', () => {
  it('credit notes up to the total are accepted, one cent more is refused', () => {
    const history = run([drafted(), issued()], creditNote('c1', '50.00')).history;
    spec.given(...history).when(creditNote('c2', '7.60')).thenThrows(ConflictError, 'credit_notes_exceed_total', (e) => expect(e.message).toContain('at most 7.59'));
    const settled = run(history, creditNote('c2', '7.59'));
    // the credit notes cover what was due: nothing is due any more
    expect(settled.events.map((e) => e.type)).toEqual(['CreditNoteIssued', 'InvoicePaid']);
    expect(settlement(fold(settled.history))).toMatchObject({ amountDue: '0.00', amountCredited: '57.59', creditNotesTotal: '57.59' });
  });

  it('a credit note on what was already paid becomes account credit', () => {
    const paid = run([drafted(), issued()], pay('p1', '57.59')).history;
    const { events } = run(paid, creditNote('c1', '10.00'));
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({ amount: '10.00', appliedAmount: '0.00', excessAmount: '10.00', amountDueAfter: '0.00' });
  });

  it('void only with no payment recorded', () => {
    const withPayment = run([drafted(), issued()], pay('p1', '1.00')).history;
    spec.given(...withPayment).when(voidIt).thenThrows(IllegalStateError, 'invoice_has_payments');
    const { events, history } = run([drafted(), issued()], voidIt);
    expect(events).toEqual([
      { type: 'InvoiceVoided', data: { ...base, number: 'INV-2026-000001', total: '57.59', creditApplied: '0.00', currency: 'BRL', reason: 'wrong plan', voidedAt: '2026-07-06T12:00:00.000Z' } },
    ]);
    // voiding again records nothing; a draft cannot be voided
    spec.given(...history).when(voidIt).thenNothing();
    spec.given(drafted()).when(voidIt).thenThrows(IllegalStateError, 'invoice_not_issued');
  });

  it('a voided period is drafted again as a replacement, with a new invoice id; the issued lines never change', () => {
    const voided = run([drafted(), issued()], voidIt).history;
    const replacement = drafted('40.00', '0.00', 'inv-2');
    const { events, history } = run(voided, { type: 'DraftInvoice', data: replacement.data });
    expect(events).toEqual([replacement]);
    const state = fold(history);
    expect(state).toMatchObject({ status: 'draft', draft: { invoiceId: 'inv-2' } });
    // the voided invoice takes nothing more; the issued one's events are untouched
    spec.given(...history).when(pay('p1', '1')).thenThrows(IllegalStateError, 'invoice_void');
    expect(history.slice(0, 2)).toEqual([drafted(), issued()]);
    // an issued invoice is never re-drafted
    spec.given(drafted(), issued()).when({ type: 'DraftInvoice', data: drafted('99.00').data }).thenNothing();
  });

  it('property: whatever credit notes and payments arrive, Σ credit notes never exceeds the total, and every amount adds up (≥ 200 runs)', () => {
    const cents = (max: number) => fc.integer({ min: 1, max }).map((c) => new Exact(c).div(100).toFixed(2));
    const step = fc.oneof(
      fc.record({ kind: fc.constant('credit' as const), amount: cents(8_000) }),
      fc.record({ kind: fc.constant('payment' as const), amount: cents(8_000) }),
    );
    fc.assert(
      fc.property(cents(10_000), fc.array(step, { minLength: 1, maxLength: 12 }), (total, steps) => {
        let history: InvoiceStreamEvent[] = [drafted(total), issued(total)];
        let accepted = new Exact(0);
        steps.forEach((s, i) => {
          const before = settlement(fold(history));
          const command = s.kind === 'credit' ? creditNote(`c${i}`, s.amount) : pay(`p${i}`, s.amount);
          if (s.kind === 'credit' && accepted.plus(s.amount).gt(total)) {
            expect(() => invoiceDecider.decide(command, fold(history))).toThrow(ConflictError);
            return;
          }
          const { events, history: next } = run(history, command);
          history = next;
          if (s.kind === 'credit') accepted = accepted.plus(s.amount);
          const recorded = events[0]!.data as PaymentRecorded['data'];
          // applied + excess = amount, and applied never exceeds what was due
          expect(new Exact(recorded.appliedAmount).plus(recorded.excessAmount).eq(s.amount)).toBe(true);
          expect(new Exact(recorded.appliedAmount).lte(before.amountDue)).toBe(true);
        });
        const after = settlement(fold(history));
        expect(new Exact(after.creditNotesTotal).eq(accepted)).toBe(true);
        expect(new Exact(after.creditNotesTotal).lte(total)).toBe(true);
        // due = total − paid − credited, never negative; paid exactly when nothing is due
        expect(new Exact(after.amountDue).eq(new Exact(total).minus(after.amountPaid).minus(after.amountCredited))).toBe(true);
        expect(new Exact(after.amountDue).gte(0)).toBe(true);
        expect(after.paidAt !== null).toBe(new Exact(after.amountDue).isZero());
        expect(history.filter((e) => e.type === 'InvoicePaid').length).toBeLessThanOrEqual(1);
      }),
      { numRuns: 300 },
    );
  });
});

describe('account credit', () => {
  const creditSpec = deciderSpec(creditDecider);
  const credited = (creditId: string, amount: string): CreditEvent => ({
    type: 'AccountCredited',
    data: { accountId: ACCOUNT, creditId, amount, currency: 'BRL', source: { kind: 'overpayment', invoiceId: INVOICE, paymentId: 'p1', externalRef: 'E1' }, creditedAt: 't' },
  });
  const apply = (period: string, invoiceId: string, amount: string) => ({
    type: 'ApplyCredit' as const,
    data: { accountId: ACCOUNT, period, invoiceId, amount, currency: 'BRL', appliedAt: 't' },
  });
  const state = (...events: CreditEvent[]): CreditState => events.reduce(creditDecider.evolve, creditDecider.initialState());

  it('credits once per credit id, applies at most what is available, once per period', () => {
    creditSpec
      .given(credited('payment:p1', '2.41'))
      .when({ type: 'CreditAccount', data: { ...credited('payment:p1', '2.41').data } as never })
      .thenNothing();
    creditSpec.given(credited('payment:p1', '2.41')).when(apply('2026-07', 'inv-2', '2.42')).thenThrows(IllegalStateError, 'insufficient_credit');
    const applied = creditDecider.decide(apply('2026-07', 'inv-2', '2.41'), state(credited('payment:p1', '2.41')));
    expect(applied).toEqual([{ type: 'CreditApplied', data: apply('2026-07', 'inv-2', '2.41').data }]);
    const after = state(credited('payment:p1', '2.41'), ...applied);
    expect(availableCredit(after).toFixed(2)).toBe('0.00');
    // the period's own application is available to it again (re-rating a draft), not to others
    expect(availableCredit(after, '2026-07').toFixed(2)).toBe('2.41');
    creditSpec.given(credited('payment:p1', '2.41'), ...applied).when(apply('2026-07', 'inv-2', '2.41')).thenNothing();
    creditSpec.given(credited('payment:p1', '2.41'), ...applied).when(apply('2026-08', 'inv-3', '0.01')).thenThrows(IllegalStateError, 'insufficient_credit');
  });

  it('a voided invoice gives its credit back; a re-rated draft releases before it takes again', () => {
    const history = [credited('payment:p1', '5.00'), ...creditDecider.decide(apply('2026-07', 'inv-2', '2.41'), state(credited('payment:p1', '5.00')))];
    const released = creditDecider.decide({ type: 'ReleaseCredit', data: { accountId: ACCOUNT, period: '2026-07', invoiceId: 'inv-2', releasedAt: 't' } }, state(...history));
    expect(released).toEqual([{ type: 'CreditReleased', data: { accountId: ACCOUNT, period: '2026-07', invoiceId: 'inv-2', amount: '2.41', currency: 'BRL', releasedAt: 't' } }]);
    expect(availableCredit(state(...history, ...released)).toFixed(2)).toBe('5.00');
    expect(creditDecider.decide(apply('2026-07', 'inv-2', '3.00'), state(...history)).map((e) => e.type)).toEqual(['CreditReleased', 'CreditApplied']);
  });
});
