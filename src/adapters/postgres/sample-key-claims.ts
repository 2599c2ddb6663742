import { sql, type Kysely } from 'kysely';
import type { SampleKeyClaim, SampleKeyClaims } from '../../ports/sample-key-claims.ts';

export interface UsageSampleKeysTable {
  sample_key: string;
  stream_name: string;
}

/**
 * Sample key claims in `usage_sample_keys` (primary key: the key). One transaction per batch:
 * the new keys are inserted in key order (two batches sharing keys wait for each other, never
 * in a circle), then the keys are read back under a fresh snapshot, so a key another batch
 * claimed for another stream a moment ago is seen; any such key rolls the whole claim back.
 */
export class PostgresSampleKeyClaims implements SampleKeyClaims {
  constructor(private readonly db: Kysely<{ usage_sample_keys: UsageSampleKeysTable }>) {}

  async claim(claims: readonly SampleKeyClaim[]): Promise<SampleKeyClaim[]> {
    if (claims.length === 0) return [];
    const wanted = [...new Map(claims.map((c) => [c.sampleKey, c.streamName])).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const keys = wanted.map(([key]) => key);
    const streams = wanted.map(([, stream]) => stream);
    const heldElsewhere = new Refusal();
    try {
      await this.db.transaction().execute(async (trx) => {
        await sql`INSERT INTO usage_sample_keys (sample_key, stream_name)
                  SELECT k, s FROM unnest(${keys}::text[], ${streams}::text[]) AS w(k, s) ORDER BY k
                  ON CONFLICT (sample_key) DO NOTHING`.execute(trx);
        const { rows } = await sql<SampleKeyClaim>`SELECT u.sample_key AS "sampleKey", u.stream_name AS "streamName"
                  FROM unnest(${keys}::text[], ${streams}::text[]) AS w(k, s)
                  JOIN usage_sample_keys u ON u.sample_key = w.k
                 WHERE u.stream_name <> w.s`.execute(trx);
        if (rows.length > 0) {
          heldElsewhere.claims = rows;
          throw heldElsewhere;
        }
      });
      return [];
    } catch (error) {
      if (error === heldElsewhere) return heldElsewhere.claims;
      throw error;
    }
  }
}

/** Thrown inside the transaction to roll it back; never leaves this module. */
class Refusal extends Error {
  claims: SampleKeyClaim[] = [];
}
