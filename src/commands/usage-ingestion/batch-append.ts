import type { CounterRead } from '../../domain/usage/usage-events.ts';
import { evolveCounterLedger, recordInLedger, type LedgerCandidate, type SampleConflict, type SampleLedger } from '../../domain/usage/usage-ledger.ts';
import type { EventStore, RecordedEvent } from '../../ports/event-store.ts';
import type { CommandContext } from '../command-handler.ts';
import type { BatchPlan, ReadingCandidate, StreamPlan, UsageCandidate } from './batch-plan.ts';
import type { LedgerCache } from './ledger-cache.ts';

/** What one request has recorded so far, over all its attempts. */
export interface Tally {
  /** batch indices of the samples this request recorded (a usage event, or a counter reading) */
  own: Set<number>;
  /** ids of the usage events this request wrote: counted once, whichever attempt saw them land */
  recorded: Set<string>;
  /** keys whose event id the store held outside the stream they belong to */
  usedElsewhere: Map<string, SampleConflict>;
}

type AnyStreamPlan = StreamPlan<ReadingCandidate, SampleLedger> | StreamPlan<UsageCandidate, SampleLedger>;

const isUsage = (candidate: LedgerCandidate): candidate is UsageCandidate => 'derived' in candidate;

export function planStreams(plan: BatchPlan): AnyStreamPlan[] {
  // One order for every writer: two appends that lock the same streams never wait on each other in a circle.
  return [...plan.counters, ...plan.usage].sort((a, b) => (a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : 0));
}

/**
 * Appends the whole plan in one call (one round trip on PostgreSQL, all streams or none).
 * True when every event was written. When the store already held some of the ids (another
 * request wrote the same samples, or a key belongs to another stream), the streams
 * concerned are caught up, what this request wrote is tallied, keys found nowhere in their
 * stream are marked as used elsewhere, and false is returned: the batch is decided again.
 */
export async function appendPlan(eventStore: EventStore, ledgers: LedgerCache, plan: BatchPlan, context: CommandContext, tally: Tally): Promise<boolean> {
  const { causationId } = context;
  const streams = planStreams(plan);
  if (streams.length === 0) return true;
  const results = await eventStore.appendMany(streams.map((s) => ({ streamName: s.stream, events: s.events, expectedRevision: s.expectedRevision ?? 'no_stream' })));
  // Only events this request wrote have a position here (ids already stored are not written again).
  for (const result of results) context.appended?.note(result.position);
  let complete = true;
  for (const [i, planned] of streams.entries()) {
    const result = results[i]!;
    if (result.appended === planned.events.length) {
      written(planned, result.nextRevision, tally);
      ledgers.grown(planned.stream, planned.ledger);
      continue;
    }
    complete = false;
    const tail = await ledgers.catchUp(planned.stream, planned.ledger);
    const landed = tallyOwn(planned, tail, causationId, tally);
    planned.candidates.forEach((candidate, k) => {
      // Not in the stream although the ledger knew the stream up to the expected revision:
      // the store holds the id elsewhere.
      if (!landed.has(planned.events[k]!.eventId)) tally.usedElsewhere.set(candidate.sampleKey, { index: candidate.index, sampleKey: candidate.sampleKey });
    });
  }
  return complete;
}

/**
 * After a failed append: catches up the given streams' ledgers and tallies what this
 * request wrote there (a store that is not atomic may have written some streams).
 */
export async function reconcile(ledgers: LedgerCache, streams: readonly AnyStreamPlan[], causationId: string, tally: Tally): Promise<void> {
  for (const planned of streams) tallyOwn(planned, await ledgers.catchUp(planned.stream, planned.ledger), causationId, tally);
}

function written(planned: AnyStreamPlan, nextRevision: bigint, tally: Tally): void {
  const candidates: LedgerCandidate[] = planned.candidates;
  // A writer that stopped waiting for its turn (StreamLocks) may have caught this ledger up
  // past these events already: apply them once.
  const known = planned.ledger.revision !== null && planned.ledger.revision >= nextRevision;
  if (candidates.length > 0 && !isUsage(candidates[0]!)) {
    let revision = nextRevision - BigInt(planned.events.length);
    if (!known) for (const event of planned.events) evolveCounterLedger(planned.ledger as Parameters<typeof evolveCounterLedger>[0], event.data as CounterRead['data'], ++revision);
    for (const c of candidates) tally.own.add(c.index);
    return;
  }
  if (!known) recordInLedger(planned.ledger, candidates, nextRevision);
  for (const c of candidates as UsageCandidate[]) {
    if (!c.derived) tally.own.add(c.index);
    tally.recorded.add(c.eventId);
  }
}

/** The planned event ids found in `tail`; those this request wrote are tallied. */
function tallyOwn(planned: AnyStreamPlan, tail: readonly RecordedEvent[], causationId: string, tally: Tally): Set<string> {
  const byId = new Map(tail.map((e) => [e.eventId, e]));
  const landed = new Set<string>();
  planned.candidates.forEach((candidate: LedgerCandidate, k) => {
    const eventId = planned.events[k]!.eventId;
    const event = byId.get(eventId);
    if (!event) return;
    landed.add(eventId);
    if (event.metadata.causationId !== causationId) return;
    if (!isUsage(candidate)) tally.own.add(candidate.index);
    else {
      if (!candidate.derived) tally.own.add(candidate.index);
      tally.recorded.add(eventId);
    }
  });
  return landed;
}
