import { LRUCache } from 'lru-cache';
import { accountDecider } from '../domain/account/account-decider.ts';
import { ACCOUNT_EVENT_TYPES } from '../domain/account/account-events.ts';
import { accountStream } from '../domain/account/account-streams.ts';
import type { BucketDeleted } from '../domain/bucket/bucket-events.ts';
import type { PlanVersionPublished } from '../domain/pricebook/pricebook-events.ts';
import type { SubscriptionChanged } from '../domain/subscription/subscription-events.ts';
import type { Currency } from '../domain/rating/index.ts';
import type { EventStore } from '../ports/event-store.ts';
import { loadAggregate } from './command-handler.ts';
import { periodStorage, type PeriodStorage, type RatingPlan, type RatingPlanLoader } from './invoice-inputs.ts';
import type { StreamChangeFeed } from './stream-change-feed.ts';
import type { PeriodFold, UsageSoFarSources } from './usage-so-far.ts';

/**
 * What GET …/usage reads besides the period's own usage, kept between requests: the account's
 * zone and currency, its plan for the period, and the storage carried in from earlier periods
 * with the deletions (24 earlier usage streams and the buckets' streams). Without them each
 * request took ten round trips; with them it takes two (the usage-totals rows and the stream's
 * tail).
 *
 * Each is kept only while the change feed is live and forgotten when a stream it was read
 * from changes: this process's appends before they return, other processes' through the log.
 * Carried-in storage is also keyed by the revisions of the earlier periods' usage streams that
 * the usage-totals read model has applied, read with every request: late usage of an earlier
 * period appended by another process counts as soon as the read model has it, without following
 * every usage sample through the log here.
 *
 * The period's own fold is kept by revision: the next request reads only what came after it.
 */
export interface UsageSoFarInputs {
  /** the account's zone and currency; null when there is no such account */
  account(accountId: string): Promise<{ timeZone: string; currency: Currency } | null>;
  ratingPlan: RatingPlanLoader;
  /** for usageSoFar */
  sources: UsageSoFarSources;
}

/** The events (of other processes) that change what is kept: the account's zone, currency and status, its plan, deletions. */
export const USAGE_SO_FAR_INPUT_EVENTS: readonly string[] = [
  ...ACCOUNT_EVENT_TYPES,
  'SubscriptionChanged' satisfies SubscriptionChanged['type'],
  'PlanVersionPublished' satisfies PlanVersionPublished['type'],
  'BucketDeleted' satisfies BucketDeleted['type'],
];

/** Accounts whose inputs are kept at most; the least recently read go first. */
const MAX_ACCOUNTS = 10_000;

const STREAM = /^(account|subscription|pricebook|bucket|usage)-(.*)$/;

interface KeptStorage {
  buckets: string;
  earlierRevisions: string;
  held: PeriodStorage;
  /** the buckets whose streams it was read from, that matter to it */
  involved: readonly string[];
}

interface Reading {
  accountId: string;
  kind: 'account' | 'plan' | 'storage';
  period?: string;
  changed: boolean;
}

export function createUsageSoFarInputs(deps: {
  eventStore: EventStore;
  /** the usage-totals read model, as usageSoFar reads it */
  usageTotals: UsageSoFarSources['usageTotals'];
  earlierUsageRevisions: UsageSoFarSources['earlierUsageRevisions'];
  loadRatingPlan: RatingPlanLoader;
  /** absent: nothing but the period's fold is kept */
  changes?: StreamChangeFeed;
}): UsageSoFarInputs {
  const { eventStore, changes } = deps;
  const accounts = new LRUCache<string, { timeZone: string; currency: Currency }>({ max: MAX_ACCOUNTS });
  /** accountId → `period zone` → plan */
  const plans = new LRUCache<string, Map<string, RatingPlan | null>>({ max: MAX_ACCOUNTS });
  /** bucketId → accounts whose kept storage read that bucket's stream */
  const storageByBucket = new Map<string, Set<string>>();
  /** accountId → `period zone` → storage, with what it was read for */
  const storage = new LRUCache<string, Map<string, KeptStorage>>({
    max: MAX_ACCOUNTS,
    dispose: (kept, accountId) => {
      for (const entry of kept.values()) for (const bucketId of entry.involved) unindex(bucketId, accountId);
    },
  });
  const unindex = (bucketId: string, accountId: string) => {
    const owners = storageByBucket.get(bucketId);
    owners?.delete(accountId);
    if (owners?.size === 0) storageByBucket.delete(bucketId);
  };
  const folds = new LRUCache<string, PeriodFold>({ max: MAX_ACCOUNTS });

  /** Reads in flight, by account: a change reported meanwhile marks those it concerns, and what they read is not kept. */
  const reading = new Map<string, Set<Reading>>();
  const mark = (accountId: string | null, concerns: (r: Reading) => boolean) => {
    for (const reads of accountId === null ? reading.values() : [reading.get(accountId) ?? []]) for (const r of reads) if (concerns(r)) r.changed = true;
  };

  changes?.onChange((streamName) => {
    const [, category, id] = (streamName === null ? null : STREAM.exec(streamName)) ?? [];
    if (streamName === null) {
      accounts.clear();
      plans.clear();
      storage.clear();
      mark(null, () => true);
    } else if (category === 'account') {
      accounts.delete(id!);
      mark(id!, (r) => r.kind === 'account');
    } else if (category === 'subscription') {
      plans.delete(id!);
      mark(id!, (r) => r.kind === 'plan');
    } else if (category === 'pricebook') {
      // a new plan version can be in force in any account's period
      plans.clear();
      mark(null, (r) => r.kind === 'plan');
    } else if (category === 'bucket') {
      for (const accountId of [...(storageByBucket.get(id!) ?? [])]) storage.delete(accountId);
      mark(null, (r) => r.kind === 'storage');
    } else if (category === 'usage') {
      // late usage of a period changes what the periods after it carry in, and only those
      const at = id!.lastIndexOf(':');
      const [accountId, period] = [id!.slice(0, at), id!.slice(at + 1)];
      const kept = storage.get(accountId);
      if (kept) {
        for (const key of [...kept.keys()]) if (key.slice(0, 7) > period) kept.delete(key);
        storage.set(accountId, kept);
      }
      mark(accountId, (r) => r.kind === 'storage' && r.period! > period);
    }
  });

  /** Reads, and keeps what it read when no change that concerns it was reported meanwhile. */
  async function kept<T>(reading_: Omit<Reading, 'changed'>, cached: () => T | undefined, read: () => Promise<T>, keep: (value: T) => void): Promise<T> {
    if (changes?.live) {
      const value = cached();
      if (value !== undefined) return value;
    }
    const inFlight: Reading = { ...reading_, changed: false };
    const reads = reading.get(inFlight.accountId) ?? new Set<Reading>();
    reading.set(inFlight.accountId, reads.add(inFlight));
    try {
      const value = await read();
      if (changes?.live && !inFlight.changed) keep(value);
      return value;
    } finally {
      reads.delete(inFlight);
      if (reads.size === 0) reading.delete(inFlight.accountId);
    }
  }

  return {
    account: (accountId) =>
      kept(
        { accountId, kind: 'account' },
        () => accounts.get(accountId),
        async () => {
          const { state } = await loadAggregate(eventStore, accountDecider, accountStream(accountId));
          return state.status === 'none' ? null : { timeZone: state.timeZone, currency: state.currency };
        },
        (basics) => basics && accounts.set(accountId, basics),
      ),

    ratingPlan: (accountId, period, timeZone) =>
      kept(
        { accountId, kind: 'plan', period },
        () => plans.get(accountId)?.get(`${period} ${timeZone}`),
        () => deps.loadRatingPlan(accountId, period, timeZone),
        (plan) => {
          const forAccount = plans.get(accountId) ?? new Map<string, RatingPlan | null>();
          forAccount.set(`${period} ${timeZone}`, plan);
          plans.set(accountId, forAccount);
        },
      ),

    sources: {
      eventStore,
      usageTotals: deps.usageTotals,
      earlierUsageRevisions: deps.earlierUsageRevisions,
      folds,
      periodStorage: async (accountId, period, timeZone, buckets, earlierRevisions) => {
        const key = `${period} ${timeZone}`;
        const bucketsKey = buckets.join(' ');
        return kept(
          { accountId, kind: 'storage', period },
          () => {
            const entry = storage.get(accountId)?.get(key);
            return entry && entry.buckets === bucketsKey && entry.earlierRevisions === earlierRevisions ? entry.held : undefined;
          },
          () => periodStorage(eventStore, accountId, period, timeZone, { storage: buckets.map((bucket) => ({ bucket, bytes: '0', at: '' })) }),
          (held) => {
            const involved = [...new Set([...buckets, ...Object.keys(held.carriedIn), ...held.deletions.map((d) => d.bucket)])];
            const forAccount = storage.get(accountId) ?? new Map<string, KeptStorage>();
            forAccount.set(key, { buckets: bucketsKey, earlierRevisions, held, involved });
            storage.set(accountId, forAccount);
            for (const bucketId of involved) {
              const owners = storageByBucket.get(bucketId) ?? new Set<string>();
              owners.add(accountId);
              storageByBucket.set(bucketId, owners);
            }
          },
        );
      },
    },
  };
}
