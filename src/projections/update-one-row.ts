import type { Transaction, UpdateObject } from 'kysely';
import type { ReadModelDatabase } from './read-model-database.ts';

type Table = keyof ReadModelDatabase & string;

/**
 * Updates the row of `table` whose columns equal `key` (e.g. `{ bucket_id: bucketId }`). For an
 * event about a row an earlier event created: if no row is found the log and the read model
 * disagree, so it stops loudly, naming `what`.
 */
export async function updateOneRow<T extends Table>(
  trx: Transaction<ReadModelDatabase>,
  table: T,
  key: Partial<Record<keyof ReadModelDatabase[T] & string, string>>,
  values: UpdateObject<ReadModelDatabase, T>,
  what: string,
): Promise<void> {
  // Checked by the signature; kysely cannot follow a table that is a type parameter.
  const untyped = trx as unknown as Transaction<Record<string, Record<string, unknown>>>;
  let update = untyped.updateTable(table as string).set(values as Record<string, unknown>);
  for (const [column, value] of Object.entries(key)) update = update.where(column, '=', value);
  const { numUpdatedRows } = await update.executeTakeFirst();
  if (numUpdatedRows === 0n) throw new Error(`${what} is not in the read model`);
}
