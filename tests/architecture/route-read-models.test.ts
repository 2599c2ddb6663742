import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projections } from '../../src/main.ts';
import { startTestApp } from '../support/app.ts';

/**
 * Every read names the read models it reads (`readModels` on the route), so `?after=` waits
 * for those and not for every read model of the service. A new GET route without them fails
 * here: say what it reads (an empty list when it reads the log or no read model).
 */
type App = Awaited<ReturnType<typeof startTestApp>>;
let app: App;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.close());

describe('reads name their read models', () => {
  it('every non-public GET route declares the read models it reads, each one the service keeps', async () => {
    const document = (await app.api.inject({ method: 'GET', url: '/docs' })).json<{
      paths: Record<string, Record<string, { 'x-access'?: string; 'x-read-models'?: string[] }>>;
    }>();
    const known = new Set(projections.map((p) => p.name));
    const reads = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.entries(operations)
        .filter(([method, operation]) => method === 'get' && operation['x-access'] !== undefined)
        .map(([, operation]) => ({ path, readModels: operation['x-read-models'] })),
    );
    expect(reads.length).toBeGreaterThan(30);
    expect(reads.filter((read) => read.readModels === undefined).map((read) => read.path)).toEqual([]);
    for (const read of reads) for (const name of read.readModels ?? []) expect(known.has(name), `${read.path}: ${name}`).toBe(true);
  });
});
