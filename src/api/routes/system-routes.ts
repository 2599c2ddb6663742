import { z } from 'zod';
import type { RouteRegistry } from '../route.ts';

export interface HealthCheck {
  name: string;
  /** throws when failing; answers `{ degraded }` when working but not as it should (the service stays up) */
  check(): Promise<void | { degraded: string }>;
}

const HealthView = z.object({
  status: z.enum(['ok', 'degraded', 'failing']),
  checks: z.record(z.string(), z.object({ status: z.enum(['ok', 'degraded', 'failing']), detail: z.string().optional() })),
});

const LeasesView = z.object({
  leases: z.array(
    z.object({
      lease: z.string(),
      kind: z.enum(['projection', 'reactor', 'schedule']),
      holder: z.string().nullable().describe('the holding process (pid, port, roles, host); null while none holds it'),
    }),
  ),
});

const CHECK_TIMEOUT_MS = 3_000;

export interface SystemRoutesDeps {
  checks: HealthCheck[];
  openApi: () => unknown;
  /** every lease the service's work runs under, and which process holds it */
  leases: () => Promise<z.infer<typeof LeasesView>['leases']>;
}

export function registerSystemRoutes(routes: RouteRegistry, deps: SystemRoutesDeps) {
  routes.add({
    method: 'GET',
    url: '/health',
    summary: 'Is the service able to reach PostgreSQL and the event store, and do its readers keep up with the log?',
    tags: ['system'],
    access: 'public',
    responses: { 200: HealthView, 503: HealthView },
    async handler() {
      const results = await Promise.all(
        deps.checks.map(async ({ name, check }) => {
          try {
            const outcome = await withTimeout(check(), CHECK_TIMEOUT_MS);
            if (outcome) return [name, { status: 'degraded' as const, detail: outcome.degraded }] as const;
            return [name, { status: 'ok' as const }] as const;
          } catch (error) {
            return [name, { status: 'failing' as const, detail: error instanceof Error ? error.message : String(error) }] as const;
          }
        }),
      );
      // Degraded still answers 200: the API serves, but something (a stalled log) needs a person.
      const failing = results.some(([, result]) => result.status === 'failing');
      const degraded = results.some(([, result]) => result.status === 'degraded');
      const status = failing ? 'failing' : degraded ? 'degraded' : 'ok';
      return { status: failing ? 503 : 200, body: { status, checks: Object.fromEntries(results) } };
    },
  });

  routes.add({
    method: 'GET',
    url: '/system/leases',
    summary: 'Which service process runs each projection, reactor and schedule now (several processes share the work by leases)',
    tags: ['system'],
    access: 'operator',
    // read from PostgreSQL's locks, not from a read model: `?after=` has nothing to wait for
    readModels: [],
    responses: { 200: LeasesView },
    async handler() {
      return { status: 200, body: { leases: await deps.leases() } };
    },
  });

  routes.add({
    method: 'GET',
    url: '/docs',
    summary: 'This API as an OpenAPI 3.1 document',
    tags: ['system'],
    access: 'public',
    responses: { 200: null },
    async handler() {
      return { status: 200, body: deps.openApi() };
    },
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
