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

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable().describe('pass as ?cursor= for the next page; null on the last') });
