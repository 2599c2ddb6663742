import pg from 'pg';
import type { LeaseHandle, LeaseHolder, Leases } from '../../ports/leases.ts';

/** The first key of every lease's advisory lock: leases live apart from other advisory locks (the rebuild's use one key). */
const LEASE_KEY_SPACE = 1_117_011;

export interface AdvisoryLeaseOptions {
  connectionString: string;
  /** this process as others see it (the lease connection's application_name; PostgreSQL keeps 63 bytes) */
  holder: string;
  /** how often a lease not held is tried for, and the session of those held is checked */
  checkMs: number;
  log?: (line: string) => void;
}

interface Wanted {
  name: string;
  work: (signal: AbortSignal) => Promise<void>;
  held: boolean;
  controller: AbortController | null;
  running: Promise<void> | null;
}

/**
 * Leases as PostgreSQL session advisory locks, all on one connection of their own (not the
 * pool's): a lock lasts exactly as long as the session, so a process that dies (SIGKILL,
 * a lost machine) gives its leases up when the server ends its session, with no expiry
 * instant to compare and no clock involved. Each check tries the leases not held and runs
 * one statement on the session; a session that fails or ends stops the work of every lease
 * it held before a new one is opened.
 */
export class AdvisoryLeases implements Leases {
  readonly holder: string;
  private readonly options: AdvisoryLeaseOptions;
  private readonly wanted = new Map<string, Wanted>();
  private client: pg.Client | null = null;
  private connecting: Promise<pg.Client> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private checking: Promise<void> | null = null;
  private closed = false;
  /** statements on the one session, one after the other (pg wants no overlapping queries on a client) */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: AdvisoryLeaseOptions) {
    this.options = options;
    this.holder = options.holder.slice(0, 63);
  }

  hold(name: string, work: (signal: AbortSignal) => Promise<void>): LeaseHandle {
    if (this.wanted.has(name)) throw new Error(`lease ${name} is already wanted by this process`);
    const wanted: Wanted = { name, work, held: false, controller: null, running: null };
    this.wanted.set(name, wanted);
    if (!this.timer && !this.closed) {
      this.timer = setInterval(() => void this.checkNow(), this.options.checkMs);
      this.timer.unref();
    }
    void this.checkNow();
    return { release: () => this.release(wanted) };
  }

  async holders(names: readonly string[]): Promise<LeaseHolder[]> {
    const client = await this.connected();
    // A lock's second key is the name's hashtext as an oid (its 32 bits read unsigned).
    const { rows } = await this.query<{ lease: string; holder: string }>(
      client,
      `SELECT n.name AS lease, a.application_name AS holder
         FROM unnest($1::text[]) AS n(name)
         JOIN pg_locks l ON l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
          AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND l.classid::bigint = $2 AND l.objid::bigint = (hashtext(n.name)::bigint & 4294967295)
         JOIN pg_stat_activity a ON a.pid = l.pid
        ORDER BY n.name`,
      [names, LEASE_KEY_SPACE],
    );
    return rows;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.checking;
    await Promise.all([...this.wanted.values()].map((wanted) => this.stopWork(wanted)));
    this.wanted.clear();
    const client = this.client;
    this.client = null;
    // Ending the session gives up every lock it holds.
    await client?.end().catch(() => undefined);
  }

  private async release(wanted: Wanted): Promise<void> {
    if (this.wanted.get(wanted.name) !== wanted) return;
    this.wanted.delete(wanted.name);
    await this.checking;
    await this.stopWork(wanted);
    if (wanted.held && this.client) {
      await this.query(this.client, 'SELECT pg_advisory_unlock($1, hashtext($2))', [LEASE_KEY_SPACE, wanted.name]).catch(() => undefined);
    }
    wanted.held = false;
  }

  private async stopWork(wanted: Wanted): Promise<void> {
    wanted.controller?.abort();
    await wanted.running;
  }

  /** Tries now for the leases not held, and checks the session (also run every checkMs). One check at a time: a slow server must not pile them up. */
  checkNow(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.checking ??= this.checkOnce().finally(() => {
      this.checking = null;
    });
    return this.checking;
  }

  private async checkOnce(): Promise<void> {
    try {
      const client = await this.connected();
      let queried = false;
      for (const wanted of [...this.wanted.values()]) {
        // Work still stopping (its session was lost) is not started twice in this process.
        if (wanted.held || wanted.running || this.closed || this.wanted.get(wanted.name) !== wanted) continue;
        const { rows } = await this.query<{ locked: boolean }>(client, 'SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked', [LEASE_KEY_SPACE, wanted.name]);
        queried = true;
        if (rows[0]!.locked) this.begin(client, wanted);
      }
      // A statement that answers proves the session, and with it every lock it holds, still stands.
      if (!queried) await this.query(client, 'SELECT 1');
    } catch (error) {
      if (!this.closed) this.sessionLost(error);
    }
  }

  private begin(client: pg.Client, wanted: Wanted): void {
    wanted.held = true;
    const controller = new AbortController();
    wanted.controller = controller;
    wanted.running = wanted
      .work(controller.signal)
      .catch((error: unknown) => this.options.log?.(`lease ${wanted.name}: its work failed: ${error instanceof Error ? error.message : String(error)}`))
      .then(async () => {
        wanted.controller = null;
        wanted.running = null;
        if (controller.signal.aborted || this.client !== client) return;
        // Work that ended by itself gives the lease up: the next check (here or elsewhere) takes it again.
        wanted.held = false;
        await this.query(client, 'SELECT pg_advisory_unlock($1, hashtext($2))', [LEASE_KEY_SPACE, wanted.name]).catch(() => undefined);
      });
  }

  private sessionLost(error: unknown): void {
    const client = this.client;
    this.client = null;
    const held = [...this.wanted.values()].filter((wanted) => wanted.held);
    if (held.length > 0) {
      this.options.log?.(`leases lost with their PostgreSQL session (${error instanceof Error ? error.message : String(error)}): ${held.map((w) => w.name).join(', ')}`);
    }
    for (const wanted of held) {
      wanted.held = false;
      wanted.controller?.abort();
    }
    void client?.end().catch(() => undefined);
  }

  private query<R extends pg.QueryResultRow>(client: pg.Client, text: string, values: unknown[] = []): Promise<pg.QueryResult<R>> {
    const next = this.queue.then(() => client.query<R>(text, values));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private connected(): Promise<pg.Client> {
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= (async () => {
      const client = new pg.Client({ connectionString: this.options.connectionString, application_name: this.holder, keepAlive: true });
      // A dropped session must not crash the process: the next check notices and starts over.
      client.on('error', (error) => {
        if (this.client === client) this.sessionLost(error);
      });
      client.on('end', () => {
        if (this.client === client) this.sessionLost(new Error('the lease session ended'));
      });
      await client.connect();
      this.client = client;
      return client;
    })().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }
}
