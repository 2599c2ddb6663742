import type { Decider } from '../decider.ts';
import type { InvoiceNumberAssigned, InvoiceNumberRequested } from './invoice-events.ts';

export type AssignInvoiceNumber = {
  type: 'AssignInvoiceNumber';
  data: { year: number; invoiceId: string; accountId: string; period: string; assignedAt: string };
};

/**
 * What taking a number needs of the year's stream: its last number and that number's
 * instant, and whether the invoice asking already has one. Only the stream's tail is ever
 * folded (from the number before the invoice's request on, see `InvoiceNumberRequested`),
 * so `byInvoice` holds a handful of entries, however many numbers the year holds.
 */
export type InvoiceNumbersState = {
  lastSequence: number;
  /** the latest instant a number was assigned at: no later number is dated before it */
  lastAssignedAt: string | null;
  byInvoice: Readonly<Record<string, { sequence: number; number: string; assignedAt: string }>>;
};

/** The later of two ISO instants (the first may be absent). */
const laterInstant = (a: string | null, b: string) => (a !== null && Date.parse(a) > Date.parse(b) ? a : b);

export const formatInvoiceNumber = (year: number, sequence: number) => `INV-${year}-${String(sequence).padStart(6, '0')}`;

/**
 * The year's numbers, one stream: the next number is the last plus one, and the append's
 * expected revision makes two concurrent runs take turns, so numbers have no gaps and no
 * repeats. An invoice asking again gets the number it already has.
 *
 * A number is dated no earlier than the one before it: two billing runs that overlap each
 * bring the instant they started at, and the later-started one may take its number first.
 * Recording the later of the two instants keeps numbers and issue times in one order.
 */
export const invoiceNumbersDecider: Decider<AssignInvoiceNumber, InvoiceNumberAssigned, InvoiceNumbersState> = {
  initialState: () => ({ lastSequence: 0, lastAssignedAt: null, byInvoice: {} }),
  decide({ data }, state) {
    if (state.byInvoice[data.invoiceId]) return [];
    const sequence = state.lastSequence + 1;
    const assignedAt = laterInstant(state.lastAssignedAt, data.assignedAt);
    return [{ type: 'InvoiceNumberAssigned', data: { ...data, assignedAt, sequence, number: formatInvoiceNumber(data.year, sequence) } }];
  },
  evolve: (state, event) => ({
    lastSequence: event.data.sequence,
    lastAssignedAt: laterInstant(state.lastAssignedAt, event.data.assignedAt),
    byInvoice: { ...state.byInvoice, [event.data.invoiceId]: { sequence: event.data.sequence, number: event.data.number, assignedAt: event.data.assignedAt } },
  }),
};

export type RequestInvoiceNumber = { type: 'RequestInvoiceNumber'; data: InvoiceNumberRequested['data'] };
export type InvoiceNumberRequestState = { request: InvoiceNumberRequested['data'] | null };

/**
 * An invoice asks for its number once: the first request fixes the year (whatever the date
 * of a retry) and where in that year's stream its number, if it took one, is to be found.
 */
export const invoiceNumberRequestDecider: Decider<RequestInvoiceNumber, InvoiceNumberRequested, InvoiceNumberRequestState> = {
  initialState: () => ({ request: null }),
  decide: (command, state) => (state.request ? [] : [{ type: 'InvoiceNumberRequested', data: command.data }]),
  evolve: (state, event) => (state.request ? state : { request: event.data }),
};
