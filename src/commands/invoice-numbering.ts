import { randomUUID } from 'node:crypto';
import { invoiceNumberRequestStream, invoiceNumberStream, type InvoiceNumberAssigned, type InvoiceNumberRequested } from '../domain/invoice/invoice-events.ts';
import { invoiceNumberRequestDecider, invoiceNumbersDecider, type InvoiceNumbersState } from '../domain/invoice/invoice-numbering.ts';
import { ConcurrencyError, type EventStore, type RecordedEvent } from '../ports/event-store.ts';
import { metadataOf, type CommandContext } from './command-handler.ts';

export interface InvoiceNumber {
  year: number;
  sequence: number;
  number: string;
  /** when it was taken: no later number of its year is dated before it */
  assignedAt: string;
}

/** Runs that take numbers at once wait their turn; each turn reads only what the others appended. */
const MAX_ATTEMPTS = 50;
const MAX_PAUSE_MS = 100;

/**
 * The invoice's number: the one it already took, or the next of its year. Its year is fixed
 * by its first request (`InvoiceNumberRequested`), so a number taken on 31 December before a
 * crash is found, and used, by a retry in January; no number is taken twice, none is skipped.
 *
 * The cost does not grow with the year: the year's stream is read from the number before the
 * request on (the year's last event, when the request is new), never from its start.
 */
export async function numberInvoice(
  eventStore: EventStore,
  invoice: { invoiceId: string; accountId: string; period: string; year: number; at: string },
  context: CommandContext,
): Promise<InvoiceNumber> {
  const { request, tail: known } = await requestNumber(eventStore, invoice, context);
  return inTurn(`${context.correlationId}/${request.year}`, (waited) => takeNumber(eventStore, invoice, request, waited ? null : known, context));
}

/** The number after `request.afterSequence` that this invoice took, or the year's next one. */
async function takeNumber(
  eventStore: EventStore,
  invoice: { invoiceId: string; accountId: string; period: string; at: string },
  request: InvoiceNumberRequested['data'],
  known: RecordedEvent[] | null,
  context: CommandContext,
): Promise<InvoiceNumber> {
  const stream = invoiceNumberStream(request.year);
  let state: InvoiceNumbersState = invoiceNumbersDecider.initialState();
  let tail = known ?? (await readFrom(eventStore, stream, request.afterSequence));
  const command = { type: 'AssignInvoiceNumber' as const, data: { year: request.year, invoiceId: invoice.invoiceId, accountId: invoice.accountId, period: invoice.period, assignedAt: invoice.at } };
  for (let attempt = 1; ; attempt++) {
    state = tail.reduce((folded, event) => invoiceNumbersDecider.evolve(folded, { type: 'InvoiceNumberAssigned', data: assignedOf(event) }), state);
    const taken = state.byInvoice[invoice.invoiceId];
    if (taken) return { year: request.year, ...taken };
    const [assigned] = invoiceNumbersDecider.decide(command, state);
    const { sequence, number, assignedAt } = assigned!.data;
    try {
      await eventStore.append(stream, [{ eventId: randomUUID(), type: assigned!.type, data: assigned!.data, metadata: metadataOf(context) }], {
        expectedRevision: state.lastSequence === 0 ? 'no_stream' : BigInt(state.lastSequence - 1),
      });
      return { year: request.year, sequence, number, assignedAt };
    } catch (error) {
      if (!(error instanceof ConcurrencyError) || attempt >= MAX_ATTEMPTS) throw error;
      await sleep(Math.random() * Math.min(MAX_PAUSE_MS, 2 ** attempt));
      tail = await readFrom(eventStore, stream, state.lastSequence + 1);
    }
  }
}

/**
 * One billing run's workers (calls sharing a correlation id) take a year's numbers in turn, so
 * they do not conflict with each other at the store; other runs and processes still meet
 * there, at the expected revision. `waited`: another call went first, so what this one read
 * of the year before its turn is out of date.
 */
const turns = new Map<string, Promise<unknown>>();
function inTurn<T>(key: string, work: (waited: boolean) => Promise<T>): Promise<T> {
  const before = turns.get(key);
  const mine = (before ?? Promise.resolve()).then(
    () => work(before !== undefined),
    () => work(true),
  );
  turns.set(key, mine);
  const release = () => {
    if (turns.get(key) === mine) turns.delete(key);
  };
  mine.then(release, release);
  return mine;
}

/**
 * The invoice's request, made now if it has none: its year, and the year's last number before
 * it. When this call made the request, `tail` is what it read of the year (its last event, if
 * any): the number the request comes after, so nothing is to be read again.
 */
async function requestNumber(
  eventStore: EventStore,
  invoice: { invoiceId: string; accountId: string; period: string; year: number; at: string },
  context: CommandContext,
): Promise<{ request: InvoiceNumberRequested['data']; tail: RecordedEvent[] | null }> {
  const requestStream = invoiceNumberRequestStream(invoice.invoiceId);
  // Most invoices ask once: propose the request first, and read the one recorded only when refused.
  const [lastOfYear] = await eventStore.readStream(invoiceNumberStream(invoice.year), { direction: 'backwards', maxCount: 1 });
  const data = {
    invoiceId: invoice.invoiceId,
    accountId: invoice.accountId,
    period: invoice.period,
    year: invoice.year,
    afterSequence: lastOfYear ? assignedOf(lastOfYear).sequence : 0,
    requestedAt: invoice.at,
  };
  const [requested] = invoiceNumberRequestDecider.decide({ type: 'RequestInvoiceNumber', data }, invoiceNumberRequestDecider.initialState());
  try {
    await eventStore.append(requestStream, [{ eventId: randomUUID(), type: requested!.type, data: requested!.data, metadata: metadataOf(context) }], { expectedRevision: 'no_stream' });
    return { request: data, tail: lastOfYear ? [lastOfYear] : [] };
  } catch (error) {
    if (!(error instanceof ConcurrencyError)) throw error;
    // asked before (an earlier attempt, or another run): that year and place are the ones that count
    const [first] = await eventStore.readStream(requestStream, { maxCount: 1 });
    return { request: first!.data as InvoiceNumberRequested['data'], tail: null };
  }
}

/** The year's numbers from `sequence` on (a number's revision is its sequence less one). */
async function readFrom(eventStore: EventStore, stream: string, sequence: number): Promise<RecordedEvent[]> {
  const events = await eventStore.readStream(stream, { fromRevision: BigInt(Math.max(0, sequence - 1)) });
  for (const event of events) {
    if (BigInt(assignedOf(event).sequence) !== event.streamRevision + 1n) {
      throw new Error(`${stream}: number ${assignedOf(event).number} is at revision ${event.streamRevision}; a year's numbers are its revisions plus one`);
    }
  }
  return events;
}

const assignedOf = (event: RecordedEvent) => event.data as InvoiceNumberAssigned['data'];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
