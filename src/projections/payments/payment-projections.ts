import type { Transaction } from 'kysely';
import { sql } from 'kysely';
import { CREDIT_EVENT_TYPES, type CreditEvent } from '../../domain/credit/credit-events.ts';
import type { InvoiceSettlementEvent } from '../../domain/invoice/invoice-events.ts';
import type { Projection } from '../projection.ts';
import type { ReadModelDatabase } from '../read-model-database.ts';
import type { PaymentTables } from './payment-tables.ts';

/** The tables these projections own; `ReadModelDatabase` will include them (see PaymentTables). */
type Trx = Transaction<ReadModelDatabase & PaymentTables>;
const own = (trx: Transaction<ReadModelDatabase>) => trx as unknown as Trx;

const paymentsProjection: Projection = {
  name: 'payments',
  eventTypes: new Set(['PaymentRecorded', 'CreditNoteIssued'] satisfies InvoiceSettlementEvent['type'][]),
  tables: ['payments', 'credit_notes'],
  async apply(trx, recorded) {
    const event = { type: recorded.type, data: recorded.data } as InvoiceSettlementEvent;
    switch (event.type) {
      case 'PaymentRecorded': {
        const d = event.data;
        await own(trx)
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
        await own(trx)
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
        return;
    }
  },
};

const accountBalancesProjection: Projection = {
  name: 'account-balances',
  eventTypes: new Set(CREDIT_EVENT_TYPES),
  tables: ['account_balances'],
  async apply(trx, recorded) {
    const event = { type: recorded.type, data: recorded.data } as CreditEvent;
    const { accountId, amount, currency } = event.data;
    // Every event moves the row by its own amount (a re-applied period is released first).
    const at = event.type === 'AccountCredited' ? event.data.creditedAt : event.type === 'CreditApplied' ? event.data.appliedAt : event.data.releasedAt;
    const credited = event.type === 'AccountCredited' ? amount : '0';
    const appliedDelta = event.type === 'CreditApplied' ? amount : event.type === 'CreditReleased' ? `-${amount}` : '0';
    await own(trx)
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
