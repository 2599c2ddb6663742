import type { Application } from '../src/main.ts';
import { printIntegrationStatus } from './integration-commands.ts';

/**
 * `ops status`: projections (lag counts held-back events too), a stalled log's holder,
 * then reactors and collectors, then which process holds each lease. Exit code 1 when a projection or a reactor job failed, or
 * when the log is stalled.
 */
export async function printStatus(app: Application): Promise<number> {
  const rows = await app.runner.status();
  console.table(
    rows.map((r) => ({
      projection: r.projection,
      status: r.status,
      applied: r.eventsApplied.toString(),
      lag: r.lag.toString(),
      'held back': r.heldBack.toString(),
      checkpoint: r.position ?? '(start)',
    })),
  );
  for (const r of rows) if (r.error) console.log(`\n${r.projection} FAILED: ${r.error}`);
  const horizon = await app.ops.logHorizon();
  if (horizon.summary) console.log(`\nLOG STALLED: ${horizon.summary}`);
  const reactorFailures = await printIntegrationStatus(app);
  const leases = await app.ops.leaseHolders();
  console.log('\nwhich service process runs what (leases):');
  console.table(leases.map((l) => ({ lease: l.lease, holder: l.holder ?? '(no process holds it)' })));
  return rows.some((r) => r.status === 'failed') || reactorFailures || horizon.stalled ? 1 : 0;
}
