import { z } from 'zod';
import type { auditLogPage } from '../../projections/audit-log/audit-log-queries.ts';
import { decodeCursor, PageQuery, pageFrom, pageOf } from '../pagination.ts';
import type { Query, RouteRegistry } from '../route.ts';
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

export interface AuditLogRoutesDeps {
  auditLogPage: Query<typeof auditLogPage>;
}

export function registerAuditLogRoutes(routes: RouteRegistry, deps: AuditLogRoutesDeps): void {
  routes.add({
    method: 'GET',
    url: '/accounts/:accountId/audit-log',
    summary: 'Who did what to which resource, when and from where; newest first',
    tags: ['audit'],
    access: 'audit:read',
    readModels: ['audit-log'],
    params: AccountIdParams,
    query: AuditQuery,
    responses: { 200: pageOf(AuditEntryView) },
    async handler({ params, query }) {
      const after = decodeCursor(query.cursor, ['position']);
      const { resourceType, resourceId, actor, type: eventType, from, to } = query;
      const rows = await deps.auditLogPage(params.accountId, {
        ...(resourceType ? { resourceType } : {}),
        ...(resourceId ? { resourceId } : {}),
        ...(actor ? { actor } : {}),
        ...(eventType ? { eventType } : {}),
        ...(from ? { from } : {}),
        ...(to ? { to } : {}),
        ...(after ? { beforePosition: after[0] } : {}),
        limit: query.limit + 1,
      });
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
