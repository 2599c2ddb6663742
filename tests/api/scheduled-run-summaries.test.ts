import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDunning } from '../../src/commands/dunning.ts';
import { checkQuotaThresholds } from '../../src/commands/quota-thresholds.ts';
import { IllegalStateError } from '../../src/domain/errors.ts';
import { startClockedApp, type ClockedApp } from '../support/clocked-app.ts';
import { bearer } from '../support/api-requests.ts';
import { createTestDatabase } from '../support/database.ts';
import { dunningDeps, quotaThresholdDeps } from '../../src/composition/jobs.ts';

/**
 * Scheduled work never silently skips an account. The projections here run only when the test
 * catches them up, so after the first account they are behind: the billing run lists accounts
 * from the event log and bills every one; dunning and the quota check, which read read models,
 * refuse loudly while those are behind or failed, and count every account once they run.
 */
let app: ClockedApp;
let operator: string;
const accounts: Record<'first' | 'unseen' | 'noPlan' | 'late', string> = { first: '', unseen: '', noPlan: '', late: '' };
const context = () => ({ actor: 'test', correlationId: 'c', causationId: 'c', occurredAt: app.clock().toISOString() });

async function open(slug: string, planId: string | null): Promise<string> {
  const opened = await app.api.inject({
    method: 'POST',
    url: '/accounts',
    headers: bearer(operator),
    payload: { name: slug, slug, billingEmail: `b@${slug}.co`, document: '529.982.247-25' },
  });
  expect(opened.statusCode, opened.body).toBe(201);
  const { accountId } = opened.json<{ accountId: string }>();
  if (planId) {
    const subscribed = await app.api.inject({ method: 'PUT', url: `/accounts/${accountId}/subscription`, headers: bearer(operator), payload: { planId, effectiveAt: '2026-06-01T00:00:00-03:00' } });
    expect(subscribed.statusCode, subscribed.body).toBe(200);
  }
  return accountId;
}

beforeAll(async () => {
  app = await startClockedApp('2026-06-20T12:00:00Z');
  operator = await app.tokenFor({ kind: 'operator' });
  const plan = await app.api.inject({
    method: 'POST',
    url: '/operator/plans',
    headers: bearer(operator),
    payload: { planId: 'scheduled-fee', name: 'Fee', effectiveFrom: '2026-01', currency: 'BRL', monthlyFee: '30.00', monthlyMinimum: '0', taxRate: '0', meters: {} },
  });
  expect(plan.statusCode, plan.body).toBe(201);
  accounts.first = await open('scheduled-first', 'scheduled-fee');
  await app.runner.catchUp();
  // from here on the read models are behind the log
  accounts.unseen = await open('scheduled-unseen', 'scheduled-fee');
  accounts.noPlan = await open('scheduled-no-plan', null);
  // June ends at 2026-07-01T03:00Z in São Paulo
  app.setClock('2026-07-01T12:00:00Z');
  accounts.late = await open('scheduled-late', null);
});
afterAll(async () => {
  await app?.close();
});

/** What the projection runner records when a projection stops on an event it cannot apply. */
async function markFailed(projection: string) {
  await sql`insert into projection_checkpoints (projection, status, error, updated_at) values (${projection}, 'failed', 'test: stopped on an event', ${app.clock()})
            on conflict (projection) do update set status = 'failed', error = excluded.error`.execute(app.infrastructure.readModels);
}
async function markRunning(projection: string) {
  await sql`update projection_checkpoints set status = 'running', error = null where projection = ${projection}`.execute(app.infrastructure.readModels);
}

describe('scheduled runs count every account', () => {
  it('a billing run while the accounts read model is behind bills every account the log has, and says why it skipped the rest', async () => {
    const inReadModel = await app.infrastructure.readModels.selectFrom('accounts').select('account_id').execute();
    expect(inReadModel.map((r) => r.account_id)).toEqual([accounts.first]);

    app.setClock('2026-07-02T12:00:00Z');
    const run = await app.api.inject({ method: 'POST', url: '/operator/billing-runs', headers: bearer(operator), payload: { period: '2026-06' } });
    expect(run.statusCode, run.body).toBe(200);
    const summary = run.json<{
      accountsListedFrom: string;
      accounts: number;
      issued: number;
      drafted: number;
      alreadyIssued: number;
      skipped: number;
      skippedByReason: Record<string, number>;
      failed: number;
      outcomes: { accountId: string; outcome: string; reason?: string; total?: string }[];
    }>();
    expect(summary).toMatchObject({ accountsListedFrom: 'event-log', accounts: 4, issued: 2, drafted: 0, alreadyIssued: 0, skipped: 2, failed: 0 });
    expect(summary.skippedByReason).toEqual({ period_not_ended: 0, no_plan: 2 });
    const outcome = (id: string) => summary.outcomes.find((o) => o.accountId === id);
    expect(outcome(accounts.first)).toMatchObject({ outcome: 'issued', total: '30.00' });
    expect(outcome(accounts.unseen)).toMatchObject({ outcome: 'issued', total: '30.00' });
    expect(outcome(accounts.noPlan)).toMatchObject({ outcome: 'skipped', reason: 'no_plan' });
    expect(outcome(accounts.late)).toMatchObject({ outcome: 'skipped', reason: 'no_plan' });
    expect(summary.outcomes).toHaveLength(summary.accounts);
  });

  it('dunning refuses while the invoices read model is behind or failed, and counts every account once it runs', async () => {
    const deps = { ...dunningDeps(app.infrastructure), readModelWaitMs: 300 };
    app.setClock('2026-07-30T12:00:00Z');
    // the invoices just issued are not in the read model yet: dunning would miss them
    await expect(runDunning(deps, app.clock(), context())).rejects.toMatchObject({ constructor: IllegalStateError, code: 'read_model_behind' });

    await app.runner.catchUp();
    await markFailed('invoices');
    await expect(runDunning(deps, app.clock(), context())).rejects.toMatchObject({ code: 'read_model_failed' });
    await markRunning('invoices');

    const summary = await runDunning(deps, app.clock(), context());
    expect(summary).toMatchObject({ accountsListedFrom: 'event-log', accounts: 4, invoicesConsidered: 2, failed: 0 });
    // due 2026-07-12 (issued 07-02 + 10 days): both overdue by the 30th
    expect(summary.markedOverdue).toBe(2);
  });

  it('the quota check refuses on a failed read model and counts every account the log has', async () => {
    const deps = { ...quotaThresholdDeps(app.infrastructure, 100), readModelWaitMs: 300 };
    await app.runner.catchUp();
    await markFailed('usage-totals');
    await expect(checkQuotaThresholds(deps, app.clock(), context())).rejects.toMatchObject({ code: 'read_model_failed' });
    await markRunning('usage-totals');

    // an account the accounts read model has not got yet is still checked
    const another = await open('scheduled-quota', null);
    const summary = await checkQuotaThresholds(deps, app.clock(), context());
    expect(summary).toMatchObject({ accountsListedFrom: 'event-log', accounts: 5, accountsChecked: 5, skipped: [], failed: [] });
    expect(await app.infrastructure.readModels.selectFrom('accounts').select('account_id').where('account_id', '=', another).execute()).toEqual([]);
  });

  it('a billing run refuses while an account opening is held back from readers by a running transaction, then bills with it', async () => {
    // a transaction with an id, open in another database of the cluster: readers see nothing newer
    const holder = new pg.Client({ connectionString: await createTestDatabase('holder') });
    await holder.connect();
    let held: string;
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT pg_current_xact_id()');
      held = await open('scheduled-held', null);
      const refused = await app.api.inject({ method: 'POST', url: '/operator/billing-runs', headers: bearer(operator), payload: { period: '2026-06' } });
      expect(refused.statusCode, refused.body).toBe(409);
      expect(refused.json()).toMatchObject({ code: 'log_held_back' });
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    const run = await app.api.inject({ method: 'POST', url: '/operator/billing-runs', headers: bearer(operator), payload: { period: '2026-06' } });
    expect(run.statusCode, run.body).toBe(200);
    const summary = run.json<{ accounts: number; outcomes: { accountId: string; outcome: string; reason?: string }[] }>();
    expect(summary.accounts).toBe(6);
    expect(summary.outcomes.find((o) => o.accountId === held)).toMatchObject({ outcome: 'skipped', reason: 'no_plan' });
  });
});
