import { z } from 'zod';
import type { ModuleDeps } from '../module-deps.ts';
import { decodeCursor, PageQuery, pageFrom, pageOf } from '../pagination.ts';
import type { RouteRegistry } from '../route.ts';
import { AccountIdParams } from '../schemas/account-schemas.ts';
import { Instant } from '../schemas/instant-schemas.ts';
import { iso } from './iso.ts';

const AuditEntryView = z
  .object({
    eventId: z.string(),
    type: z.string().describe('the event type, e.g. AccessKeyRevoked'),
    summary: z.string(),
    resourceType: z.string(),
    resourceId: z.string(),
    actor: z.string().describe('token:<id>, member:<id>, ops:<user> or system:<job>'),
    ip: z.string().nullable(),
    occurredAt: z.string(),
    correlationId: z.string(),
  })
  .meta({ id: 'AuditEntry' });

const AuditQuery = PageQuery.extend({
  resourceType: z.string().max(50).optional(),
  resourceId: z.string().max(100).optional(),
  actor: z.string().max(200).optional(),
  type: z.string().max(100).optional().describe('event type'),
  from: Instant.optional().describe('inclusive'),
  to: Instant.optional().describe('exclusive'),
});

export function registerAuditLogRoutes(routes: RouteRegistry, deps: ModuleDeps): void {
  routes.add({
    method: 'GET',
    url: '/accounts/:accountId/audit-log',
    summary: 'Who did what to which resource, when and from where; newest first',
    tags: ['audit'],
    access: 'audit:read',
    params: AccountIdParams,
    query: AuditQuery,
    responses: { 200: pageOf(AuditEntryView) },
    async handler({ params, query }) {
      const after = decodeCursor(query.cursor, ['position']);
      let q = deps.readModels.selectFrom('audit_log').selectAll().where('account_id', '=', params.accountId);
      if (query.resourceType) q = q.where('resource_type', '=', query.resourceType);
      if (query.resourceId) q = q.where('resource_id', '=', query.resourceId);
      if (query.actor) q = q.where('actor', '=', query.actor);
      if (query.type) q = q.where('event_type', '=', query.type);
      if (query.from) q = q.where('occurred_at', '>=', query.from);
      if (query.to) q = q.where('occurred_at', '<', query.to);
      if (after) q = q.where('position', '<', after[0]);
      const rows = await q.orderBy('position', 'desc').limit(query.limit + 1).execute();
      return {
        status: 200,
        body: pageFrom(rows, query.limit, (last) => [last.position], (r) => ({
          eventId: r.event_id,
          type: r.event_type,
          summary: r.summary,
          resourceType: r.resource_type,
          resourceId: r.resource_id,
          actor: r.actor,
          ip: r.ip,
          occurredAt: iso(r.occurred_at),
          correlationId: r.correlation_id,
        })),
      };
    },
  });
}
