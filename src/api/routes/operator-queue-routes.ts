import { z } from 'zod';
import type { OverdueInvoice, overdueInvoiceQueue } from '../../commands/overdue-invoice-queue.ts';
import type { pendingQuotaRequestsPage, PendingQuotaRequestRow } from '../../projections/quotas/pending-quota-request-queries.ts';
import type { failedReactorJobsPage, FailedJobRow } from '../../reactors/failed-job-queries.ts';
import { decodeCursor, decodeTimestampCursor, PageQuery, pageFrom, pageOf } from '../pagination.ts';
import type { Bound, Query, RouteRegistry } from '../route.ts';
import { QuotaRequestView } from '../schemas/quota-schemas.ts';
import { iso, isoOrNull } from './iso.ts';

const tags = ['operator queues'];

const PendingQuotaRequestView = QuotaRequestView.extend({ accountSlug: z.string(), accountName: z.string() }).meta({ id: 'PendingQuotaRequest' });

const OverdueInvoiceView = z
  .object({
    invoiceId: z.string(),
    number: z.string(),
    accountId: z.string(),
    accountSlug: z.string(),
    accountName: z.string(),
    accountStatus: z.enum(['active', 'suspended', 'closed']),
    period: z.string(),
    currency: z.string(),
    total: z.string(),
    amountDue: z.string(),
    dueDate: z.string(),
    timeZone: z.string().describe("the account's: days are counted in it"),
    daysOverdue: z.number().int().describe("calendar days after the due date in the account's zone, by the service's clock: 1 on the day after"),
    dunningStep: z
      .enum(['not_marked', 'marked_overdue', 'reminded', 'account_suspended'])
      .describe('how far dunning has got: not yet marked overdue by a run, marked, reminded (see lastReminderDay), or the account suspended by dunning'),
    overdueSince: z.string().nullable().describe('when dunning recorded it overdue'),
    lastReminderDay: z.number().int().nullable().describe('the latest reminder day recorded (1, 7, 14 after the due date)'),
  })
  .meta({ id: 'OverdueInvoice' });

const FailedJobView = z
  .object({
    reactor: z.string(),
    jobId: z.string(),
    kind: z.string(),
    subject: z.string(),
    accountId: z.string().nullable(),
    attempts: z.number().int(),
    error: z.string().nullable().describe("the last try's error, the remote's reason when it gave one"),
    createdAt: z.string(),
    failedAt: z.string(),
  })
  .meta({ id: 'FailedReactorJob' });

const FailedJobsQuery = z.strictObject({
  ...PageQuery.shape,
  reactor: z.string().min(1).max(100).regex(/^[a-z0-9-]+$/).optional().describe('one reactor (minio-buckets, email, webhooks, …)'),
});

export interface OperatorQueueRoutesDeps {
  pendingQuotaRequestsPage: Query<typeof pendingQuotaRequestsPage>;
  overdueInvoiceQueue: Bound<typeof overdueInvoiceQueue>;
  failedReactorJobsPage: Query<typeof failedReactorJobsPage>;
}

const pendingView = (row: PendingQuotaRequestRow) => ({
  requestId: row.request_id,
  accountId: row.account_id,
  accountSlug: row.account_slug,
  accountName: row.account_name,
  currentGiB: row.current_gib,
  requestedGiB: row.requested_gib,
  reason: row.reason,
  status: row.status,
  note: row.note,
  requestedAt: iso(row.requested_at),
  decidedAt: isoOrNull(row.decided_at),
});

const overdueView = ({ row, daysOverdue, amountDue, dunningStep }: OverdueInvoice) => ({
  invoiceId: row.invoice_id,
  number: row.number ?? '',
  accountId: row.account_id,
  accountSlug: row.account_slug,
  accountName: row.account_name,
  accountStatus: row.account_status,
  period: row.period,
  currency: row.currency,
  total: row.total,
  amountDue,
  dueDate: row.due_date,
  timeZone: row.time_zone,
  daysOverdue,
  dunningStep,
  overdueSince: isoOrNull(row.overdue_at),
  lastReminderDay: row.last_reminder_day,
});

const failedView = (row: FailedJobRow) => ({
  reactor: row.reactor,
  jobId: row.job_id,
  kind: row.kind,
  subject: row.subject,
  accountId: row.account_id,
  attempts: row.attempts,
  error: row.last_error,
  createdAt: iso(row.created_at),
  failedAt: iso(row.updated_at),
});

/** What waits for an operator, across accounts: the queues of `ops status` and dunning, through the API. */
export function registerOperatorQueueRoutes(routes: RouteRegistry, deps: OperatorQueueRoutesDeps): void {
  routes.add({
    method: 'GET',
    url: '/operator/queues/quota-requests',
    summary: 'Quota requests waiting for a decision, every account\'s, oldest first',
    tags,
    access: 'operator',
    readModels: ['accounts', 'quota-requests'],
    query: z.strictObject(PageQuery.shape),
    responses: { 200: pageOf(PendingQuotaRequestView) },
    async handler({ query }) {
      const after = decodeTimestampCursor(query.cursor);
      const rows = await deps.pendingQuotaRequestsPage({ ...(after ? { after: [after.at, after.id] as const } : {}), limit: query.limit + 1 });
      return { status: 200, body: pageFrom(rows, query.limit, (last) => [iso(last.requested_at), last.request_id], pendingView) };
    },
  });

  routes.add({
    method: 'GET',
    url: '/operator/queues/overdue-invoices',
    summary: "Invoices past their due date with something still due, oldest due date first, with days overdue (account's zone, service clock) and the dunning step reached",
    tags,
    access: 'operator',
    readModels: ['accounts', 'invoices'],
    query: z.strictObject(PageQuery.shape),
    responses: { 200: pageOf(OverdueInvoiceView) },
    async handler({ query, context }) {
      const after = decodeCursor(query.cursor, ['date', 'id']);
      const overdue = await deps.overdueInvoiceQueue(new Date(context.occurredAt), { ...(after ? { after } : {}), limit: query.limit + 1 });
      return { status: 200, body: pageFrom(overdue, query.limit, (last) => [last.row.due_date, last.row.invoice_id], overdueView) };
    },
  });

  routes.add({
    method: 'GET',
    url: '/operator/queues/failed-jobs',
    summary: 'Reactor jobs failed for good (as `ops status` lists them; `ops retry` puts one back), most recently failed first',
    tags,
    access: 'operator',
    // reactor jobs, taken in by the reactors' intake: no read model `?after=` waits for
    readModels: [],
    query: FailedJobsQuery,
    responses: { 200: pageOf(FailedJobView) },
    async handler({ query }) {
      const after = decodeCursor(query.cursor, ['instant', 'id', 'job']);
      const rows = await deps.failedReactorJobsPage({
        ...(query.reactor !== undefined ? { reactor: query.reactor } : {}),
        ...(after ? { after: [new Date(after[0]), after[1], after[2]] as const } : {}),
        limit: query.limit + 1,
      });
      return { status: 200, body: pageFrom(rows, query.limit, (last) => [iso(last.updated_at), last.reactor, last.job_id], failedView) };
    },
  });
}
