import { createHash, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { uuidV5 } from '../commands/usage-ingestion.ts';
import type { IdempotencyTables } from './idempotency-tables.ts';

export type IdempotencyClaim =
  /** the first try of this request: run it */
  | { kind: 'new' }
  /**
   * an earlier try of this very request failed on our side or died with the key (its lease
   * ran out): run it again; its ids derive from the key, so it finds what that try recorded
   */
  | { kind: 'resumed' }
  | { kind: 'replay'; status: number; body: unknown; headers: Record<string, string> }
  | { kind: 'in_progress' }
  | { kind: 'mismatch' };

export interface IdempotencyStore {
  /** how long a claimed key is the claimant's before a retry may take it over */
  readonly leaseMs: number;
  claim(principal: string, key: string, fingerprint: string): Promise<IdempotencyClaim>;
  /** extends the lease of a key still being worked on */
  renew(principal: string, key: string): Promise<void>;
  complete(principal: string, key: string, status: number, body: unknown, headers: Record<string, string>): Promise<void>;
  /**
   * A failure on our side (a 5xx): the key stays bound to its request (the same key on another
   * request is still refused), and its lease ends now, so the client's retry runs at once.
   */
  abandon(principal: string, key: string): Promise<void>;
}

export const requestFingerprint = (method: string, url: string, body: unknown) =>
  createHash('sha256').update(`${method} ${url}\n${JSON.stringify(body ?? null)}`).digest('hex');

const COMMAND_ID_NAMESPACE = '6f0c1d8e-4b7a-5e21-9c3d-8a2f7b61e0d4';

/**
 * Where a command's fresh ids come from. With an Idempotency-Key they derive from the
 * principal, the key and what the id is for, so a retry after a 5xx (or a crash) decides
 * with the ids the first try used and finds what it recorded instead of creating a second
 * thing. Without a key each id is random: such a request is not safe to repeat.
 */
export type NewId = (purpose: string) => string;

export function commandIds(principal: string, key: string | null): NewId {
  if (key === null) return () => randomUUID();
  return (purpose) => uuidV5(`${principal}\n${key}\n${purpose}`, COMMAND_ID_NAMESPACE);
}

/** Keys are per principal: two tenants may pick the same key without seeing each other's outcome. */
export function createIdempotencyStore(db: Kysely<IdempotencyTables>, now: () => Date, leaseMs = 60_000): IdempotencyStore {
  const leaseEnd = () => new Date(now().getTime() + leaseMs);
  return {
    leaseMs,
    async claim(principal, key, fingerprint) {
      const inserted = await db
        .insertInto('idempotency_keys')
        .values({ principal, idempotency_key: key, request_fingerprint: fingerprint, created_at: now(), leased_until: leaseEnd() })
        .onConflict((oc) => oc.columns(['principal', 'idempotency_key']).doNothing())
        .executeTakeFirst();
      if (inserted.numInsertedOrUpdatedRows === 1n) return { kind: 'new' };
      // The same request, left unfinished by a try whose lease is over (keys from before
      // leases existed have none): this retry takes it over.
      const taken = await db
        .updateTable('idempotency_keys')
        .set({ leased_until: leaseEnd() })
        .where('principal', '=', principal)
        .where('idempotency_key', '=', key)
        .where('request_fingerprint', '=', fingerprint)
        .where('status_code', 'is', null)
        .where((eb) => eb.or([eb('leased_until', 'is', null), eb('leased_until', '<=', now())]))
        .executeTakeFirst();
      if (taken.numUpdatedRows === 1n) return { kind: 'resumed' };
      const row = await db
        .selectFrom('idempotency_keys')
        .select(['request_fingerprint', 'status_code', 'response_body', 'response_headers'])
        .where('principal', '=', principal)
        .where('idempotency_key', '=', key)
        .executeTakeFirst();
      if (!row) return this.claim(principal, key, fingerprint);
      if (row.request_fingerprint !== fingerprint) return { kind: 'mismatch' };
      if (row.status_code === null) return { kind: 'in_progress' };
      return { kind: 'replay', status: row.status_code, body: row.response_body, headers: (row.response_headers ?? {}) as Record<string, string> };
    },
    async renew(principal, key) {
      await db
        .updateTable('idempotency_keys')
        .set({ leased_until: leaseEnd() })
        .where('principal', '=', principal)
        .where('idempotency_key', '=', key)
        .where('status_code', 'is', null)
        .execute();
    },
    async complete(principal, key, status, body, headers) {
      await db
        .updateTable('idempotency_keys')
        .set({ status_code: status, response_body: JSON.stringify(body ?? null), response_headers: JSON.stringify(headers), leased_until: null })
        .where('principal', '=', principal)
        .where('idempotency_key', '=', key)
        .execute();
    },
    async abandon(principal, key) {
      await db
        .updateTable('idempotency_keys')
        .set({ leased_until: now() })
        .where('principal', '=', principal)
        .where('idempotency_key', '=', key)
        .where('status_code', 'is', null)
        .execute();
    },
  };
}
