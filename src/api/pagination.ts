import type { Expression, ExpressionBuilder, ReferenceExpression, SqlBool } from 'kysely';
import { z } from 'zod';
import { ValidationError } from '../domain/errors.ts';
import { textIssues } from './text-input.ts';

/**
 * Cursor pagination: the cursor is the sort key of the last row served, opaque to clients
 * (base64url JSON). Keyset, not offset, so pages stay correct while rows are added.
 */
export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50).describe('rows per page, 1 to 200'),
  cursor: z.string().max(500).optional().describe('nextCursor of the previous page'),
});

export const encodeCursor = (key: readonly (string | number)[]) => Buffer.from(JSON.stringify(key)).toString('base64url');

/**
 * What each part of a list's sort key may be. A cursor is parsed as strictly as the list
 * writes it: a forged one (a year PostgreSQL cannot hold, 1e308, 2^64, a NUL) is bad input,
 * never a database error.
 */
export type CursorPart = 'instant' | 'id' | 'email' | 'period' | 'position' | 'date' | 'slug' | 'rank' | 'job';

const CURSOR_PARTS: Record<CursorPart, (value: string) => boolean> = {
  // as iso() writes it: years 0001 to 9999, and a real date (no 30 February)
  instant: (value) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(value) && value >= '0001' && new Date(value).toISOString() === value,
  // UUIDs, hex token ids, plan ids
  id: (value) => /^[A-Za-z0-9_-]{1,100}$/.test(value),
  email: (value) => value.length <= 320 && /^[^\s@]+@[^\s@]+$/.test(value) && textIssues(value, '').length === 0,
  period: (value) => /^\d{4}-(0[1-9]|1[0-2])$/.test(value),
  // an event store position: two fixed-width decimal numbers
  position: (value) => /^\d{1,20}\/\d{1,20}$/.test(value),
  // a calendar date (due dates): a real one, years 0001 to 9999
  date: (value) => /^\d{4}-\d{2}-\d{2}$/.test(value) && value >= '0001' && new Date(`${value}T00:00:00.000Z`).toISOString().startsWith(value),
  // an account slug as the domain allows it
  slug: (value) => /^[a-z0-9][a-z0-9-]{0,98}[a-z0-9]$/.test(value),
  // a list's own small group number (e.g. overdue first: 0, then the rest: 1)
  rank: (value) => /^[0-9]$/.test(value),
  // a reactor job's id: an event id, with a suffix for a second job of one event (`…:expire`)
  job: (value) => /^[A-Za-z0-9_.:-]{1,200}$/.test(value),
};

const invalidCursor = () =>
  new ValidationError([{ path: 'query.cursor', message: 'is not a cursor this list handed out; start again without it' }], 'invalid_cursor', 'invalid cursor');

/**
 * The decoded sort key, or null for the first page. Each part is checked against its kind;
 * a cursor that is not one of ours is 400 `invalid_cursor`.
 */
export function decodeCursor<const K extends readonly CursorPart[]>(cursor: string | undefined, parts: K): { [I in keyof K]: string } | null {
  if (cursor === undefined) return null;
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (!Array.isArray(key) || key.length !== parts.length) throw invalidCursor();
  parts.forEach((part, index) => {
    const value: unknown = key[index];
    if (typeof value !== 'string' || !CURSOR_PARTS[part](value)) throw invalidCursor();
  });
  return key as { [I in keyof K]: string };
}

/** A cursor of `[timestamp, id]`, what newest-first lists hand out. */
export function decodeTimestampCursor(cursor: string | undefined): { at: Date; id: string } | null {
  const key = decodeCursor(cursor, ['instant', 'id']);
  return key ? { at: new Date(key[0]), id: key[1] } : null;
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
