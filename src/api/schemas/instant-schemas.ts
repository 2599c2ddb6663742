import { z } from 'zod';

const EARLIEST = Date.parse('0001-01-01T00:00:00Z');

/**
 * An ISO 8601 instant with its offset, within what PostgreSQL and JavaScript both hold: year
 * 0000 (or 0001 shifted back by its offset) reads as a date in JavaScript and fails in PostgreSQL.
 */
export const Instant = z.iso
  .datetime({ offset: true, abort: true })
  .refine((value) => Date.parse(value) >= EARLIEST, { message: 'must be an instant from the year 0001 on' });

/**
 * `?asOf=` of the account reads: the state as the ledger had recorded it at that instant,
 * folded from the event log (docs/api.md, "State as of an instant").
 */
export const AsOfField = {
  asOf: Instant.optional().describe(
    'the state as recorded at this instant (ISO 8601 with an offset, not later than now), folded from the event log rather than the read models; ' +
      'recorded time, not effective time; 404 before the account was opened. A list answers every item in one page (nextCursor null), with its filters; cursor and limit do not apply',
  ),
};
export const AsOfQuery = z.object(AsOfField);
