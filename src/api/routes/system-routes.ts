import { z } from 'zod';
import type { RouteRegistry } from '../route.ts';

export interface HealthCheck {
  name: string;
  check(): Promise<void>;
}

const HealthView = z.object({
  status: z.enum(['ok', 'failing']),
  checks: z.record(z.string(), z.object({ status: z.enum(['ok', 'failing']), detail: z.string().optional() })),
});

const CHECK_TIMEOUT_MS = 3_000;

export function registerSystemRoutes(routes: RouteRegistry, deps: { checks: HealthCheck[]; openApi: () => unknown }) {
  routes.add({
    method: 'GET',
    url: '/health',
    summary: 'Is the service able to reach PostgreSQL and the event store?',
    tags: ['system'],
    access: 'public',
    responses: { 200: HealthView, 503: HealthView },
    async handler() {
      const results = await Promise.all(
        deps.checks.map(async ({ name, check }) => {
          try {
            await withTimeout(check(), CHECK_TIMEOUT_MS);
            return [name, { status: 'ok' as const }] as const;
          } catch (error) {
            return [name, { status: 'failing' as const, detail: error instanceof Error ? error.message : String(error) }] as const;
          }
        }),
      );
      const healthy = results.every(([, result]) => result.status === 'ok');
      return { status: healthy ? 200 : 503, body: { status: healthy ? 'ok' : 'failing', checks: Object.fromEntries(results) } };
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
