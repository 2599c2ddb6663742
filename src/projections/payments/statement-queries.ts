import type { Kysely } from 'kysely';
import { NotFoundError } from '../../domain/errors.ts';
import { statementOf, type Statement, type StatementEntry } from '../../domain/invoice/account-statement.ts';
import { exact } from '../../domain/rating/exact-decimal.ts';
import { isCurrency, MINOR_UNITS } from '../../domain/rating/money.ts';
import type { PaymentTables } from './payment-tables.ts';
import type { AccountTables } from '../accounts/accounts-table.ts';
import type { InvoiceTables } from '../invoices/invoice-tables.ts';

const iso = (value: Date | string) => new Date(value).toISOString();
const negated = (amount: string) => exact(amount).negated().toFixed();

/**
 * The account's statement over `[from, to)` (`statementOf`), from the read models of invoices,
 * payments, credit notes and credit movements. Every entry of the account is read: the opening
 * balances are the sum of everything before `from`, so they hold whatever order things arrived in.
 */
export async function accountStatement(readModels: Kysely<PaymentTables & AccountTables & InvoiceTables>, accountId: string, from: string, to: string): Promise<Statement & { accountId: string; currency: string }> {
  const db = readModels;
  const account = await db.selectFrom('accounts').select('currency').where('account_id', '=', accountId).executeTakeFirst();
  if (!account) throw new NotFoundError('account_not_found', `account ${accountId} does not exist`);
  const [invoices, payments, creditNotes, movements] = await Promise.all([
    db
      .selectFrom('invoices')
      .select(['invoice_id', 'number', 'period', 'total', 'amount_credited', 'issued_at', 'voided_at', 'void_reason'])
      .where('account_id', '=', accountId)
      .where('issued_at', 'is not', null)
      .execute(),
    db
      .selectFrom('payments')
      .select(['payment_id', 'invoice_number', 'external_ref', 'method', 'amount', 'applied_amount', 'recorded_at', 'reversed_at', 'reversal_reason'])
      .where('account_id', '=', accountId)
      .execute(),
    db.selectFrom('credit_notes').select(['credit_note_id', 'invoice_number', 'amount', 'applied_amount', 'reason', 'issued_at']).where('account_id', '=', accountId).execute(),
    db.selectFrom('credit_movements').select(['sequence', 'kind', 'amount', 'cause', 'occurred_at']).where('account_id', '=', accountId).execute(),
  ]);

  const entries: StatementEntry[] = [];
  const entry = (e: Omit<StatementEntry, 'amountDueChange' | 'creditChange'> & Partial<Pick<StatementEntry, 'amountDueChange' | 'creditChange'>>) =>
    entries.push({ amountDueChange: '0', creditChange: '0', ...e });
  for (const invoice of invoices) {
    const number = invoice.number ?? invoice.invoice_id;
    entry({ at: iso(invoice.issued_at!), kind: 'invoice_issued', reference: number, invoiceNumber: number, description: `Invoice ${number} for ${invoice.period}`, amountDueChange: invoice.total });
    if (invoice.voided_at !== null) {
      const stillDue = exact(invoice.total).minus(invoice.amount_credited ?? '0');
      entry({ at: iso(invoice.voided_at), kind: 'invoice_voided', reference: number, invoiceNumber: number, description: `Invoice ${number} voided: ${invoice.void_reason ?? ''}`, amountDueChange: stillDue.negated().toFixed() });
    }
  }
  for (const p of payments) {
    entry({ at: iso(p.recorded_at), kind: 'payment', reference: p.external_ref, invoiceNumber: p.invoice_number, description: `Payment ${p.external_ref} (${p.method}) of ${p.amount} on invoice ${p.invoice_number}`, amountDueChange: negated(p.applied_amount) });
    if (p.reversed_at != null) {
      entry({ at: iso(p.reversed_at), kind: 'payment_reversed', reference: p.external_ref, invoiceNumber: p.invoice_number, description: `Payment ${p.external_ref} reversed: ${p.reversal_reason ?? ''}`, amountDueChange: p.applied_amount });
    }
  }
  for (const c of creditNotes) {
    entry({ at: iso(c.issued_at), kind: 'credit_note', reference: c.credit_note_id, invoiceNumber: c.invoice_number, description: `Credit note of ${c.amount} on invoice ${c.invoice_number}: ${c.reason}`, amountDueChange: negated(c.applied_amount) });
  }
  for (const m of movements) {
    const cause = m.cause;
    const what = cause.externalRef ?? cause.creditNoteId ?? cause.period ?? cause.invoiceId ?? '';
    entry({ at: iso(m.occurred_at), kind: 'credit_movement', reference: `${m.kind}:${m.sequence}`, invoiceNumber: null, description: `Credit ${m.kind.replace('_', ' ')}${what ? ` (${what})` : ''}`, creditChange: m.amount });
  }
  const decimals = isCurrency(account.currency) ? MINOR_UNITS[account.currency] : 2;
  return { accountId, currency: account.currency, ...statementOf(entries, from, to, decimals) };
}
