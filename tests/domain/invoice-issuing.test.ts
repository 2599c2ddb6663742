import { describe, expect, it } from 'vitest';
import { creditDecider } from '../../src/domain/credit/credit-decider.ts';
import type { CreditEvent } from '../../src/domain/credit/credit-events.ts';
import { ConflictError } from '../../src/domain/errors.ts';
import { invoiceDecider, type IssueInvoice } from '../../src/domain/invoice/invoice-decider.ts';
import type { InvoiceDrafted, InvoiceNumberAssigned } from '../../src/domain/invoice/invoice-events.ts';
import { invoiceNumberRequestDecider, invoiceNumbersDecider } from '../../src/domain/invoice/invoice-numbering.ts';
import type { RatedInvoice } from '../../src/domain/rating/index.ts';
import { deciderSpec } from '../support/decider-spec.ts';

const base = { accountId: 'acc-1', period: '2026-06' };

function drafted(total: string, creditApplied: string, invoiceId = 'inv-1'): InvoiceDrafted {
  const rated = { currency: 'BRL', total, subtotal: total, tax: '0.00', creditApplied, lines: [] } as unknown as RatedInvoice;
  return {
    type: 'InvoiceDrafted',
    data: { ...base, invoiceId, rated, inputs: {} as InvoiceDrafted['data']['inputs'], digest: `d-${total}-${creditApplied}`, draftedAt: '2026-07-01T03:00:00.000Z' },
  };
}
const issue = (digest: string, invoiceId = 'inv-1'): IssueInvoice => ({
  type: 'IssueInvoice',
  data: { ...base, invoiceId, digest, number: 'INV-2026-000007', issueDate: '2026-07-02', dueDate: '2026-07-12', issuedAt: '2026-07-02T12:00:00.000Z' },
});

describe('IssueInvoice issues the draft it names', () => {
  const spec = deciderSpec(invoiceDecider);

  it('the named draft is issued with its own total and digest', () => {
    spec
      .given(drafted('0.00', '15.00'))
      .when(issue('d-0.00-15.00'))
      .then({ type: 'InvoiceIssued', data: { ...issue('d-0.00-15.00').data, total: '0.00', currency: 'BRL' } });
  });

  it('a draft replaced after it was numbered is refused, naming why (the run decides again)', () => {
    spec.given(drafted('0.00', '15.00'), drafted('0.00', '35.00')).when(issue('d-0.00-15.00')).thenThrows(ConflictError, 'invoice_draft_changed');
    spec.given(drafted('0.00', '15.00')).when(issue('d-0.00-15.00', 'inv-other')).thenThrows(ConflictError, 'invoice_draft_changed');
  });

  it('an invoice already issued records nothing, whichever draft the late run holds', () => {
    const issued = invoiceDecider.decide(issue('d-0.00-35.00'), [drafted('0.00', '15.00'), drafted('0.00', '35.00')].reduce(invoiceDecider.evolve, invoiceDecider.initialState()));
    spec.given(drafted('0.00', '15.00'), drafted('0.00', '35.00'), ...issued).when(issue('d-0.00-15.00')).thenNothing();
  });
});

describe('credit applied per draft revision', () => {
  const spec = deciderSpec(creditDecider);
  const credited: CreditEvent = {
    type: 'AccountCredited',
    data: { accountId: 'acc-1', creditId: 'payment:p1', amount: '100.00', currency: 'BRL', source: { kind: 'overpayment', invoiceId: 'inv-0', paymentId: 'p1', externalRef: 'r1' }, creditedAt: 't' },
  };
  const apply = (amount: string, draftRevision?: string) => ({
    type: 'ApplyCredit' as const,
    data: { ...base, invoiceId: 'inv-1', amount, currency: 'BRL', appliedAt: 't', ...(draftRevision !== undefined ? { draftRevision } : {}) },
  });
  const applied = (amount: string, draftRevision?: string): CreditEvent => ({ type: 'CreditApplied', data: apply(amount, draftRevision).data });

  it('a later draft of the period replaces what an earlier one took', () => {
    spec
      .given(credited, applied('15.00', '0'))
      .when(apply('35.00', '1'))
      .then({ type: 'CreditReleased', data: { ...base, invoiceId: 'inv-1', amount: '15.00', currency: 'BRL', releasedAt: 't' } }, applied('35.00', '1'));
  });

  it('a run holding an earlier draft changes nothing once a later draft took its credit', () => {
    spec.given(credited, applied('35.00', '1')).when(apply('15.00', '0')).thenNothing();
    // revisions compare as numbers, not text
    spec.given(credited, applied('35.00', '10')).when(apply('15.00', '9')).thenNothing();
  });

  it('credit applied before drafts were recorded with it is replaced as before', () => {
    spec
      .given(credited, applied('15.00'))
      .when(apply('35.00', '1'))
      .then({ type: 'CreditReleased', data: { ...base, invoiceId: 'inv-1', amount: '15.00', currency: 'BRL', releasedAt: 't' } }, applied('35.00', '1'));
  });
});

describe('invoice numbers from the tail of the year', () => {
  const spec = deciderSpec(invoiceNumbersDecider);
  const assigned = (sequence: number, invoiceId: string, assignedAt: string): InvoiceNumberAssigned => ({
    type: 'InvoiceNumberAssigned',
    data: { year: 2026, sequence, number: `INV-2026-${String(sequence).padStart(6, '0')}`, invoiceId, accountId: 'a', period: '2026-06', assignedAt },
  });
  const assign = (invoiceId: string, assignedAt: string) => ({ type: 'AssignInvoiceNumber' as const, data: { year: 2026, invoiceId, accountId: 'a', period: '2026-06', assignedAt } });

  it('folded from the year’s 49,999th number on, the next is 50,000, dated no earlier than the last', () => {
    spec
      .given(assigned(49_999, 'inv-x', '2026-07-02T13:00:00.000Z'))
      .when(assign('inv-1', '2026-07-02T12:00:00.000Z'))
      .then({
        type: 'InvoiceNumberAssigned',
        data: { year: 2026, sequence: 50_000, number: 'INV-2026-050000', invoiceId: 'inv-1', accountId: 'a', period: '2026-06', assignedAt: '2026-07-02T13:00:00.000Z' },
      });
  });

  it('an invoice numbered in the tail gets nothing new', () => {
    spec.given(assigned(41, 'inv-x', 't1'), assigned(42, 'inv-1', 't2')).when(assign('inv-1', 't3')).thenNothing();
  });

  it('the first request fixes the year; a later one (a retry in January) records nothing', () => {
    const request = (year: number, afterSequence: number) => ({ invoiceId: 'inv-1', accountId: 'a', period: '2026-11', year, afterSequence, requestedAt: `${year}-12-31T23:59:00.000Z` });
    const requests = deciderSpec(invoiceNumberRequestDecider);
    requests.given().when({ type: 'RequestInvoiceNumber', data: request(2026, 41) }).then({ type: 'InvoiceNumberRequested', data: request(2026, 41) });
    requests.given({ type: 'InvoiceNumberRequested', data: request(2026, 41) }).when({ type: 'RequestInvoiceNumber', data: request(2027, 0) }).thenNothing();
    expect(requests.given({ type: 'InvoiceNumberRequested', data: request(2026, 41) }).state().request?.year).toBe(2026);
  });
});
