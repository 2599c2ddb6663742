import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arrayLiteral } from '../../src/adapters/event-store/postgres-event-store.ts';
import { createTestDatabase } from '../support/database.ts';

// appendMany sends its per-event ids and types as array literals it writes itself; PostgreSQL
// must read back exactly the texts that went in, whatever they hold.
let pool: pg.Pool;
beforeAll(async () => {
  pool = new pg.Pool({ connectionString: await createTestDatabase('array_literal'), max: 1 });
});
afterAll(async () => pool.end());

const roundTrip = async (values: string[]) => (await pool.query<{ v: string[] }>('SELECT $1::text[] AS v', [arrayLiteral(values)])).rows[0]!.v;

describe('arrayLiteral', () => {
  it('keeps ids, type names and the texts PostgreSQL treats specially', async () => {
    const values = ['6f1c8a52-6d0e-4b7a-9c41-5e2d7b9a0c13', 'StorageMeasured', 'NULL', 'null', '', ' padded ', 'a,b', '{x}', 'say "hi"', 'back\\slash', 'ação'];
    expect(await roundTrip(values)).toEqual(values);
  });

  it('round-trips any texts without NUL', async () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 12 }).filter((s) => !s.includes('\u0000'));
    await fc.assert(
      fc.asyncProperty(fc.array(text, { minLength: 1, maxLength: 8 }), async (values) => {
        expect(await roundTrip(values)).toEqual(values);
      }),
      { numRuns: 200 },
    );
  });
});
