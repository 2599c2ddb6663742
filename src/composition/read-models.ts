import type { Kysely } from 'kysely';
import type { ReadModelDatabase } from '../projections/read-model-database.ts';

/** Binds read-model queries `query(db, ...args)` to the process's database: `bind(findBucket)(accountId, bucketId)`. */
export function queriesOn(readModels: Kysely<ReadModelDatabase>) {
  return <A extends unknown[], R>(query: (db: Kysely<ReadModelDatabase>, ...args: A) => R) =>
    (...args: A): R =>
      query(readModels, ...args);
}
