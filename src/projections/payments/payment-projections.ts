import { sql } from 'kysely';
import { creditEvents } from '../../domain/credit/credit-events.ts';
import { assertNever } from '../../domain/decider.ts';
import type { CreditNoteIssued, PaymentRecorded } from '../../domain/invoice/invoice-events.ts';
import { eventUnion } from '../../domain/shared/event-union.ts';
import type { Projection } from '../projection.ts';

/** Money in against invoices, and corrections of them. */
const paymentEvents = eventUnion<PaymentRecorded | CreditNoteIssued>({ PaymentRecorded: true, CreditNoteIssued: true });

const paymentsProjection: Projection = {
  name: 'payments',
  eventTypes: new Set(paymentEvents.types),
  tables: ['payments', 'credit_notes'],
  async apply(trx, recorded) {
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
      default:
        assertNever(event);
    }
  },
};

const accountBalancesProjection: Projection = {
  name: 'account-balances',
  eventTypes: new Set(creditEvents.types),
  tables: ['account_balances'],
  async apply(trx, recorded) {
    const event = creditEvents.narrow(recorded);
    const { accountId, amount, currency } = event.data;
    // Every event moves the row by its own amount (a re-applied period is released first).
    const at = event.type === 'AccountCredited' ? event.data.creditedAt : event.type === 'CreditApplied' ? event.data.appliedAt : event.data.releasedAt;
    const credited = event.type === 'AccountCredited' ? amount : '0';
    const appliedDelta = event.type === 'CreditApplied' ? amount : event.type === 'CreditReleased' ? `-${amount}` : '0';
    await trx
      .insertInto('account_balances')
      .values({ account_id: accountId, currency, credited, applied: appliedDelta, credit_available: sql<string>`${credited}::numeric - ${appliedDelta}::numeric`, updated_at: at })
      .onConflict((oc) =>
        oc.column('account_id').doUpdateSet({
          credited: sql<string>`account_balances.credited + ${credited}::numeric`,
          applied: sql<string>`account_balances.applied + ${appliedDelta}::numeric`,
          credit_available: sql<string>`account_balances.credited + ${credited}::numeric - account_balances.applied - ${appliedDelta}::numeric`,
          updated_at: at,
        }),
      )
      .execute();
  },
};

export const paymentProjections: Projection[] = [paymentsProjection, accountBalancesProjection];
