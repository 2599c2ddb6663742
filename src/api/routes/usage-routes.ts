import { ValidationError } from '../../domain/errors.ts';
import type { UsageIngestion } from '../../commands/usage-ingestion.ts';
import type { RouteRegistry } from '../route.ts';
import { UsageBatchBody, UsageBatchResult } from '../schemas/usage-schemas.ts';

const tags = ['usage'];

export interface UsageRoutesDeps {
  /** the process's one ingestion, shared with the metering collectors (one set of hot-stream ledgers) */
  ingestUsage: UsageIngestion['ingest'];
}

export function registerUsageRoutes(routes: RouteRegistry, deps: UsageRoutesDeps): void {
  routes.add({
    method: 'POST',
    url: '/usage',
    summary: 'Record a batch of usage samples (storage, traffic windows, counter readings); operators and metering tokens',
    tags,
    access: 'metering',
    body: UsageBatchBody,
    responses: { 200: UsageBatchResult },
    async handler({ body, context }) {
      try {
        return { status: 200, body: await deps.ingestUsage(body.samples, context) };
      } catch (error) {
        // The domain names items `samples[3].bytes`; in the request they are under `body`.
        if (error instanceof ValidationError) throw new ValidationError(error.issues.map((i) => ({ ...i, path: `body.${i.path}` })), error.code);
        throw error;
      }
    },
  });
}
