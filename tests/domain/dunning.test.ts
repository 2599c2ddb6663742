import { describe, expect, it } from 'vitest';
import { IllegalStateError } from '../../src/domain/errors.ts';
import { invoiceDecider, type InvoiceCommand } from '../../src/domain/invoice/invoice-decider.ts';
import {
  daysOverdue,
  DEFAULT_DUNNING_CONFIG,
  dunningActions,
  type DunningAccount,
  type DunningAction,
  type DunningInvoice,
} from '../../src/domain/invoice/dunning-rules.ts';
import type { InvoiceDrafted, InvoiceIssued, InvoiceStreamEvent } from '../../src/domain/invoice/invoice-events.ts';
import type { RatedInvoice } from '../../src/domain/rating/index.ts';
import { deciderSpec } from '../support/decider-spec.ts';

const ZONE = 'America/Sao_Paulo';
const base = { accountId: 'acc-1', period: '2026-06', invoiceId: 'inv-1' };
/** Local midnight starting the day `n` days after the due date 2026-07-10, in São Paulo (UTC−3). */
const day = (n: number, time = '00:00:00') => new Date(`2026-07-${String(10 + n).padStart(2, '0')}T${time}-03:00`);
const dayOf = (n: number) => new Date(Date.UTC(2026, 6, 10 + n, 3));

function invoice(over: Partial<DunningInvoice> = {}): DunningInvoice {
  return { ...base, number: 'INV-2026-000001', dueDate: '2026-07-10', timeZone: ZONE, amountDue: '57.59', overdue: false, reminderDays: [], ...over };
}
const active: DunningAccount = { accountId: 'acc-1', status: 'active', suspendedByDunning: false };
const types = (actions: DunningAction[]) => actions.map((a) => (a.type === 'remind' ? `remind ${a.day}` : a.type));

describe('dunningActions, day by day', () => {
  it('day 0 (the due date, to its last second in the account zone): nothing', () => {
    expect(dunningActions([invoice()], day(0), DEFAULT_DUNNING_CONFIG, [active])).toEqual([]);
    expect(dunningActions([invoice()], day(0, '23:59:59'), DEFAULT_DUNNING_CONFIG, [active])).toEqual([]);
    // 02:59:59Z on the 11th is still the 10th in São Paulo
    expect(dunningActions([invoice()], new Date('2026-07-11T02:59:59Z'), DEFAULT_DUNNING_CONFIG, [active])).toEqual([]);
    expect(daysOverdue('2026-07-10', new Date('2026-07-11T03:00:00Z'), ZONE)).toBe(1);
  });

  it('day 1: overdue, and the first reminder', () => {
    const actions = dunningActions([invoice()], day(1), DEFAULT_DUNNING_CONFIG, [active]);
    expect(actions).toEqual([
      { type: 'mark_overdue', ...base, number: 'INV-2026-000001', daysOverdue: 1, asOfDate: '2026-07-11' },
      { type: 'remind', ...base, number: 'INV-2026-000001', day: 1, asOfDate: '2026-07-11' },
    ]);
  });

  it('days 2–6: nothing more; day 7 and day 14: one reminder each; day 29: nothing; day 30: suspended', () => {
    const recorded = (reminderDays: number[]) => invoice({ overdue: true, reminderDays });
    for (const n of [2, 6]) expect(dunningActions([recorded([1])], dayOf(n), DEFAULT_DUNNING_CONFIG, [active])).toEqual([]);
    expect(types(dunningActions([recorded([1])], dayOf(7), DEFAULT_DUNNING_CONFIG, [active]))).toEqual(['remind 7']);
    expect(dunningActions([recorded([1, 7])], dayOf(13), DEFAULT_DUNNING_CONFIG, [active])).toEqual([]);
    expect(types(dunningActions([recorded([1, 7])], dayOf(14), DEFAULT_DUNNING_CONFIG, [active]))).toEqual(['remind 14']);
    expect(dunningActions([recorded([1, 7, 14])], dayOf(29), DEFAULT_DUNNING_CONFIG, [active])).toEqual([]);
    expect(dunningActions([recorded([1, 7, 14])], dayOf(30), DEFAULT_DUNNING_CONFIG, [active])).toEqual([
      { type: 'suspend', accountId: 'acc-1', daysOverdue: 30, invoiceNumbers: ['INV-2026-000001'] },
    ]);
    // already suspended (by anyone): nothing more to do
    expect(dunningActions([recorded([1, 7, 14])], dayOf(31), DEFAULT_DUNNING_CONFIG, [{ accountId: 'acc-1', status: 'suspended', suspendedByDunning: true }])).toEqual([]);
  });

  it('then paid: the account dunning suspended is reactivated; one an operator suspended is not', () => {
    expect(dunningActions([], dayOf(31), DEFAULT_DUNNING_CONFIG, [{ accountId: 'acc-1', status: 'suspended', suspendedByDunning: true }])).toEqual([{ type: 'reactivate', accountId: 'acc-1' }]);
    expect(dunningActions([], dayOf(31), DEFAULT_DUNNING_CONFIG, [{ accountId: 'acc-1', status: 'suspended', suspendedByDunning: false }])).toEqual([]);
    // partly paid is not paid
    const partly = invoice({ overdue: true, reminderDays: [1, 7, 14], amountDue: '0.01' });
    expect(dunningActions([partly], dayOf(31), DEFAULT_DUNNING_CONFIG, [{ accountId: 'acc-1', status: 'suspended', suspendedByDunning: true }])).toEqual([]);
  });

  it('a missed run catches up with the latest reminder only; the suspension threshold is configurable', () => {
    expect(types(dunningActions([invoice()], dayOf(14), DEFAULT_DUNNING_CONFIG, [active]))).toEqual(['mark_overdue', 'remind 14']);
    expect(types(dunningActions([invoice({ overdue: true, reminderDays: [14] })], dayOf(10), { reminderDays: [1, 7, 14], suspendAfterDays: 10 }, [active]))).toEqual(['suspend']);
    // nothing due: nothing to chase; closed accounts are not suspended
    expect(dunningActions([invoice({ amountDue: '0.00' })], dayOf(40), DEFAULT_DUNNING_CONFIG, [active])).toEqual([]);
    expect(types(dunningActions([invoice({ overdue: true, reminderDays: [14] })], dayOf(40), DEFAULT_DUNNING_CONFIG, [{ ...active, status: 'closed' }]))).toEqual([]);
  });
});

describe('the invoice records overdue and each reminder once', () => {
  const spec = deciderSpec(invoiceDecider);
  const rated = { currency: 'BRL', total: '57.59', creditApplied: '0.00', lines: [] } as unknown as RatedInvoice;
  const drafted: InvoiceDrafted = { type: 'InvoiceDrafted', data: { ...base, rated, inputs: {} as InvoiceDrafted['data']['inputs'], digest: 'd', draftedAt: 't' } };
  const issued: InvoiceIssued = {
    type: 'InvoiceIssued',
    data: { ...base, number: 'INV-2026-000001', issueDate: '2026-07-02', dueDate: '2026-07-10', issuedAt: 't', total: '57.59', currency: 'BRL', digest: 'd' },
  };
  const overdue = (asOfDate: string): InvoiceCommand => ({ type: 'MarkInvoiceOverdue', data: { ...base, asOfDate, overdueAt: `${asOfDate}T12:00:00.000Z` } });
  const remind = (d: number, asOfDate: string): InvoiceCommand => ({ type: 'RecordPaymentReminder', data: { ...base, day: d, asOfDate, remindedAt: `${asOfDate}T12:00:00.000Z` } });
  const decide = (history: InvoiceStreamEvent[], command: InvoiceCommand) => invoiceDecider.decide(command, history.reduce(invoiceDecider.evolve, invoiceDecider.initialState()));

  it('not before the day after the due date; once; not when paid', () => {
    spec.given(drafted, issued).when(overdue('2026-07-10')).thenThrows(IllegalStateError, 'invoice_not_overdue');
    const marked = decide([drafted, issued], overdue('2026-07-11'));
    expect(marked).toEqual([
      { type: 'InvoiceOverdue', data: { ...base, number: 'INV-2026-000001', dueDate: '2026-07-10', amountDue: '57.59', currency: 'BRL', overdueAt: '2026-07-11T12:00:00.000Z' } },
    ]);
    spec.given(drafted, issued, ...marked).when(overdue('2026-07-12')).thenNothing();
    const paid = decide([drafted, issued], { type: 'RecordPayment', data: { ...base, paymentId: 'p', externalRef: 'r', amount: '57.59', method: 'pix', receivedAt: 't', recordedAt: 't' } });
    spec.given(drafted, issued, ...paid).when(overdue('2026-07-11')).thenNothing();
    spec.given(drafted, issued, ...paid).when(remind(1, '2026-07-11')).thenNothing();
  });

  it('each reminder day once, never an earlier one after a later one, never early', () => {
    const first = decide([drafted, issued], remind(1, '2026-07-11'));
    expect(first).toHaveLength(1);
    expect(first[0]!.data).toMatchObject({ day: 1, amountDue: '57.59' });
    spec.given(drafted, issued, ...first).when(remind(1, '2026-07-12')).thenNothing();
    spec.given(drafted, issued, ...first).when(remind(7, '2026-07-16')).thenThrows(IllegalStateError, 'reminder_not_due');
    const seventh = decide([drafted, issued, ...first], remind(14, '2026-07-24'));
    spec.given(drafted, issued, ...first, ...seventh).when(remind(7, '2026-07-24')).thenNothing();
  });
});
