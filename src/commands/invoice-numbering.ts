import { randomUUID } from 'node:crypto';
import { invoiceNumberRequestStream, invoiceNumberStream, type InvoiceNumberAssigned, type InvoiceNumberRequested } from '../domain/invoice/invoice-events.ts';
import { invoiceNumberRequestDecider, invoiceNumbersDecider, type InvoiceNumbersState } from '../domain/invoice/invoice-numbering.ts';
import { ConcurrencyError, type EventMetadata, type EventStore, type RecordedEvent } from '../ports/event-store.ts';
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
  // the year's last number as this run last saw it: never beyond the year's last, so a place to ask from
  const lastSeen = queuesByStore.get(eventStore)?.get(queueKey(context, invoice.year))?.folded?.state.lastSequence;
  const { request, tail: known } = await requestNumber(eventStore, invoice, context, lastSeen);
  return inBatch(eventStore, queueKey(context, request.year), { invoice, request, known, context });
}

/** An invoice waiting for its number, with the request that fixed its year and place. */
interface Waiting {
  invoice: { invoiceId: string; accountId: string; period: string; at: string };
  request: InvoiceNumberRequested['data'];
  /** what its own request read of the year (its last event), when this call made the request */
  known: RecordedEvent[] | null;
  context: CommandContext;
}

/** How many invoices one append numbers at most. */
const MAX_BATCH = 100;

/** Every number after `complete` is in `state.byInvoice`. */
type Folded = { state: InvoiceNumbersState; complete: number };
type Queue = {
  waiting: (Waiting & { settle: (result: InvoiceNumber | Error) => void })[];
  draining: boolean;
  /** the year as this run last folded it */
  folded: Folded | null;
  forget: NodeJS.Timeout | null;
};

/** What a run knows of a year outlives its last turn this long: the run's next invoices ask for numbers with it. */
const QUEUE_IDLE_MS = 10_000;

/**
 * One billing run's workers (calls sharing a correlation id) take a year's numbers in turn,
 * so they do not conflict with each other at the store; other runs and processes still meet
 * there, at the expected revision. Whoever waits while a turn's append is under way is
 * numbered in the next turn, all in one append: the year's stream is one at a time by nature,
 * and a round trip per number would make every run wait on it invoice by invoice.
 */
const queuesByStore = new WeakMap<EventStore, Map<string, Queue>>();
const queueKey = (context: CommandContext, year: number) => `${context.correlationId}/${year}`;

function inBatch(eventStore: EventStore, key: string, waiting: Waiting): Promise<InvoiceNumber> {
  let queues = queuesByStore.get(eventStore);
  if (!queues) queuesByStore.set(eventStore, (queues = new Map()));
  let queue = queues.get(key);
  if (!queue) queues.set(key, (queue = { waiting: [], draining: false, folded: null, forget: null }));
  const run = queue;
  const ofStore = queues;
  return new Promise((resolve, reject) => {
    run.waiting.push({ ...waiting, settle: (result) => (result instanceof Error ? reject(result) : resolve(result)) });
    if (run.draining) return;
    run.draining = true;
    if (run.forget) clearTimeout(run.forget);
    void (async () => {
      for (;;) {
        const batch = run.waiting.splice(0, MAX_BATCH);
        if (batch.length === 0) break;
        try {
          const taken = await takeNumbers(eventStore, batch, run.folded);
          run.folded = taken.folded;
          batch.forEach((w, i) => w.settle(taken.numbers[i]!));
        } catch (error) {
          run.folded = null;
          for (const w of batch) w.settle(error instanceof Error ? error : new Error(String(error)));
        }
      }
      run.draining = false;
      run.forget = setTimeout(() => ofStore.get(key) === run && !run.draining && ofStore.delete(key), QUEUE_IDLE_MS);
      run.forget.unref();
    })();
  });
}

/**
 * The numbers of a batch of one year's invoices: each the one it already took after its
 * request's place, or the year's next, all new ones in one append. The year's stream is
 * folded from the earliest request's place (from what an earlier turn folded, or what a
 * request just read, when that reaches back far enough), and on a conflict only what was
 * appended since is read.
 */
async function takeNumbers(
  eventStore: EventStore,
  batch: readonly Waiting[],
  folded: { state: InvoiceNumbersState; complete: number } | null,
): Promise<{ numbers: InvoiceNumber[]; folded: { state: InvoiceNumbersState; complete: number } }> {
  const year = batch[0]!.request.year;
  const stream = invoiceNumberStream(year);
  const earliest = batch.reduce((a, b) => (b.request.afterSequence < a.request.afterSequence ? b : a));
  const complete = earliest.request.afterSequence;
  let state: InvoiceNumbersState;
  if (folded && folded.complete <= complete) {
    // numbers at or before every request's place cannot be any of theirs: not worth keeping
    state = { ...folded.state, byInvoice: Object.fromEntries(Object.entries(folded.state.byInvoice).filter(([, n]) => n.sequence > complete)) };
  } else {
    // what a request read is out of date once this run has numbered since: read the year again
    const known = folded ? null : earliest.known;
    state = foldNumbers(invoiceNumbersDecider.initialState(), known ?? (await readFrom(eventStore, stream, complete)));
  }
  for (let attempt = 1; ; attempt++) {
    let decided = state;
    const events: InvoiceNumberAssigned[] = [];
    const metadata: EventMetadata[] = [];
    const numbers = batch.map(({ invoice, request, context }) => {
      const taken = decided.byInvoice[invoice.invoiceId];
      if (taken) return { year, ...taken };
      const command = { type: 'AssignInvoiceNumber' as const, data: { year: request.year, invoiceId: invoice.invoiceId, accountId: invoice.accountId, period: invoice.period, assignedAt: invoice.at } };
      const [assigned] = invoiceNumbersDecider.decide(command, decided);
      events.push(assigned!);
      metadata.push(metadataOf(context));
      decided = invoiceNumbersDecider.evolve(decided, assigned!);
      const { sequence, number, assignedAt } = assigned!.data;
      return { year, sequence, number, assignedAt };
    });
    if (events.length === 0) return { numbers, folded: { state: decided, complete } };
    try {
      const appended = await eventStore.append(
        stream,
        events.map((event, i) => ({ eventId: randomUUID(), type: event.type, data: event.data, metadata: metadata[i]! })),
        { expectedRevision: state.lastSequence === 0 ? 'no_stream' : BigInt(state.lastSequence - 1) },
      );
      // One append numbers several requests' invoices: each answers the batch's last position.
      for (const waiting of batch) waiting.context.appended?.note(appended.position);
      return { numbers, folded: { state: decided, complete } };
    } catch (error) {
      if (!(error instanceof ConcurrencyError) || attempt >= MAX_ATTEMPTS) throw error;
      await sleep(Math.random() * Math.min(MAX_PAUSE_MS, 2 ** attempt));
      state = foldNumbers(state, await readFrom(eventStore, stream, state.lastSequence + 1));
    }
  }
}

const foldNumbers = (state: InvoiceNumbersState, events: readonly RecordedEvent[]) =>
  events.reduce((folded, event) => invoiceNumbersDecider.evolve(folded, { type: 'InvoiceNumberAssigned', data: assignedOf(event) }), state);

/**
 * The invoice's request, made now if it has none: its year, and the year's last number before
 * it (at most: `lastSeen`, the last number this run saw of the year, spares reading it; a place
 * before the last is only a longer fold for a retry). When this call made the request after
 * reading the year, `tail` is what it read (its last event, if any): the number the request
 * comes after, so nothing is to be read again.
 */
async function requestNumber(
  eventStore: EventStore,
  invoice: { invoiceId: string; accountId: string; period: string; year: number; at: string },
  context: CommandContext,
  lastSeen: number | undefined,
): Promise<{ request: InvoiceNumberRequested['data']; tail: RecordedEvent[] | null }> {
  const requestStream = invoiceNumberRequestStream(invoice.invoiceId);
  // Most invoices ask once: propose the request first, and read the one recorded only when refused.
  const [lastOfYear] = lastSeen === undefined ? await eventStore.readStream(invoiceNumberStream(invoice.year), { direction: 'backwards', maxCount: 1 }) : [];
  const data = {
    invoiceId: invoice.invoiceId,
    accountId: invoice.accountId,
    period: invoice.period,
    year: invoice.year,
    afterSequence: lastSeen ?? (lastOfYear ? assignedOf(lastOfYear).sequence : 0),
    requestedAt: invoice.at,
  };
  const [requested] = invoiceNumberRequestDecider.decide({ type: 'RequestInvoiceNumber', data }, invoiceNumberRequestDecider.initialState());
  try {
    const appended = await eventStore.append(requestStream, [{ eventId: randomUUID(), type: requested!.type, data: requested!.data, metadata: metadataOf(context) }], { expectedRevision: 'no_stream' });
    context.appended?.note(appended.position);
    return { request: data, tail: lastSeen !== undefined ? null : lastOfYear ? [lastOfYear] : [] };
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
