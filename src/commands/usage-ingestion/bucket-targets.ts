import { LRUCache } from 'lru-cache';
import pMap from 'p-map';
import { accountDecider } from '../../domain/account/account-decider.ts';
import { accountStream } from '../../domain/account/account-streams.ts';
import { bucketDecider } from '../../domain/bucket/bucket-decider.ts';
import { BUCKET_NAME_CATEGORY, bucketStream } from '../../domain/bucket/bucket-streams.ts';
import type { FieldIssue } from '../../domain/errors.ts';
import type { NameReservationEvent } from '../../domain/name-reservation/name-reservation.ts';
import { parseInstant } from '../../domain/rating/instant.ts';
import type { BucketReference } from '../../domain/usage/usage-samples.ts';
import type { EventStore } from '../../ports/event-store.ts';
import { loadAggregate } from '../command-handler.ts';

/** Where a sample goes: its bucket, that bucket's account and the account's time zone. */
export interface Target {
  bucketId: string;
  accountId: string;
  timeZone: string;
}

interface Holding {
  bucketId: string;
  fromMs: number;
  /** null while the name is held */
  toMs: number | null;
}

interface NameHistory {
  holdings: Holding[];
  /** the request instant at which the name's stream was read */
  readAtMs: number;
}

/**
 * A name's holdings read at T describe every instant up to T, less this much: a release
 * stamped just before T by another process may commit just after the read.
 */
const NAME_HISTORY_MARGIN_MS = 60_000;
/**
 * How long an instant outside every holding (dated before the bucket existed: a backfill, a
 * collector's clock) keeps going to the holder found at the read, before the name is read
 * again: that answer depends on who holds the name now.
 */
const FALLBACK_FRESH_MS = 60_000;

/**
 * Resolves bucket names to targets. A bucket name names, at a sample's instant, the bucket
 * that held it then (names are freed when a bucket is deleted and may be taken again). An
 * instant outside every holding (clock skew, history loaded later) goes to the bucket
 * holding the name now, or, if it is free, to the last one that held it (late usage of a
 * deleted bucket).
 *
 * What never changes once known is kept: a bucket's account, an account's time zone, and a
 * name's holdings for instants older than when they were read, so a backfill of a month
 * does not re-read 2,000 name streams per batch. An instant newer than that reads the
 * name's stream again, and so does one outside every holding once the read is a minute old.
 */
export function createBucketTargets(eventStore: EventStore, options: { concurrency: number }) {
  const names = new LRUCache<string, NameHistory>({ max: 100_000 });
  const bucketAccounts = new LRUCache<string, string>({ max: 100_000 });
  const accountZones = new LRUCache<string, string>({ max: 100_000 });
  const { concurrency } = options;

  // Loops, not find/some with closures: this runs for every distinct bucket of every batch.
  const known = (history: NameHistory | undefined, ms: number, nowMs: number): string | null => {
    if (!history) return null;
    const settled = history.readAtMs - NAME_HISTORY_MARGIN_MS;
    let inAnyHolding = false;
    for (const h of history.holdings) {
      if (h.fromMs > ms) continue;
      if (h.toMs === null ? ms < settled : ms < h.toMs) return h.bucketId;
      if (h.toMs === null || ms < h.toMs) inAnyHolding = true;
    }
    const outside = ms < settled && !inAnyHolding;
    return outside && nowMs - history.readAtMs <= FALLBACK_FRESH_MS ? fallbackHolder(history.holdings) : null;
  };

  async function resolve(references: readonly BucketReference[], nowMs: number, issues: FieldIssue[]): Promise<Map<number, Target>> {
    // A batch names each bucket many times (a storage sample and a traffic window an hour):
    // every cache is asked once per name, and each bucket's target is one shared object.
    const byName = new Map<string, BucketReference[]>();
    for (const ref of references) {
      const refs = byName.get(ref.bucket);
      if (refs) refs.push(ref);
      else byName.set(ref.bucket, [ref]);
    }
    const stale: string[] = [];
    for (const [name, refs] of byName) {
      const history = names.get(name);
      if (refs.some((r) => known(history, r.instantMs, nowMs) === null)) stale.push(name);
    }
    await pMap(
      stale,
      async (name) => {
        const events = (await eventStore.readStream(`${BUCKET_NAME_CATEGORY}-${name}`)) as unknown as NameReservationEvent[];
        names.set(name, { holdings: holdingsOf(events), readAtMs: nowMs });
      },
      { concurrency },
    );
    const bucketOf = new Map<number, string>();
    for (const [name, refs] of byName) {
      const history = names.get(name)!;
      for (const ref of refs) {
        const bucketId = known(history, ref.instantMs, nowMs) ?? fallbackHolder(history.holdings);
        if (bucketId) bucketOf.set(ref.index, bucketId);
      }
    }
    const distinctBuckets = new Set(bucketOf.values());
    const bucketIds = [...distinctBuckets].filter((id) => !bucketAccounts.has(id));
    await pMap(
      bucketIds,
      async (bucketId) => {
        const { state } = await loadAggregate(eventStore, bucketDecider, bucketStream(bucketId));
        if (state.status !== 'none') bucketAccounts.set(bucketId, state.accountId);
      },
      { concurrency },
    );
    const accountIds = [...new Set([...distinctBuckets].map((id) => bucketAccounts.get(id)).filter((id) => id !== undefined))].filter((id) => !accountZones.has(id));
    await pMap(
      accountIds,
      async (accountId) => {
        const { state } = await loadAggregate(eventStore, accountDecider, accountStream(accountId));
        if (state.status !== 'none') accountZones.set(accountId, state.timeZone);
      },
      { concurrency },
    );
    const targetOf = new Map<string, Target | null>();
    for (const bucketId of distinctBuckets) {
      const accountId = bucketAccounts.get(bucketId);
      const timeZone = accountId === undefined ? undefined : accountZones.get(accountId);
      targetOf.set(bucketId, accountId === undefined || timeZone === undefined ? null : { bucketId, accountId, timeZone });
    }
    const targets = new Map<number, Target>();
    for (const ref of references) {
      const bucketId = bucketOf.get(ref.index);
      const target = bucketId === undefined ? null : targetOf.get(bucketId)!;
      if (target === null) issues.push({ path: `samples[${ref.index}].bucket`, message: 'no such bucket' });
      else targets.set(ref.index, target);
    }
    return targets;
  }

  return { resolve };
}

function holdingsOf(events: readonly NameReservationEvent[]): Holding[] {
  const holdings: Holding[] = [];
  for (const event of events) {
    if (event.type === 'NameReserved') holdings.push({ bucketId: event.data.holderId, fromMs: parseInstant(event.data.reservedAt) ?? 0, toMs: null });
    else if (event.type === 'NameReleased') {
      const last = holdings[holdings.length - 1];
      if (last && last.toMs === null) last.toMs = parseInstant(event.data.releasedAt) ?? 0;
    }
  }
  return holdings;
}

/** Outside every holding: the bucket holding the name now, or the last one that held it. */
function fallbackHolder(holdings: readonly Holding[]): string | null {
  const last = holdings[holdings.length - 1];
  return last ? last.bucketId : null;
}
