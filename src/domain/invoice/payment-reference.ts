import { assertNever, type Decider, type DomainEvent } from '../decider.ts';
import { ConflictError } from '../errors.ts';
import type { PaymentMethod } from './invoice-events.ts';

/**
 * A payment provider's reference (`externalRef`) is unique on the whole platform: it is
 * claimed by creating its own stream, `paymentref-<externalRef>`, so of two concurrent
 * requests with one reference exactly one claims it. The claim keeps what the payment
 * was: the same reference sent again with the same content is the same payment (nothing
 * more is recorded); with other content it is refused (409 `payment_conflict`).
 */
export interface PaymentContent {
  invoiceId: string;
  /** formatted to the currency's minor unit, e.g. "30.00" */
  amount: string;
  method: PaymentMethod;
  /** UTC ISO, milliseconds */
  receivedAt: string;
}

export type ReservePaymentReference = {
  type: 'ReservePaymentReference';
  data: PaymentContent & { externalRef: string; paymentId: string; reservedAt: string };
};
export type PaymentReferenceReserved = DomainEvent<'PaymentReferenceReserved', ReservePaymentReference['data']>;
export type PaymentReferenceState = { reserved: PaymentReferenceReserved['data'] | null };

export const PAYMENT_REFERENCE = /^[A-Za-z0-9][A-Za-z0-9._:/+=-]{0,127}$/;

export const sameContent = (a: PaymentContent, b: PaymentContent) =>
  a.invoiceId === b.invoiceId && a.amount === b.amount && a.method === b.method && a.receivedAt === b.receivedAt;

export const paymentReferenceDecider: Decider<ReservePaymentReference, PaymentReferenceReserved, PaymentReferenceState> = {
  initialState: () => ({ reserved: null }),
  decide(command, state) {
    switch (command.type) {
      case 'ReservePaymentReference': {
        const { reserved } = state;
        if (reserved === null) return [{ type: 'PaymentReferenceReserved', data: command.data }];
        if (sameContent(reserved, command.data)) return [];
        throw new ConflictError(
          'payment_conflict',
          `payment reference "${command.data.externalRef}" was already recorded for another payment (${reserved.amount} by ${reserved.method} on invoice ${reserved.invoiceId}, received ${reserved.receivedAt})`,
        );
      }
      default:
        return assertNever(command.type);
    }
  },
  evolve: (_state, event) => ({ reserved: event.data }),
};
