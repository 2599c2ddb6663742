import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { compose, type Application } from '../../src/main.ts';
import { issueApiToken } from '../../src/commands/api-token-commands.ts';
import { accountWithWorkedExampleUsage, publishWorkedExamplePlan } from '../support/billing-fixtures.ts';
import { createTestDatabase } from '../support/database.ts';
import { testContext } from '../support/app.ts';
import { bearer } from '../support/api-requests.ts';
import { runOps } from '../support/ops-cli.ts';

// Each test starts the ops CLI as several processes (tsx compiles on every start): on a
// busy two-core machine one such test can take over a minute.
vi.setConfig({ testTimeout: 180_000 });

const platformKey = randomBytes(32).toString('base64');
let databaseUrl: string;
let app: Application;

const ops = (...args: string[]) => runOps({ ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent', PLATFORM_KEY: platformKey }, ...args);

let accountId: string;

beforeAll(async () => {
  databaseUrl = await createTestDatabase('audit');
  app = await compose(loadConfig({ DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent', PLATFORM_KEY: platformKey }), { httpLogs: false });
  const { token } = await issueApiToken(app.infrastructure.eventStore, { name: 'ops', scope: { kind: 'operator' } }, testContext());
  await publishWorkedExamplePlan(app);
  accountId = await accountWithWorkedExampleUsage(app, token, 'audited-cli');
  const billed = await app.api.inject({ method: 'POST', url: '/operator/billing-runs', headers: bearer(token), payload: { period: '2026-06' } });
  expect(billed.json()).toMatchObject({ issued: 1 });
});
afterAll(async () => {
  await app.close();
});

describe('ops audit-invoice and explain-invoice', () => {
  it('explain-invoice prints each line with how it was computed', async () => {
    const explained = await ops('explain-invoice', 'INV-2026-000001');
    expect(explained.code, explained.stderr).toBe(0);
    expect(explained.stdout).toContain('1. storage_gib_month: 22.50 BRL');
    expect(explained.stdout).toContain('total 57.59 BRL');
  });

  it('exits 0 when a replay is identical, and 1 naming the line once a usage event is changed behind its back', async () => {
    const clean = await ops('audit-invoice', 'INV-2026-000001');
    expect(clean.code, clean.stdout + clean.stderr).toBe(0);
    expect(clean.stdout).toContain('identical');

    await sql`UPDATE es_events SET data = jsonb_set(data, '{requestsA}', to_jsonb('2000000'::text))
              WHERE stream_name = ${`usage-${accountId}:2026-06`} AND data->>'sampleKey' = 't1'`.execute(app.infrastructure.readModels);
    const tampered = await ops('audit-invoice', 'INV-2026-000001');
    expect(tampered.code).toBe(1);
    expect(tampered.stdout).toContain('DIFFERS');
    // line 3 is the class A requests: 2,000 thousand × 0.01 = 20.00 instead of 12.35
    expect(tampered.stdout).toMatch(/3\s+│\s+'requests_a'\s+│\s+'amount'\s+│\s+'12\.35'\s+│\s+'20\.00'/);
  });

  it('an unknown number exits 2 with the reason', async () => {
    const unknown = await ops('audit-invoice', 'INV-2026-999999');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no issued invoice numbered INV-2026-999999');
  });
});
