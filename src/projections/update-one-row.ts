import { sql, type Transaction, type UpdateObject } from 'kysely';

/**
 * Updates the row of `table` whose columns equal `key` (e.g. `{ bucket_id: bucketId }`). For an
 * event about a row an earlier event created: if no row is found the log and the read model
 * disagree, so it stops loudly, naming `what`.
 */
export async function updateOneRow<DB, T extends keyof DB & string>(
  trx: Transaction<DB>,
  table: T,
  key: Partial<Record<keyof DB[T] & string, string>>,
  values: UpdateObject<DB, T>,
  what: string,
): Promise<void> {
  // Checked by the signature; written as SQL because kysely's builder cannot follow a table
  // that is a type parameter. Undefined values are left out, as the builder's `set` does.
  const column = ([name, value]: [string, unknown]) => sql`${sql.ref(name)} = ${value}`;
  const assignments = Object.entries(values).filter(([, value]) => value !== undefined).map(column);
  const conditions = Object.entries(key).map(column);
  const { numAffectedRows } = await sql`UPDATE ${sql.table(table)} SET ${sql.join(assignments)} WHERE ${sql.join(conditions, sql` AND `)}`.execute(trx);
  if (!numAffectedRows) throw new Error(`${what} is not in the read model`);
}
