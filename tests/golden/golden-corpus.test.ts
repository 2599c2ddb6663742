import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { digestOf } from '../../src/commands/invoice-inputs.ts';
import { ENGINE_VERSION, rateInvoice, type RatedInvoice, type RatingInput } from '../../src/domain/rating/index.ts';

/**
 * The golden corpus: invoices rated by the tests, by the bench's shape and by a seeded
 * generator (generate-rating-cases.ts), recorded with their inputs, lines, totals and digest
 * in a folder per engine version. Every case must rate identically, forever: an invoice
 * issued years ago audits by rating its recorded inputs again with the engine it names.
 *
 * An intended change of rules gets a new engine version (`rating-2`, its own folder); the
 * engine keeps rating-1's rules reachable under that name, and this map says which function
 * rates which version. A version without an entry fails here, on purpose.
 */
const ENGINES: Record<string, (input: RatingInput) => RatedInvoice> = {
  'rating-1': rateInvoice,
};

interface GoldenCase {
  name: string;
  source: string;
  input: RatingInput;
  rated: RatedInvoice;
  digest: string;
}

const root = import.meta.dirname;
const versions = readdirSync(root, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name);

describe('golden corpus', () => {
  it('holds a few hundred cases of the current engine version, each case in its version folder', () => {
    expect(versions).toContain(ENGINE_VERSION);
    expect(readdirSync(path.join(root, ENGINE_VERSION)).length).toBeGreaterThanOrEqual(300);
  });

  for (const version of versions) {
    describe(version, () => {
      const files = readdirSync(path.join(root, version)).filter((file) => file.endsWith('.json')).sort();
      it.each(files)('%s rates to the same lines, totals and digest', (file) => {
        const golden = JSON.parse(readFileSync(path.join(root, version, file), 'utf8')) as GoldenCase;
        const engine = ENGINES[version];
        expect(engine, `no engine rates ${version}`).toBeDefined();
        expect(golden.rated.engineVersion).toBe(version);
        const rated = engine!(golden.input);
        expect(rated).toEqual(golden.rated);
        expect(digestOf(rated)).toBe(golden.digest);
      });
    });
  }
});
