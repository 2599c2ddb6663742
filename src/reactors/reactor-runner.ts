import { setMaxListeners } from 'node:events';
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import { DomainError, NotFoundError } from '../domain/errors.ts';
import type { EventStore } from '../ports/event-store.ts';
import { soleLeases, type LeaseHandle, type Leases } from '../ports/leases.ts';
import { RemoteError } from '../ports/remote-error.ts';
import { abortableSleep } from '../projections/abortable-sleep.ts';
import type { Projection } from '../projections/projection.ts';
import { ProjectionRunner, type RunnerLogger } from '../projections/projection-runner.ts';
import type { ProjectionCheckpointTables } from '../projections/read-model-database.ts';
import { ReactorWaiting, type Reactor, type ReactorContext, type ReactorJob } from './reactor.ts';
import type { ReactorJobsTable, ReactorTables } from './reactor-tables.ts';

/** What the runner touches: its job table, and the checkpoints of its intake from the log. */
export type ReactorDatabase = ReactorTables & ProjectionCheckpointTables;

export interface ReactorRunnerOptions {
  db: Kysely<ReactorDatabase>;
  eventStore: EventStore;
  reactors: readonly Reactor[];
  clock?: () => Date;
  /** tries before a job is failed for good; default 8 */
  maxAttempts?: number;
  /** first retry delay; doubles each try up to retryMaxMs; default 2 s */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** how long a claimed job is ours before another worker may take it; default 5 min */
  leaseMs?: number;
  /** how often an idle worker looks for due jobs; default 1 s */
  pollMs?: number;
  /** how long a job that waits for configuration waits before it looks again; default 60 s */
  waitMs?: number;
  batchSize?: number;
  logger?: RunnerLogger;
  /** one process at a time takes each reactor's work in and works it off (`reactor:<name>`); default: this process alone */
  leases?: Leases;
}

/** The lease under which a process takes a reactor's work in from the log and works its jobs. */
/**
 * How long a job waits after its `attempts`-th failed try, before jitter (the runner spreads
 * it over 75 % to 125 %): doubling from `baseMs`, at most `maxMs`.
 */
export const retryDelayMs = (attempts: number, retry: { baseMs: number; maxMs: number }): number => Math.min(retry.maxMs, retry.baseMs * 2 ** (attempts - 1));

export const reactorLeaseOf = (reactor: string) => `reactor:${reactor}`;

export interface ReactorFailure {
  jobId: string;
  kind: string;
  subject: string;
  attempts: number;
  error: string | null;
  failedAt: Date;
}

export interface ReactorStatus {
  reactor: string;
  /** null when it can work; otherwise why its jobs wait */
  unavailable: string | null;
  /** events of its types not yet taken in */
  lag: bigint;
  pending: number;
  /** pending jobs that already failed at least once and wait for their next try */
  retrying: number;
  failed: number;
  done: number;
  /** the most recent failures, newest first */
  failures: ReactorFailure[];
}

type JobRow = Selectable<ReactorJobsTable>;

const intakeName = (reactor: Reactor) => `reactor:${reactor.name}`;

function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.length > 1000 ? `${message.slice(0, 997)}...` : message;
}

/** A remote's "no" (bad request, forbidden) or a rule of ours refusing: trying again cannot help. */
function isPermanent(error: unknown): boolean {
  if (error instanceof RemoteError) return !error.retryable;
  return error instanceof DomainError;
}

/**
 * Takes each reactor's work in from the log (a projection writing job rows, so the job and
 * the checkpoint that covers its event commit together: no job lost, none taken twice) and
 * works the jobs off: claimed under a lease, one subject at a time in log order, retried
 * with exponential backoff, failed for good after `maxAttempts` or a permanent refusal.
 */
export class ReactorRunner {
  private readonly db: Kysely<ReactorDatabase>;
  private readonly reactors: readonly Reactor[];
  private readonly intake: ProjectionRunner<ReactorDatabase>;
  private readonly clock: () => Date;
  private readonly maxAttempts: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly waitMs: number;
  private readonly logger: RunnerLogger;
  private readonly leases: Leases;
  private held: LeaseHandle[] = [];

  constructor(options: ReactorRunnerOptions) {
    this.db = options.db;
    this.reactors = options.reactors;
    this.clock = options.clock ?? (() => new Date());
    this.maxAttempts = options.maxAttempts ?? 8;
    this.retryBaseMs = options.retryBaseMs ?? 2_000;
    this.retryMaxMs = options.retryMaxMs ?? 15 * 60_000;
    this.leaseMs = options.leaseMs ?? 5 * 60_000;
    this.pollMs = options.pollMs ?? 1_000;
    this.waitMs = options.waitMs ?? 60_000;
    this.logger = options.logger ?? { info: () => undefined, error: () => undefined };
    this.leases = options.leases ?? soleLeases();
    this.intake = new ProjectionRunner({
      db: options.db,
      eventStore: options.eventStore,
      projections: this.reactors.map((reactor) => this.intakeProjection(reactor)),
      clock: this.clock,
      batchSize: options.batchSize,
      logger: this.logger,
    });
  }

  /** every reactor's name */
  names(): string[] {
    return this.reactors.map((reactor) => reactor.name);
  }

  reactor(name: string): Reactor {
    const found = this.reactors.find((r) => r.name === name);
    if (!found) throw new NotFoundError('reactor_not_found', `no reactor named "${name}"; known: ${this.reactors.map((r) => r.name).join(', ')}`);
    return found;
  }

  /** Takes in and works off each reactor's jobs while this process holds that reactor's lease. */
  start(): void {
    if (this.held.length > 0) return;
    for (const reactor of this.reactors) {
      const reason = reactor.unavailable();
      if (reason) this.logger.info(`reactor ${reactor.name}: ${reason}; its jobs wait until it is configured`);
    }
    this.held = this.reactors.map((reactor) =>
      this.leases.hold(reactorLeaseOf(reactor.name), async (signal) => {
        setMaxListeners(20, signal);
        await this.takeOverClaims(reactor);
        await Promise.all([this.intake.follow(intakeName(reactor), signal), this.work(reactor, signal)]);
      }),
    );
  }

  async stop(): Promise<void> {
    const held = this.held;
    this.held = [];
    await Promise.allSettled(held.map((lease) => lease.release()));
  }

  /**
   * Just given the reactor's lease, this process has claimed none of its jobs: a job still
   * claimed was claimed by the process that held the lease before and died (or lost its
   * session). Its claim is dropped so the job is tried now rather than when the claim would
   * have run out; an at-most-once job already started is then resolved as after any crash
   * (asked whether it was done, or failed as unknown), never sent blindly again.
   */
  private async takeOverClaims(reactor: Reactor): Promise<void> {
    const dropped = await this.db
      .updateTable('reactor_jobs')
      .set({ leased_until: null, lease_token: null })
      .where('reactor', '=', reactor.name)
      .where('status', '=', 'pending')
      .where('lease_token', 'is not', null)
      .executeTakeFirst();
    if (dropped.numUpdatedRows > 0n) this.logger.info(`reactor ${reactor.name}: took over ${dropped.numUpdatedRows} jobs claimed by a process that held its lease before`);
  }

  /** Takes in every event committed so far (tests and ops). */
  async catchUp(names?: readonly string[]): Promise<void> {
    await this.intake.catchUp(names?.map((name) => intakeName(this.reactor(name))));
  }

  /**
   * Works off every job due now, for the named reactors (all by default), until none is
   * due; returns how many tries were made. Jobs waiting for a retry later are left alone.
   */
  async drain(names?: readonly string[]): Promise<number> {
    const selected = names ? names.map((n) => this.reactor(n)) : this.reactors;
    let tries = 0;
    for (const reactor of selected) {
      if (reactor.unavailable()) continue;
      for (;;) {
        const done = await this.runDue(reactor);
        if (done === 0) break;
        tries += done;
      }
    }
    return tries;
  }

  async status(): Promise<ReactorStatus[]> {
    const intake = await this.intake.status();
    const counts = await this.db
      .selectFrom('reactor_jobs')
      .select(['reactor', 'status'])
      .select((eb) => [eb.fn.countAll<string>().as('jobs'), eb.fn.sum<string>(sql`case when attempts > 0 and status = 'pending' then 1 else 0 end`).as('retrying')])
      .groupBy(['reactor', 'status'])
      .execute();
    const failures = await this.db
      .selectFrom('reactor_jobs')
      .selectAll()
      .where('status', '=', 'failed')
      .orderBy('updated_at', 'desc')
      .limit(50)
      .execute();
    return this.reactors.map((reactor) => {
      const of = (status: string) => Number(counts.find((c) => c.reactor === reactor.name && c.status === status)?.jobs ?? 0);
      return {
        reactor: reactor.name,
        unavailable: reactor.unavailable(),
        lag: intake.find((s) => s.projection === intakeName(reactor))?.lag ?? 0n,
        pending: of('pending'),
        retrying: Number(counts.find((c) => c.reactor === reactor.name && c.status === 'pending')?.retrying ?? 0),
        failed: of('failed'),
        done: of('done'),
        failures: failures
          .filter((f) => f.reactor === reactor.name)
          .slice(0, 10)
          .map((f) => ({ jobId: f.job_id, kind: f.kind, subject: f.subject, attempts: f.attempts, error: f.last_error, failedAt: f.updated_at })),
      };
    });
  }

  /** Puts a failed job back in line for another round of tries (`ops retry`). */
  async retry(reactorName: string, jobId: string): Promise<void> {
    const reactor = this.reactor(reactorName);
    const updated = await this.db
      .updateTable('reactor_jobs')
      .set({ status: 'pending', attempts: 0, not_before: this.clock(), leased_until: null, lease_token: null, started_at: null, updated_at: this.clock() })
      .where('reactor', '=', reactor.name)
      .where('job_id', '=', jobId)
      .where('status', '=', 'failed')
      .executeTakeFirst();
    if (updated.numUpdatedRows === 0n) {
      const job = await this.db.selectFrom('reactor_jobs').select('status').where('reactor', '=', reactor.name).where('job_id', '=', jobId).executeTakeFirst();
      throw new NotFoundError(
        'reactor_job_not_found',
        job ? `job ${jobId} of reactor ${reactor.name} is ${job.status}, not failed: nothing to retry` : `reactor ${reactor.name} has no job ${jobId}`,
      );
    }
  }

  private intakeProjection(reactor: Reactor): Projection<ReactorDatabase> {
    const clock = this.clock;
    return {
      name: intakeName(reactor),
      eventTypes: reactor.eventTypes,
      // Never rebuilt: emptying the job table would forget what was already done.
      tables: [],
      async apply(trx, event) {
        for (const job of reactor.jobsFor(event)) {
          const now = clock();
          await trx
            .insertInto('reactor_jobs')
            .values({
              reactor: reactor.name,
              job_id: job.jobId,
              subject: job.subject,
              account_id: job.accountId,
              kind: job.kind,
              position: event.position,
              event_id: event.eventId,
              correlation_id: event.metadata.correlationId,
              payload: JSON.stringify(job.payload),
              not_before: job.notBefore ? new Date(job.notBefore) : now,
              created_at: now,
              updated_at: now,
            })
            .onConflict((oc) => oc.columns(['reactor', 'job_id']).doNothing())
            .execute();
        }
      },
    };
  }

  private async work(reactor: Reactor, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      let tried = 0;
      try {
        if (!reactor.unavailable()) tried = await this.runDue(reactor);
      } catch (error) {
        // The job table itself failed (database down): wait and look again.
        this.logger.error(`reactor ${reactor.name}: ${reasonOf(error)}`);
      }
      if (tried === 0) await abortableSleep(this.pollMs, signal);
    }
  }

  /**
   * Claims the due jobs (the first open job of each subject) and tries each once. The claim
   * takes a lease under a token of its own; each try renews it first and every write of
   * the try is conditional on the token, so a worker whose lease ran out (another took the
   * job) neither does the job nor overwrites what the other recorded.
   */
  private async runDue(reactor: Reactor): Promise<number> {
    const now = this.clock();
    const token = randomUUID();
    const claimed = await sql<JobRow>`
      UPDATE reactor_jobs j SET leased_until = ${new Date(now.getTime() + this.leaseMs)}, lease_token = ${token}, updated_at = ${now}
       WHERE (j.reactor, j.job_id) IN (
         SELECT c.reactor, c.job_id FROM reactor_jobs c
          WHERE c.reactor = ${reactor.name} AND c.status = 'pending' AND c.not_before <= ${now}
            AND (c.leased_until IS NULL OR c.leased_until < ${now})
            -- an earlier job of the subject holds this one back once it has been tried
            -- (also while it waits for configuration) or is due; not once it failed for
            -- good, nor while, never tried, it only waits for its time
            AND NOT EXISTS (
              SELECT 1 FROM reactor_jobs e
               WHERE e.reactor = c.reactor AND e.subject = c.subject AND e.status = 'pending'
                 AND (e.first_tried_at IS NOT NULL OR e.not_before <= ${now})
                 AND (e.position, e.job_id) < (c.position, c.job_id))
          ORDER BY c.position, c.job_id
          LIMIT 10
          FOR UPDATE SKIP LOCKED)
      RETURNING j.*`.execute(this.db);
    let tried = 0;
    for (const row of claimed.rows) if (await this.tryJob(reactor, row, token)) tried++;
    return tried;
  }

  /** Renews the lease and counts the try; false when the job is no longer ours. */
  private async renew(row: JobRow, token: string, now: Date): Promise<JobRow | null> {
    const renewed = await this.db
      .updateTable('reactor_jobs')
      .set((eb) => ({
        leased_until: new Date(now.getTime() + this.leaseMs),
        attempts: eb('attempts', '+', 1),
        first_tried_at: eb.fn.coalesce('first_tried_at', sql<Date>`${now}::timestamptz`),
        updated_at: now,
      }))
      .where('reactor', '=', row.reactor)
      .where('job_id', '=', row.job_id)
      .where('lease_token', '=', token)
      .where('status', '=', 'pending')
      .returningAll()
      .executeTakeFirst();
    return renewed ?? null;
  }

  private async tryJob(reactor: Reactor, claimed: JobRow, token: string): Promise<boolean> {
    const now = this.clock();
    const row = await this.renew(claimed, token, now);
    if (!row) return false;
    const job: ReactorJob = {
      reactor: reactor.name,
      jobId: row.job_id,
      subject: row.subject,
      accountId: row.account_id,
      kind: row.kind,
      payload: row.payload as Record<string, unknown>,
      position: row.position,
      attempt: row.attempts,
    };
    const write = (changes: Partial<Omit<JobRow, 'reactor' | 'job_id'>>) => this.update(row, token, changes);
    // Set once the remote accepted an at-most-once side effect: from then on only its recording is retried.
    let accepted = row.accepted_outcome !== null && row.accepted_outcome !== undefined;
    const context: ReactorContext = {
      now,
      command: { actor: `system:reactor:${reactor.name}`, correlationId: row.correlation_id, causationId: row.event_id, occurredAt: now.toISOString() },
      accepted: async (outcome) => {
        accepted = true;
        await write({ accepted_outcome: JSON.stringify(outcome) });
      },
    };
    if (reactor.atMostOnce && accepted && reactor.recordOutcome) {
      try {
        await reactor.recordOutcome(job, row.accepted_outcome as Record<string, unknown>, context);
      } catch (error) {
        return this.recordingFailed(reactor, job, row, token, error);
      }
      await write({ status: 'done', done_at: now, leased_until: null, last_error: null });
      return true;
    }
    if (reactor.atMostOnce) {
      if (row.started_at) {
        if (await reactor.alreadyDone?.(job)) {
          await write({ status: 'done', done_at: now, leased_until: null, last_error: null });
        } else {
          await this.fail(reactor, job, context, token, 'outcome unknown: the service stopped while this was being sent; not sent again automatically (ops retry sends it again)');
        }
        return true;
      }
      await write({ started_at: now });
    }
    try {
      await reactor.perform(job, context);
    } catch (error) {
      if (accepted) return this.recordingFailed(reactor, job, row, token, error);
      const reason = reasonOf(error);
      if (error instanceof ReactorWaiting) {
        await write({ status: 'pending', attempts: row.attempts - 1, not_before: new Date(now.getTime() + (error.retryInMs ?? this.waitMs)), leased_until: null, started_at: null, last_error: `waiting: ${reason}` });
        return true;
      }
      const maxAttempts = reactor.retry?.maxAttempts ?? this.maxAttempts;
      if (isPermanent(error) || row.attempts >= maxAttempts) {
        await this.fail(reactor, job, context, token, row.attempts >= maxAttempts && !isPermanent(error) ? `gave up after ${row.attempts} tries: ${reason}` : reason);
        return true;
      }
      const notBefore = this.nextTryAt(now, row.attempts, reactor);
      this.logger.error(`reactor ${reactor.name} job ${job.jobId} (${job.kind}) try ${row.attempts} failed, next at ${notBefore.toISOString()}: ${reason}`);
      await write({ status: 'pending', not_before: notBefore, leased_until: null, started_at: null, last_error: reason });
      return true;
    }
    await write({ status: 'done', done_at: now, leased_until: null, last_error: null });
    return true;
  }

  /**
   * The remote accepted the side effect but recording its outcome failed: the job stays
   * started and accepted, so every later try (and `ops retry`) records only. Given up, it
   * says it was done; no failure outcome is recorded for work that happened.
   */
  private async recordingFailed(reactor: Reactor, job: ReactorJob, row: JobRow, token: string, error: unknown): Promise<boolean> {
    const now = this.clock();
    const reason = reasonOf(error);
    if (row.attempts >= this.maxAttempts) {
      const recorded = `sent, but recording it failed after ${row.attempts} tries (ops retry records it, never sends again): ${reason}`;
      this.logger.error(`reactor ${reactor.name} job ${job.jobId} (${job.kind}) failed: ${recorded}`);
      await this.update(row, token, { status: 'failed', leased_until: null, last_error: recorded });
      return true;
    }
    const notBefore = this.nextTryAt(now, row.attempts);
    this.logger.error(`reactor ${reactor.name} job ${job.jobId} (${job.kind}) was sent; recording it failed (try ${row.attempts}), next at ${notBefore.toISOString()}: ${reason}`);
    await this.update(row, token, { status: 'pending', not_before: notBefore, leased_until: null, last_error: reason });
    return true;
  }

  private nextTryAt(now: Date, attempts: number, reactor?: Reactor): Date {
    const delay = retryDelayMs(attempts, { baseMs: reactor?.retry?.baseMs ?? this.retryBaseMs, maxMs: reactor?.retry?.maxMs ?? this.retryMaxMs });
    // Jitter keeps a fleet of failed jobs from coming back in lockstep.
    return new Date(now.getTime() + delay * (0.75 + Math.random() * 0.5));
  }

  private async fail(reactor: Reactor, job: ReactorJob, context: ReactorContext, token: string, reason: string): Promise<void> {
    this.logger.error(`reactor ${reactor.name} job ${job.jobId} (${job.kind}) failed: ${reason}`);
    let recorded = reason;
    try {
      await reactor.giveUp(job, reason, context);
    } catch (error) {
      recorded = `${reason} (and recording the failure failed: ${reasonOf(error)})`;
    }
    await this.db
      .updateTable('reactor_jobs')
      .set({ status: 'failed', leased_until: null, last_error: recorded, updated_at: context.now })
      .where('reactor', '=', job.reactor)
      .where('job_id', '=', job.jobId)
      .where('lease_token', '=', token)
      .execute();
  }

  private async update(row: JobRow, token: string, changes: Partial<Omit<JobRow, 'reactor' | 'job_id'>>): Promise<void> {
    await this.db
      .updateTable('reactor_jobs')
      .set({ ...changes, updated_at: this.clock() } as never)
      .where('reactor', '=', row.reactor)
      .where('job_id', '=', row.job_id)
      .where('lease_token', '=', token)
      .execute();
  }
}
