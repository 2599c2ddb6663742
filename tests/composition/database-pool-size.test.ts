import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openInfrastructure } from '../../src/composition/infrastructure.ts';
import { loadConfig } from '../../src/config.ts';
import { createTestDatabase } from '../support/database.ts';

/** Backends that served `queries` statements sent all at once, each holding its connection 50 ms. */
async function backendsServing(poolSize: string | undefined, queries: number): Promise<number> {
  const config = loadConfig({ DATABASE_URL: await createTestDatabase('pool'), DATABASE_POOL_SIZE: poolSize, PLATFORM_KEY: randomBytes(32).toString('base64') });
  const infrastructure = await openInfrastructure(config);
  try {
    const pids = await Promise.all(
      Array.from({ length: queries }, async () => {
        const { rows } = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid, pg_sleep(0.05)`.execute(infrastructure.readModels);
        return rows[0]!.pid;
      }),
    );
    return new Set(pids).size;
  } finally {
    await infrastructure.close();
  }
}

describe('DATABASE_POOL_SIZE', () => {
  it('bounds the connections the service opens: statements beyond it wait for one', async () => {
    expect(await backendsServing('3', 12)).toBe(3);
  });

  it('opens at most 10 by default', async () => {
    expect(await backendsServing(undefined, 25)).toBe(10);
  });
});
