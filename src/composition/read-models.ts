import type { Kysely } from 'kysely';

/**
 * Binds queries `query(db, ...args)` to the process's database: `bind(findBucket)(accountId, bucketId)`.
 * Each query names only the tables it reads; the database given here has them all.
 */
export function queriesOn<DB>(database: Kysely<DB>) {
  return <A extends unknown[], R>(query: (db: Kysely<DB>, ...args: A) => R) =>
    (...args: A): R =>
      query(database, ...args);
}
