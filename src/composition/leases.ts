import { scheduleLeaseOf } from '../adapters/scheduler/cron-scheduler.ts';
import type { Leases } from '../ports/leases.ts';
import { projectionLeaseOf } from '../projections/projection-runner.ts';
import { reactorLeaseOf } from '../reactors/reactor-runner.ts';

export type LeaseKind = 'projection' | 'reactor' | 'schedule';

/** One lease as ops status and `GET /system/leases` show it. */
export interface LeaseView {
  lease: string;
  kind: LeaseKind;
  /** the holding process's name (pid, port, roles, host); null while no process holds it */
  holder: string | null;
}

/** Every lease the service's work runs under, with who holds it now across all processes sharing the database. */
export async function leaseHolders(leases: Leases, work: { projections: readonly string[]; reactors: readonly string[]; schedules: readonly string[] }): Promise<LeaseView[]> {
  const wanted: { lease: string; kind: LeaseKind }[] = [
    ...work.projections.map((name) => ({ lease: projectionLeaseOf(name), kind: 'projection' as const })),
    ...work.reactors.map((name) => ({ lease: reactorLeaseOf(name), kind: 'reactor' as const })),
    ...work.schedules.map((name) => ({ lease: scheduleLeaseOf(name), kind: 'schedule' as const })),
  ];
  const held = await leases.holders(wanted.map((w) => w.lease));
  return wanted.map((w) => ({ ...w, holder: held.find((h) => h.lease === w.lease)?.holder ?? null }));
}
