import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase } from '../support/database.ts';
import { bearer } from '../support/api-requests.ts';
import { runOps } from '../support/ops-cli.ts';

// Each test starts the ops CLI as several processes (tsx compiles on every start): on a
// busy two-core machine one such test can take over a minute.
vi.setConfig({ testTimeout: 180_000 });

let databaseUrl: string;
const platformKey = randomBytes(32).toString('base64');
const ops = (...args: string[]) => runOps({ ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent', PLATFORM_KEY: platformKey }, ...args);

beforeAll(async () => {
  databaseUrl = await createTestDatabase('ops');
});

describe('ops CLI', () => {
  it('create-operator-token prints a token once that then authenticates; only its digest is stored', async () => {
    const created = await ops('create-operator-token', 'finance', 'bot');
    expect(created.code).toBe(0);
    const token = /^token:\s+(cpl_\S+)$/m.exec(created.stdout)![1]!;
    const { loadConfig } = await import('../../src/config.ts');
    const { compose } = await import('../../src/main.ts');
    const app = await compose(loadConfig({ DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent', PLATFORM_KEY: platformKey }), { httpLogs: false });
    try {
      const refused = await app.api.inject({ method: 'POST', url: '/accounts', headers: bearer(token), payload: {} });
      expect(refused.statusCode).toBe(400); // authenticated as an operator, then refused for the empty body
      const all = await app.infrastructure.eventStore.readAll({ maxCount: 1000 });
      const secret = token.slice('cpl_'.length + 32 + 1);
      expect(secret).toHaveLength(43);
      expect(JSON.stringify(all.map((e) => [e.data, e.metadata]))).not.toContain(secret);
      expect(all.find((e) => e.type === 'ApiTokenIssued')!.data).toMatchObject({ name: 'finance bot', scope: { kind: 'operator' } });
    } finally {
      await app.close();
    }
  });

  it('status lists each projection with its lag; rebuild reports progress; bad input exits 2 with a reason', async () => {
    const status = await ops('status');
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/accounts.*running|accounts.*new/);
    const rebuild = await ops('rebuild', 'accounts');
    expect(rebuild.code).toBe(0);
    expect(rebuild.stderr).toMatch(/accounts: \d+ of \d+ events read \(100%\)/);
    const unknown = await ops('rebuild', 'nope');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no projection named "nope"');
    const missing = await ops('create-account-token', '00000000-0000-4000-8000-000000000000', 'x');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('does not exist');
    const nothing = await ops();
    expect(nothing.code).toBe(2);
    expect(nothing.stdout).toContain('usage: npm run ops');
  });
});
