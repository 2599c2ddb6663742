import { describe, expect, it } from 'vitest';
import { statementCsv, statementOf, type StatementEntry } from '../../src/domain/invoice/account-statement.ts';

const e = (at: string, kind: StatementEntry['kind'], reference: string, due: string, credit = '0'): StatementEntry => ({
  at,
  kind,
  reference,
  invoiceNumber: kind === 'credit_movement' ? null : 'INV-2026-000001',
  description: `${kind} ${reference}`,
  amountDueChange: due,
  creditChange: credit,
});

/**
 * June invoice 57.59 issued 2 July; paid 60.00 on 5 July (57.59 applied, 2.41 credit); the
 * payment reversed on 10 July (57.59 due again, 2.41 credit taken back).
 */
const entries = [
  e('2026-07-10T12:00:00.000Z', 'credit_movement', 'reversed:1', '0', '-2.41'),
  e('2026-07-02T06:30:00.000Z', 'invoice_issued', 'INV-2026-000001', '57.59'),
  e('2026-07-05T13:00:00.000Z', 'credit_movement', 'overpayment:0', '0', '2.41'),
  e('2026-07-05T13:00:00.000Z', 'payment', 'E2E-1', '-57.59'),
  e('2026-07-10T12:00:00.000Z', 'payment_reversed', 'E2E-1', '57.59'),
];

describe('account statement', () => {
  it('opens with everything before from, closes with opening + its lines; a payment comes before the credit it frees', () => {
    const statement = statementOf(entries, '2026-07-05T00:00:00-03:00', '2026-08-01T00:00:00-03:00', 2);
    expect(statement.opening).toEqual({ amountDue: '57.59', credit: '0.00', balance: '57.59' });
    expect(statement.lines.map((l) => [l.kind, l.amountDueChange, l.creditChange, l.amountDueAfter, l.creditAfter, l.balanceAfter])).toEqual([
      ['payment', '-57.59', '0.00', '0.00', '0.00', '0.00'],
      ['credit_movement', '0.00', '2.41', '0.00', '2.41', '-2.41'],
      ['payment_reversed', '57.59', '0.00', '57.59', '2.41', '55.18'],
      ['credit_movement', '0.00', '-2.41', '57.59', '0.00', '57.59'],
    ]);
    expect(statement.closing).toEqual({ amountDue: '57.59', credit: '0.00', balance: '57.59' });
    expect(statement.from).toBe('2026-07-05T03:00:00.000Z');
  });

  it('a range with nothing in it opens and closes the same', () => {
    const statement = statementOf(entries, '2026-07-06T00:00:00Z', '2026-07-07T00:00:00Z', 2);
    expect(statement.lines).toEqual([]);
    expect(statement.opening).toEqual({ amountDue: '0.00', credit: '2.41', balance: '-2.41' });
    expect(statement.closing).toEqual(statement.opening);
  });

  it('as CSV: a header, the opening row, the lines, the closing row; text a spreadsheet would run is quoted off', () => {
    const withFormula = [...entries, { ...e('2026-07-20T00:00:00.000Z', 'credit_note', 'cn-1', '0'), description: '=HYPERLINK("x")' }];
    const csv = statementCsv(statementOf(withFormula, '2026-07-10T00:00:00Z', '2026-08-01T00:00:00Z', 2));
    expect(csv.split('\r\n')).toEqual([
      'at,kind,reference,invoice_number,description,amount_due_change,credit_change,amount_due_after,credit_after,balance_after',
      '2026-07-10T00:00:00.000Z,opening,,,,,,0.00,2.41,-2.41',
      '2026-07-10T12:00:00.000Z,payment_reversed,E2E-1,INV-2026-000001,payment_reversed E2E-1,57.59,0.00,57.59,2.41,55.18',
      '2026-07-10T12:00:00.000Z,credit_movement,reversed:1,,credit_movement reversed:1,0.00,-2.41,57.59,0.00,57.59',
      `2026-07-20T00:00:00.000Z,credit_note,cn-1,INV-2026-000001,"'=HYPERLINK(""x"")",0.00,0.00,57.59,0.00,57.59`,
      '2026-08-01T00:00:00.000Z,closing,,,,,,57.59,0.00,57.59',
      '',
    ]);
  });
});
