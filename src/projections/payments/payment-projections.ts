import { sql, type Transaction } from 'kysely';
import type { RecordedEvent } from '../../ports/event-store.ts';
import { creditEvents } from '../../domain/credit/credit-events.ts';
import { assertNever } from '../../domain/decider.ts';
import { creditMovementOf } from '../../domain/credit/credit-movements.ts';
import type { CreditNoteIssued, PaymentRecorded, PaymentReversed } from '../../domain/invoice/invoice-events.ts';
import { eventUnion } from '../../domain/shared/event-union.ts';
import type { Projection } from '../projection.ts';
import { updateOneRow } from '../update-one-row.ts';
import type { PaymentTables } from './payment-tables.ts';

/** Money in against invoices, and corrections of them. */
const paymentEvents = eventUnion<PaymentRecorded | CreditNoteIssued | PaymentReversed>({ PaymentRecorded: true, CreditNoteIssued: true, PaymentReversed: true });

const paymentsProjection: Projection = {
  name: 'payments',
  eventTypes: new Set(paymentEvents.types),
  tables: ['payments', 'credit_notes'],
  async apply(trx: Transaction<PaymentTables>, recorded: RecordedEvent) {
    const event = paymentEvents.narrow(recorded);
    switch (event.type) {
      case 'PaymentRecorded': {
        const d = event.data;
        await trx
          .insertInto('payments')
          .values({
            payment_id: d.paymentId,
            invoice_id: d.invoiceId,
            account_id: d.accountId,
            period: d.period,
            invoice_number: d.number,
            external_ref: d.externalRef,
            amount: d.amount,
            currency: d.currency,
            method: d.method,
            applied_amount: d.appliedAmount,
            excess_amount: d.excessAmount,
            received_at: d.receivedAt,
            recorded_at: d.recordedAt,
          })
          .execute();
        return;
      }
      case 'CreditNoteIssued': {
        const d = event.data;
        await trx
          .insertInto('credit_notes')
          .values({
            credit_note_id: d.creditNoteId,
            invoice_id: d.invoiceId,
            account_id: d.accountId,
            period: d.period,
            invoice_number: d.number,
            amount: d.amount,
            currency: d.currency,
            reason: d.reason,
            applied_amount: d.appliedAmount,
            excess_amount: d.excessAmount,
            issued_at: d.issuedAt,
          })
          .execute();
        return;
      }
      case 'PaymentReversed':
        await updateOneRow(trx, 'payments', { payment_id: event.data.paymentId }, { reversed_at: event.data.reversedAt, reversal_reason: event.data.reason }, `payment ${event.data.paymentId}`);
        return;
      default:
        assertNever(event);
    }
  },
};

const accountBalancesProjection: Projection = {
  name: 'account-balances',
  eventTypes: new Set(creditEvents.types),
  tables: ['account_balances'],
  async apply(trx: Transaction<PaymentTables>, recorded: RecordedEvent) {
    const event = creditEvents.narrow(recorded);
    const { accountId, amount, currency } = event.data;
    // Every event moves the row by its own amount (a re-applied period is released first).
    const { at } = creditMovementOf(event);
    const credited = event.type === 'AccountCredited' ? amount : '0';
    const appliedDelta = event.type === 'CreditApplied' ? amount : event.type === 'CreditReleased' ? `-${amount}` : '0';
    const paidOut = event.type === 'CreditRefunded' || event.type === 'CreditReversed' ? amount : '0';
    await trx
      .insertInto('account_balances')
      .values({
        account_id: accountId,
        currency,
        credited,
        applied: appliedDelta,
        paid_out: paidOut,
        credit_available: sql<string>`${credited}::numeric - ${appliedDelta}::numeric - ${paidOut}::numeric`,
        updated_at: at,
      })
      .onConflict((oc) =>
        oc.column('account_id').doUpdateSet({
          credited: sql<string>`account_balances.credited + ${credited}::numeric`,
          applied: sql<string>`account_balances.applied + ${appliedDelta}::numeric`,
          paid_out: sql<string>`account_balances.paid_out + ${paidOut}::numeric`,
          credit_available: sql<string>`account_balances.credit_available + ${credited}::numeric - ${appliedDelta}::numeric - ${paidOut}::numeric`,
          updated_at: at,
        }),
      )
      .execute();
  },
};

/** Every change of an account's credit, in its stream's order, with the balance after it. */
const creditMovementsProjection: Projection = {
  name: 'credit-movements',
  eventTypes: new Set(creditEvents.types),
  tables: ['credit_movements'],
  async apply(trx: Transaction<PaymentTables>, recorded: RecordedEvent) {
    const event = creditEvents.narrow(recorded);
    const movement = creditMovementOf(event);
    const { accountId } = event.data;
    const previous = await trx
      .selectFrom('credit_movements')
      .select('balance_after')
      .where('account_id', '=', accountId)
      .orderBy('sequence', 'desc')
      .limit(1)
      .executeTakeFirst();
    await trx
      .insertInto('credit_movements')
      .values({
        account_id: accountId,
        sequence: recorded.streamRevision.toString(),
        kind: movement.kind,
        amount: movement.amount,
        currency: movement.currency,
        balance_after: sql<string>`${previous?.balance_after ?? '0'}::numeric + ${movement.amount}::numeric`,
        cause: JSON.stringify(movement.cause) as never,
        occurred_at: movement.at,
      })
      .execute();
  },
};

export const paymentProjections: Projection[] = [paymentsProjection, accountBalancesProjection, creditMovementsProjection];
