import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { ReadModelDatabase } from '../projections/read-model-database.ts';

export type IdempotencyClaim =
  | { kind: 'new' }
  | { kind: 'replay'; status: number; body: unknown }
  | { kind: 'in_progress' }
  | { kind: 'mismatch' };

export interface IdempotencyStore {
  claim(principal: string, key: string, fingerprint: string): Promise<IdempotencyClaim>;
  complete(principal: string, key: string, status: number, body: unknown): Promise<void>;
  release(principal: string, key: string): Promise<void>;
}

export const requestFingerprint = (method: string, url: string, body: unknown) =>
  createHash('sha256').update(`${method} ${url}\n${JSON.stringify(body ?? null)}`).digest('hex');

/** Keys are per principal: two tenants may pick the same key without seeing each other's outcome. */
export function createIdempotencyStore(db: Kysely<ReadModelDatabase>, now: () => Date): IdempotencyStore {
  return {
    async claim(principal, key, fingerprint) {
      const inserted = await db
        .insertInto('idempotency_keys')
        .values({ principal, idempotency_key: key, request_fingerprint: fingerprint, created_at: now() })
        .onConflict((oc) => oc.columns(['principal', 'idempotency_key']).doNothing())
        .executeTakeFirst();
      if (inserted.numInsertedOrUpdatedRows === 1n) return { kind: 'new' };
      const row = await db
        .selectFrom('idempotency_keys')
        .select(['request_fingerprint', 'status_code', 'response_body'])
        .where('principal', '=', principal)
        .where('idempotency_key', '=', key)
        .executeTakeFirst();
      if (!row) return this.claim(principal, key, fingerprint);
      if (row.request_fingerprint !== fingerprint) return { kind: 'mismatch' };
      if (row.status_code === null) return { kind: 'in_progress' };
      return { kind: 'replay', status: row.status_code, body: row.response_body };
    },
    async complete(principal, key, status, body) {
      await db
        .updateTable('idempotency_keys')
        .set({ status_code: status, response_body: JSON.stringify(body ?? null) })
        .where('principal', '=', principal)
        .where('idempotency_key', '=', key)
        .execute();
    },
    async release(principal, key) {
      await db.deleteFrom('idempotency_keys').where('principal', '=', principal).where('idempotency_key', '=', key).execute();
    },
  };
}
