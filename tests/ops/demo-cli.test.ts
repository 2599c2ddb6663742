import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDemo } from '../../ops/demo-command.ts';
import { loadConfig } from '../../src/config.ts';
import { compose } from '../../src/main.ts';
import { bearer } from '../support/api-requests.ts';
import { startClockedApp, type ClockedApp } from '../support/clocked-app.ts';
import { createTestDatabase } from '../support/database.ts';
import { runOps } from '../support/ops-cli.ts';

// The CLI case starts the ops CLI as a process (tsx compiles on every start): slow on a busy machine.
vi.setConfig({ testTimeout: 180_000 });

describe('ops demo on a clock set to 2026-07-05 15:00 UTC', () => {
  let app: ClockedApp;
  let demo: Awaited<ReturnType<typeof createDemo>>;
  const get = async (url: string) => {
    const response = await app.api.inject({ method: 'GET', url, headers: bearer(demo.token) });
    expect(response.statusCode, `${url}: ${response.body}`).toBe(200);
    return response.json();
  };

  beforeAll(async () => {
    app = await startClockedApp('2026-07-05T15:00:00.000Z');
    demo = await createDemo(app, { slug: 'demo-portal' });
    await app.runner.catchUp();
  });
  afterAll(async () => app?.close());

  it("signs in as the account's owner, with both buckets made", async () => {
    const account = await get(`/accounts/${demo.accountId}`);
    expect(account).toMatchObject({ slug: 'demo-portal', timeZone: 'America/Sao_Paulo' });
    const tokens = (await get(`/accounts/${demo.accountId}/api-tokens?status=active`)).items;
    const mine = tokens.find((token: { tokenId: string }) => demo.token.startsWith(`cpl_${token.tokenId}_`));
    expect(mine).toMatchObject({ kind: 'member', name: 'demo portal' });
    const members = (await get(`/accounts/${demo.accountId}/members`)).items;
    expect(members.find((member: { memberId: string }) => member.memberId === mine.memberId)).toMatchObject({ role: 'owner', email: 'owner@demo-portal.example.com' });
    // the operator token the demo used is revoked: only the owner's is active
    expect(tokens).toHaveLength(1);
    const buckets = (await get(`/accounts/${demo.accountId}/buckets`)).items.map((b: { name: string; status: string }) => [b.name, b.status]).sort();
    expect(buckets).toEqual([['demo-portal-backups', 'provisioned'], ['demo-portal-media', 'provisioned']]);
  });

  it('records a day of usage a day up to the clock: the chart of this month has five days', async () => {
    const daily = await get(`/accounts/${demo.accountId}/usage/daily`);
    expect(daily.days).toEqual(['2026-07-01', '2026-07-02', '2026-07-03', '2026-07-04', '2026-07-05']);
    // day index 31..35 (June's 30 days, then July's): backups 120 + 2·index GiB, media 40 + 5·⌊index/7⌋
    expect(daily.total.storedGib).toEqual(['242.000000', '244.000000', '246.000000', '248.000000', '255.000000']);
    // egress: backups 1 + index mod 4, media 12 on a multiple of 7 (35), else 2
    expect(daily.total.egressGib).toEqual(['6.000000', '3.000000', '4.000000', '5.000000', '16.000000']);
  });

  it('bills June, then credits a tenth and takes a payment of half the rest', async () => {
    expect(demo.invoice).toMatchObject({ status: 'issued' });
    const invoice = await get(`/accounts/${demo.accountId}/invoices/${demo.invoice!.invoiceId}`);
    const line = (kind: string) => invoice.lines.find((l: { kind: string }) => l.kind === kind);
    // egress: backups Σ 1 + d mod 4 over 30 days = 75, media 4·12 + 26·2 = 100 → 175 GiB at 0.40
    expect(Number(line('egress_gib').quantity)).toBe(175);
    expect(line('egress_gib').amount).toBe('70.00');
    // storage: GiB-hours of backups 24·Σ(120 + 2d, d ≤ 29) + 15·180 = 107,100 and of media 34,740 → 141,840 / 720 h
    expect(Number(line('storage_gib_month').quantity)).toBe(197);
    expect(line('storage_gib_month').amount).toBe('29.55');
    const total = Math.round(Number(invoice.total) * 100);
    const credited = Math.floor(total / 10);
    const paid = Math.floor((total - credited) / 2);
    expect(demo.invoice).toMatchObject({ credited: (credited / 100).toFixed(2), paid: (paid / 100).toFixed(2) });
    expect((await get(`/accounts/${demo.accountId}/invoices/${invoice.invoiceId}/payments`)).items).toHaveLength(1);
    expect((await get(`/accounts/${demo.accountId}/invoices/${invoice.invoiceId}/credit-notes`)).items).toHaveLength(1);
    const balance = await get(`/accounts/${demo.accountId}/balance`);
    expect(balance.amountDue).toBe(((total - credited - paid) / 100).toFixed(2));
  });

  it('runs again beside the first: the demo plan is reused, the account is new', async () => {
    const again = await createDemo(app, { slug: 'demo-again' });
    expect(again.accountId).not.toBe(demo.accountId);
    expect(again.invoice).toMatchObject({ status: 'issued' });
  });
});

describe('npm run ops -- demo', () => {
  it('prints an account id and a token that signs in to it, whatever the date', async () => {
    const databaseUrl = await createTestDatabase('demo');
    const env = { DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent', PLATFORM_KEY: randomBytes(32).toString('base64') };
    const { stdout } = await runOps({ ...process.env, ...env }, 'demo');
    const accountId = /account ID: (\S+)/.exec(stdout)?.[1];
    const token = /API token:\s+(cpl_\S+)/.exec(stdout)?.[1];
    expect(stdout).toMatch(/Sign in at http:\/\/\S+\/portal\/sign-in with/);
    expect(accountId && token, stdout).toBeTruthy();
    const app = await compose(loadConfig(env), { httpLogs: false });
    try {
      const response = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}`, headers: bearer(token!) });
      expect(response.statusCode, response.body).toBe(200);
    } finally {
      await app.close();
    }
  });
});
