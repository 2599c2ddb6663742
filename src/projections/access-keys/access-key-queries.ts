import type { Kysely } from 'kysely';
import type { AccessKeysTable, AccessKeyTables } from './access-key-tables.ts';

export interface AccessKeysPage {
  /** active and expired are told apart at `now`: an active key past its expiry is expired */
  status?: 'active' | 'revoked' | 'expired';
  now: string;
  /** after this (issued_at, key_id), newest first */
  after?: readonly [string, string];
  limit: number;
}

/** A page of the account's access keys, newest first. */
export function accessKeysPage(db: Kysely<AccessKeyTables>, accountId: string, page: AccessKeysPage): Promise<AccessKeysTable[]> {
  const { now, after } = page;
  let q = db.selectFrom('access_keys').selectAll().where('account_id', '=', accountId);
  if (page.status === 'revoked') q = q.where('status', '=', 'revoked');
  if (page.status === 'active') q = q.where('status', '=', 'active').where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]));
  if (page.status === 'expired') q = q.where('status', '=', 'active').where('expires_at', '<=', now);
  if (after) q = q.where((eb) => eb(eb.refTuple('issued_at', 'key_id'), '<', eb.tuple(after[0], after[1])));
  return q.orderBy('issued_at', 'desc').orderBy('key_id', 'desc').limit(page.limit).execute();
}

/** The ids of every key the account has had, revoked and expired ones too. */
export async function accountKeyIds(db: Kysely<AccessKeyTables>, accountId: string): Promise<string[]> {
  const rows = await db.selectFrom('access_keys').select('key_id').where('account_id', '=', accountId).execute();
  return rows.map((r) => r.key_id);
}

/** The key only if it is this account's. */
export function findAccessKey(db: Kysely<AccessKeyTables>, accountId: string, keyId: string): Promise<AccessKeysTable | undefined> {
  return db.selectFrom('access_keys').selectAll().where('key_id', '=', keyId).where('account_id', '=', accountId).executeTakeFirst();
}

/** The active keys expiring in (from, until]: what the key-expiry job notices, soonest first. */
export async function activeKeysExpiringBetween(db: Kysely<AccessKeyTables>, from: string, until: string): Promise<string[]> {
  const rows = await db.selectFrom('access_keys').select('key_id').where('status', '=', 'active').where('expires_at', '>', from).where('expires_at', '<=', until).orderBy('expires_at').execute();
  return rows.map((row) => row.key_id);
}
