import { createHash, timingSafeEqual } from 'node:crypto';
import type { Role } from '../domain/access/permissions.ts';
import type { EventStore, EventTypeFilter } from '../ports/event-store.ts';
import { authenticateToken, type MemberRoleLookup, type Principal } from './api-token-commands.ts';
import { createStreamChangeFeed } from './stream-change-feed.ts';

/**
 * Token authentication without a store round trip per request.
 *
 * Reading the token's stream (and, for a member's token, the account's whole stream) on every
 * request capped the read API at about 200 requests/s. What a request needs of those streams is
 * cached here, and the log keeps the cache current:
 *
 * - an append made by this process to a token's or an account's stream forgets that stream's
 *   entry before the append returns (`forgetStream`, wired to the store in main.ts), so the
 *   request that revokes a token, removes a member or closes an account has taken effect
 *   before its answer is sent: the very next request reads the stream again and is refused;
 * - appends made by other processes (ops revoke-token, another service instance) arrive through
 *   a subscription to the log, filtered to token and account events, and forget the same way.
 *
 * The cache answers only while that subscription has caught up with the log: before, and after
 * it fails (until it has caught up again), every request reads the streams as it always did.
 * A read that raced with a forget is not cached (the generation check), so an entry never
 * holds what the stream said before its last change.
 */

const TOKEN_EVENT_TYPES = ['ApiTokenIssued', 'ApiTokenRevoked'];
/** Every account event that changes who its members are, their roles, or whether the account is open. */
const ACCOUNT_EVENT_TYPES = ['AccountOpened', 'InvitationAccepted', 'MemberRemoved', 'MemberRoleChanged', 'OwnershipTransferred', 'AccountClosed', 'AccountReactivated', 'AccountSuspended'];
const FILTER: EventTypeFilter = { only: [...TOKEN_EVENT_TYPES, ...ACCOUNT_EVENT_TYPES] };

/** Tokens and accounts kept at most; the oldest entry goes first. */
const MAX_ENTRIES = 10_000;

export interface TokenAuthenticator {
  authenticate(presented: string): Promise<Principal | null>;
  /** Forgets what the cache holds from this stream (a token's or an account's); other streams are ignored. */
  forgetStream(streamName: string): void;
  /** Follows the log until the signal aborts; the cache answers only while it is caught up. */
  follow(signal: AbortSignal): Promise<void>;
  /** whether the cache currently answers (for tests and status) */
  readonly live: boolean;
}

class BoundedMap<V> extends Map<string, V> {
  override set(key: string, value: V): this {
    this.delete(key);
    super.set(key, value);
    if (this.size > MAX_ENTRIES) this.delete(this.keys().next().value!);
    return this;
  }
}

export function createTokenAuthenticator(eventStore: EventStore, memberRole: MemberRoleLookup): TokenAuthenticator {
  /** token id → the principal its stream gave (active tokens only: refused ones are never cached) */
  const principals = new BoundedMap<Principal & { digest: string }>();
  /** `accountId memberId` → the member's role (null: not a member, or the account is closed) */
  const roles = new BoundedMap<Role | null>();
  let generation = 0;
  // other processes' appends, and whether the cache may answer: the same log-following the other caches use
  const feed = createStreamChangeFeed(eventStore, FILTER);

  const forget = (streamName: string) => {
    if (streamName.startsWith('apitoken-')) {
      generation++;
      principals.delete(streamName.slice('apitoken-'.length));
    } else if (streamName.startsWith('account-')) {
      generation++;
      const prefix = `${streamName.slice('account-'.length)} `;
      for (const key of roles.keys()) if (key.startsWith(prefix)) roles.delete(key);
    }
  };

  feed.onChange((streamName) => {
    if (streamName !== null) return forget(streamName);
    // the feed stopped following the log: nothing kept may be trusted
    generation++;
    principals.clear();
    roles.clear();
  });

  const cachedRole: MemberRoleLookup = async (accountId, memberId) => {
    const key = `${accountId} ${memberId}`;
    if (feed.live && roles.has(key)) return roles.get(key)!;
    const before = generation;
    const role = await memberRole(accountId, memberId);
    if (feed.live && generation === before) roles.set(key, role);
    return role;
  };

  return {
    get live() {
      return feed.live;
    },
    forgetStream: forget,

    async authenticate(presented) {
      const tokenId = /^cpl_([0-9a-f]{32})_/.exec(presented)?.[1];
      const cached = tokenId === undefined || !feed.live ? undefined : principals.get(tokenId);
      if (cached) {
        // the secret is still checked on every request, in constant time, by its digest
        if (!digestMatches(presented, cached.digest)) return null;
        if (cached.scope.kind !== 'member') return stripDigest(cached);
        const role = await cachedRole(cached.scope.accountId, cached.scope.memberId);
        return role ? { ...stripDigest(cached), role } : null;
      }
      const before = generation;
      const principal = await authenticateToken(eventStore, cachedRole, presented);
      if (principal && tokenId !== undefined && feed.live && generation === before) principals.set(tokenId, { ...principal, digest: digestOf(presented) });
      return principal;
    },

    follow: (signal) => feed.follow(signal),
  };
}

function stripDigest(cached: Principal & { digest: string }): Principal {
  const { digest: _digest, ...principal } = cached;
  return principal;
}

function digestOf(presented: string): string {
  return createHash('sha256').update(presented).digest('hex');
}

function digestMatches(presented: string, expected: string): boolean {
  const actual = Buffer.from(digestOf(presented), 'hex');
  const wanted = Buffer.from(expected, 'hex');
  return actual.length === wanted.length && timingSafeEqual(actual, wanted);
}

/**
 * The store, with every append to a stream reported once it has returned (or failed): how
 * this process's own revocations reach the cache before their answer is sent.
 */
export function reportingAppends(eventStore: EventStore, appended: (streamName: string) => void): EventStore {
  return new Proxy(eventStore, {
    get(target, property, receiver) {
      if (property === 'append') {
        return async (...args: Parameters<EventStore['append']>) => {
          try {
            return await target.append(...args);
          } finally {
            appended(args[0]);
          }
        };
      }
      if (property === 'appendMany') {
        return async (...args: Parameters<EventStore['appendMany']>) => {
          try {
            return await target.appendMany(...args);
          } finally {
            for (const append of args[0]) appended(append.streamName);
          }
        };
      }
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
