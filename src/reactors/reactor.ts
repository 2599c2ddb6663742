import type { RecordedEvent } from '../ports/event-store.ts';

/**
 * A reactor turns events into work on the outside world (MinIO, SFTPGo, SMTP) and records
 * the outcome as events. It is fed from the log like a projection, with its own checkpoint,
 * but the log only tells it what to do: the doing happens in jobs, retried with backoff,
 * one subject at a time, so a slow or absent remote never holds the log back.
 */
/** What a job does and what it carries: each reactor names its own jobs as a union of these. */
export interface JobSpec {
  /** what to do, e.g. 'create' */
  kind: string;
  payload: object;
}

/** A job of no reactor in particular, as the runner stores and hands it on. */
export type AnyJob = { kind: string; payload: Record<string, unknown> };

/**
 * `Job`: the reactor's own jobs, a union over `kind`; what `jobsFor` asks for is what
 * `perform` is given back (the runner stores it and reads it back as it was). `Outcome`: what
 * an at-most-once job notes when the remote accepted it.
 */
export interface Reactor<Job extends JobSpec = AnyJob, Outcome extends object = Record<string, unknown>> {
  /** its checkpoint's name (`reactor:<name>`), and what `ops retry <reactor> <job>` names */
  readonly name: string;
  readonly eventTypes: ReadonlySet<string>;
  /** the work an event asks for (often one job, sometimes none). Pure: reads only the event. */
  jobsFor(event: RecordedEvent): ReactorJobRequest<Job>[];
  /**
   * Why the reactor cannot work now (its remote is not configured), or null. Its jobs then
   * wait, pending and visible in `ops status`; nothing pretends they were done.
   */
  unavailable(): string | null;
  /**
   * Does the job: checks the remote's state first and does only what is missing, so doing
   * a job twice (after a crash before its outcome was recorded) changes nothing more; then
   * records the outcome event. Throws on failure; a RemoteError says whether to retry.
   */
  perform(job: ReactorJob<Job>, context: ReactorContext<Outcome>): Promise<void>;
  /** Records that the job failed for good (e.g. BucketProvisioningFailed), with the remote's reason. */
  giveUp(job: ReactorJob<Job>, reason: string, context: ReactorContext<Outcome>): Promise<void>;
  /**
   * true for side effects the remote cannot be asked about (a sent mail): a job found
   * started but not finished after a crash is failed as "outcome unknown", never redone.
   */
  readonly atMostOnce?: boolean;
  /**
   * Its own retry schedule, where the runner's (a few minutes, for remotes we run) does not
   * fit: a customer's webhook endpoint may be down for hours.
   */
  readonly retry?: { maxAttempts: number; baseMs: number; maxMs: number };
  /**
   * For at-most-once jobs found started: whether the outcome was recorded after all (the
   * crash came between recording it and marking the job done). Then the job is done.
   */
  alreadyDone?(job: ReactorJob<Job>): Promise<boolean>;
  /**
   * For at-most-once jobs whose `perform` called `context.accepted(outcome)`: records that
   * outcome (events, shredding a key). Idempotent. A retry after the remote accepted calls
   * only this, with the outcome noted then, so the side effect is never repeated.
   */
  recordOutcome?(job: ReactorJob<Job>, outcome: Outcome, context: ReactorContext<Outcome>): Promise<void>;
}

export type ReactorJobRequest<Job extends JobSpec = AnyJob> = Job & {
  /** unique within the reactor; usually the event id, plus a suffix when one event asks for several jobs */
  jobId: string;
  /** jobs of one subject run in log order, one at a time */
  subject: string;
  accountId: string | null;
  /** not before this instant (ISO), e.g. deleting an old key once its grace ends */
  notBefore?: string;
};

export type ReactorJob<Job extends JobSpec = AnyJob> = ReactorJobRequest<Job> & {
  reactor: string;
  /** the position of the event that asked for it */
  position: string;
  /** 1 on the first try */
  attempt: number;
};

export interface ReactorContext<Outcome extends object = Record<string, unknown>> {
  /** the instant of this try: becomes the outcome event's time */
  now: Date;
  /** metadata for the outcome events: actor `system:reactor:<name>`, caused by the job's event */
  command: { actor: string; correlationId: string; causationId: string; occurredAt: string };
  /**
   * An at-most-once `perform` calls this the moment the remote accepted the side effect,
   * with what recording its outcome needs, then records it (`recordOutcome`). If recording
   * fails from here on, the job retries the recording alone.
   */
  accepted(outcome: Outcome): Promise<void>;
}

/**
 * Thrown by `perform` when this one job cannot be done until something is configured (an
 * account without its own SMTP server while the platform has none either). The job waits,
 * pending, with the reason shown in `ops status`; waiting does not count as a try.
 */
export class ReactorWaiting extends Error {
  override readonly name = 'ReactorWaiting';
  constructor(
    message: string,
    /** when to look again; default: the runner's wait (a minute) */
    readonly retryInMs?: number,
  ) {
    super(message);
  }
}
