import type { Expression, ExpressionBuilder, ReferenceExpression, SqlBool } from 'kysely';
import { z } from 'zod';
import { ValidationError } from '../domain/errors.ts';

/**
 * Cursor pagination: the cursor is the sort key of the last row served, opaque to clients
 * (base64url JSON). Keyset, not offset, so pages stay correct while rows are added.
 */
export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50).describe('rows per page, 1 to 200'),
  cursor: z.string().max(500).optional().describe('nextCursor of the previous page'),
});

export const encodeCursor = (key: readonly (string | number)[]) => Buffer.from(JSON.stringify(key)).toString('base64url');

/** The decoded sort key, or null for the first page; a cursor that is not one of ours is bad input. */
export function decodeCursor(cursor: string | undefined, arity: number): (string | number)[] | null {
  if (cursor === undefined) return null;
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(key) && key.length === arity && key.every((k) => typeof k === 'string' || typeof k === 'number')) return key;
  } catch {
    // fall through
  }
  throw new ValidationError([{ path: 'query.cursor', message: 'not a cursor this list handed out' }]);
}

/**
 * A cursor of `[timestamp, id]` (what newest-first lists hand out), checked: a forged one is bad
 * input, not a database error.
 */
export function decodeTimestampCursor(cursor: string | undefined): { at: Date; id: string } | null {
  const key = decodeCursor(cursor, 2);
  if (!key) return null;
  const [at, id] = key;
  const date = typeof at === 'string' ? new Date(at) : new Date(Number.NaN);
  if (typeof id !== 'string' || Number.isNaN(date.getTime())) {
    throw new ValidationError([{ path: 'query.cursor', message: 'not a cursor this list handed out' }]);
  }
  return { at: date, id };
}

/**
 * Keyset paging on two sort columns: the rows after the cursor's `[first, second]`, as one row
 * comparison, `(a, b) > (x, y)` for an ascending list and `(a, b) < (x, y)` for a descending one.
 * e.g. `q.where((eb) => keysetAfter(eb, ['issued_at', 'key_id'], 'desc', after))`.
 */
export function keysetAfter<DB, TB extends keyof DB>(
  eb: ExpressionBuilder<DB, TB>,
  [first, second]: readonly [ReferenceExpression<DB, TB>, ReferenceExpression<DB, TB>],
  order: 'asc' | 'desc',
  after: readonly [unknown, unknown],
): Expression<SqlBool> {
  return eb(eb.refTuple(first, second), order === 'asc' ? '>' : '<', eb.tuple(after[0], after[1]));
}

/**
 * One page of a query that asked for `limit + 1` rows: the first `limit` as items, and the
 * cursor (`keyOf` the last of them) only if the extra row shows that more follow.
 */
export function pageFrom<R, V>(rows: readonly R[], limit: number, keyOf: (last: R) => readonly (string | number)[], view: (row: R) => V) {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { items: page.map((row) => view(row)), nextCursor: rows.length > limit && last ? encodeCursor(keyOf(last)) : null };
}

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable().describe('pass as ?cursor= for the next page; null on the last') });
