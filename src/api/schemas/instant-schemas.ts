import { z } from 'zod';

const EARLIEST = Date.parse('0001-01-01T00:00:00Z');

/**
 * An ISO 8601 instant with its offset, within what PostgreSQL and JavaScript both hold: year
 * 0000 (or 0001 shifted back by its offset) reads as a date in JavaScript and fails in PostgreSQL.
 */
export const Instant = z.iso
  .datetime({ offset: true, abort: true })
  .refine((value) => Date.parse(value) >= EARLIEST, { message: 'must be an instant from the year 0001 on' });
