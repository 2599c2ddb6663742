import { ZERO, exact, type ExactDecimal } from '../rating/exact-decimal.ts';

/**
 * An account's statement over `[from, to)`: everything that changed what it owes or the credit
 * it holds, with opening and closing balances that reconcile to the cent. Two balances move:
 * the amount due on its invoices and its credit; the balance is amount due − credit (what the
 * customer owes, net). Each entry moves one of them:
 *
 * - invoice issued: due + total (the total is already net of the credit applied to it, which is
 *   the credit movement `applied`);
 * - invoice voided: due − what it still had due (voids happen only without payments);
 * - payment: due − what it applied (an overpayment's excess is the credit movement `overpayment`);
 * - payment reversed: due + what it had applied (its excess back is the movement `reversed`);
 * - credit note: due − what it applied (the part already paid is the movement `credit_note`);
 * - credit movement: credit ± its amount.
 */
export type StatementEntryKind = 'invoice_issued' | 'invoice_voided' | 'payment' | 'payment_reversed' | 'credit_note' | 'credit_movement';

export interface StatementEntry {
  at: string;
  kind: StatementEntryKind;
  /** what names it for the customer: invoice number, payment reference, credit note id, movement kind */
  reference: string;
  invoiceNumber: string | null;
  description: string;
  amountDueChange: string;
  creditChange: string;
}

export interface StatementBalances {
  amountDue: string;
  credit: string;
  balance: string;
}

export interface StatementLine extends StatementEntry {
  amountDueAfter: string;
  creditAfter: string;
  balanceAfter: string;
}

export interface Statement {
  from: string;
  to: string;
  opening: StatementBalances;
  closing: StatementBalances;
  lines: StatementLine[];
}

// At one instant, what moves the amount due comes before the credit it frees or takes: a payment before its excess.
const RANK: Record<StatementEntryKind, number> = { invoice_issued: 0, invoice_voided: 1, credit_note: 2, payment: 3, payment_reversed: 4, credit_movement: 5 };

const byTime = (a: StatementEntry, b: StatementEntry) => Date.parse(a.at) - Date.parse(b.at) || RANK[a.kind] - RANK[b.kind] || (a.reference < b.reference ? -1 : a.reference > b.reference ? 1 : 0);

/** The statement of `entries` (every entry of the account, any order) over `[from, to)`, amounts to `decimals` places. */
export function statementOf(entries: readonly StatementEntry[], from: string, to: string, decimals: number): Statement {
  const fromMs = Date.parse(from);
  const toMs = Date.parse(to);
  const fixed = (value: ExactDecimal) => (value.isZero() ? ZERO : value).toFixed(decimals);
  const balances = (due: ExactDecimal, credit: ExactDecimal): StatementBalances => ({ amountDue: fixed(due), credit: fixed(credit), balance: fixed(due.minus(credit)) });
  let due = ZERO;
  let credit = ZERO;
  const sorted = [...entries].sort(byTime);
  for (const entry of sorted) {
    if (Date.parse(entry.at) >= fromMs) break;
    due = due.plus(entry.amountDueChange);
    credit = credit.plus(entry.creditChange);
  }
  const opening = balances(due, credit);
  const lines: StatementLine[] = [];
  for (const entry of sorted) {
    const atMs = Date.parse(entry.at);
    if (atMs < fromMs || atMs >= toMs) continue;
    due = due.plus(entry.amountDueChange);
    credit = credit.plus(entry.creditChange);
    const after = balances(due, credit);
    lines.push({ ...entry, amountDueChange: fixed(exact(entry.amountDueChange)), creditChange: fixed(exact(entry.creditChange)), amountDueAfter: after.amountDue, creditAfter: after.credit, balanceAfter: after.balance });
  }
  return { from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), opening, closing: balances(due, credit), lines };
}

const CSV_COLUMNS = ['at', 'kind', 'reference', 'invoice_number', 'description', 'amount_due_change', 'credit_change', 'amount_due_after', 'credit_after', 'balance_after'] as const;

/** A field as RFC 4180 has it, and never read as a formula by a spreadsheet. */
function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) && !/^-\d/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** The statement as CSV: a header, the opening balance, a row per line, the closing balance. */
export function statementCsv(statement: Statement): string {
  const row = (fields: readonly string[]) => fields.map(csvField).join(',');
  const balanceRow = (kind: string, at: string, b: StatementBalances) => row([at, kind, '', '', '', '', '', b.amountDue, b.credit, b.balance]);
  const rows = [
    row(CSV_COLUMNS),
    balanceRow('opening', statement.from, statement.opening),
    ...statement.lines.map((l) => row([l.at, l.kind, l.reference, l.invoiceNumber ?? '', l.description, l.amountDueChange, l.creditChange, l.amountDueAfter, l.creditAfter, l.balanceAfter])),
    balanceRow('closing', statement.to, statement.closing),
  ];
  return `${rows.join('\r\n')}\r\n`;
}
