import type { Application } from '../src/main.ts';
import { reportLogHorizon } from '../src/projections/log-horizon.ts';
import { printIntegrationStatus } from './integration-commands.ts';

/**
 * `ops status`: projections (lag counts held-back events too), a stalled log's holder,
 * then reactors and collectors. Exit code 1 when a projection or a reactor job failed, or
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
  const horizon = await reportLogHorizon(app.infrastructure.eventStore, app.config.logStallSeconds * 1000);
  if (horizon.summary) console.log(`\nLOG STALLED: ${horizon.summary}`);
  const reactorFailures = await printIntegrationStatus(app);
  return rows.some((r) => r.status === 'failed') || reactorFailures || horizon.stalled ? 1 : 0;
}
