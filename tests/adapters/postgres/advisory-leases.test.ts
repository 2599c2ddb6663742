import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdvisoryLeases } from '../../../src/adapters/postgres/advisory-leases.ts';
import { createTestDatabase } from '../../support/database.ts';
import { until } from '../../support/until.ts';

/** Work that says when it runs and when it stops. */
function trackedWork() {
  const state = { starts: 0, running: false };
  const work = async (signal: AbortSignal) => {
    state.starts++;
    state.running = true;
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    state.running = false;
  };
  return { state, work };
}

let url: string;
let admin: pg.Client;
const opened: AdvisoryLeases[] = [];
const leasesFor = (holder: string) => {
  const leases = new AdvisoryLeases({ connectionString: url, holder, checkMs: 50 });
  opened.push(leases);
  return leases;
};

beforeAll(async () => {
  url = await createTestDatabase('leases');
  admin = new pg.Client({ connectionString: url });
  await admin.connect();
});
afterAll(async () => {
  for (const leases of opened) await leases.close();
  await admin.end();
});

describe('advisory-lock leases', () => {
  it('one process at a time does the work; once the holder session dies it runs again in exactly one', async () => {
    const first = leasesFor('first process');
    const second = leasesFor('second process');
    const a = trackedWork();
    const b = trackedWork();
    first.hold('projection:accounts', a.work);
    await until(() => a.state.running, 'the first process to take the lease');
    second.hold('projection:accounts', b.work);
    await second.checkNow();
    await second.checkNow();
    expect(b.state.starts).toBe(0);
    expect(await second.holders(['projection:accounts', 'projection:buckets'])).toEqual([{ lease: 'projection:accounts', holder: 'first process' }]);

    // the holder's session dies: the server ends it, and with it the lock
    const { rows } = await admin.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE application_name = 'first process'`);
    expect(rows).toHaveLength(1);
    await admin.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
    // Both processes are alive and asking every 50 ms: the standby, or the first one on a new
    // session, takes the lease, whichever asks first (under a loaded machine either can). What
    // must hold: the work stops where the session was lost, runs again in exactly one process,
    // and that process is the one the lease names.
    const holderNow = async () => (await second.holders(['projection:accounts']))[0]?.holder;
    await until(async () => a.state.starts + b.state.starts === 2 && a.state.running !== b.state.running && (await holderNow()) !== undefined, 'one process to take the lease again');
    const takerName = (await holderNow())!;
    const taker = takerName === 'first process' ? { leases: first, work: a, standby: second, idle: b } : { leases: second, work: b, standby: first, idle: a };
    expect(taker.work.state.running).toBe(true);
    expect(taker.idle.state.running).toBe(false);

    // the other one waits as a standby
    await taker.standby.checkNow();
    await taker.standby.checkNow();
    expect(a.state.starts + b.state.starts).toBe(2);
    expect(taker.idle.state.running).toBe(false);
    expect(await taker.standby.holders(['projection:accounts'])).toEqual([{ lease: 'projection:accounts', holder: takerName }]);

    // the process holding it now goes away: the other one takes it over
    await taker.leases.close();
    await until(() => taker.idle.state.running, 'the standby to take the lease over');
    expect(taker.work.state.running).toBe(false);
    expect(await taker.standby.holders(['projection:accounts'])).toEqual([{ lease: 'projection:accounts', holder: takerName === 'first process' ? 'second process' : 'first process' }]);
  });

  it('a released lease is taken by the standby; each lease is its own', async () => {
    const first = leasesFor('holder one');
    const second = leasesFor('holder two');
    const works = { x1: trackedWork(), y1: trackedWork(), x2: trackedWork(), y2: trackedWork() };
    const x1 = first.hold('schedule:x', works.x1.work);
    await until(() => works.x1.state.running, 'x in the first process');
    second.hold('schedule:y', works.y2.work);
    await until(() => works.y2.state.running, 'y in the second process');
    second.hold('schedule:x', works.x2.work);
    first.hold('schedule:y', works.y1.work);
    await first.checkNow();
    await second.checkNow();
    expect([works.x2.state.starts, works.y1.state.starts]).toEqual([0, 0]);

    await x1.release();
    expect(works.x1.state.running).toBe(false);
    await until(() => works.x2.state.running, 'x in the second process');
    expect(await first.holders(['schedule:x', 'schedule:y'])).toEqual([
      { lease: 'schedule:x', holder: 'holder two' },
      { lease: 'schedule:y', holder: 'holder two' },
    ]);
  });

  it('work that ends by itself gives the lease up, to be taken again', async () => {
    const leases = leasesFor('restarting');
    let starts = 0;
    leases.hold('reactor:email', async (signal) => {
      starts++;
      if (starts === 1) throw new Error('the first run fails');
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    });
    await until(() => starts === 2, 'the work to start again');
    expect(await leases.holders(['reactor:email'])).toEqual([{ lease: 'reactor:email', holder: 'restarting' }]);
  });
});
