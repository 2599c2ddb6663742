import { ValidationError } from '../domain/errors.ts';

/**
 * A list read `?asOf=`: every item in one page. A cursor belongs to the live list's pages,
 * so one sent with asOf is refused rather than silently ignored.
 */
export function onePageAsOf<S, V>(query: { cursor?: string | undefined }, items: readonly S[], view: (item: S) => V): { items: V[]; nextCursor: null } {
  if (query.cursor !== undefined) throw new ValidationError([{ path: 'query.cursor', message: 'does not go with asOf: a list as of an instant is one page' }]);
  return { items: items.map(view), nextCursor: null };
}
