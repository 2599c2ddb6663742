import net from 'node:net';
import { performance } from 'node:perf_hooks';

export interface PacedLoadOptions {
  /** requests per second, spread evenly: one every 1000 / rate ms */
  rate: number;
  seconds: number;
  /** the same load first, for this long, not counted in the latencies (its failures are) */
  warmupSeconds: number;
  /** the next request: path and headers */
  next: () => { path: string; headers: Record<string, string> };
}

export interface PacedLoadOutcome {
  requests: number;
  warmupRequests: number;
  p50: number;
  p99: number;
  max: number;
  /** connection errors, timeouts and answers that are not HTTP/1.1 with a length */
  errors: number;
  non2xx: number;
  /** the warm-up's own 99th percentile: a service meeting the load cold (pool opening, code compiling) */
  warmupP99: number;
  /** the slowest response of each second of the measured load, in ms: where a stall was */
  worstBySecond: number[];
  /** how late this generator sent each second's latest request, in ms: a stall of its own, not the service's */
  lateBySecond: number[];
}

const TIMEOUT_MS = 10_000;
/** as node:http's agent had it: beyond this, requests wait for a connection (timed from when they were due all the same) */
const MAX_CONNECTIONS = 256;
const HEADER_END = Buffer.from('\r\n\r\n');

/** One request in flight on a connection: when it was due, and what to do with its answer. */
interface Exchange {
  due: number;
  done: (status: number | null) => void;
}

/**
 * A keep-alive HTTP/1.1 connection that sends prepared requests and reads answers framed by
 * Content-Length, one at a time. Why not node:http's client: it cost 0.33-0.37 ms of CPU a
 * request, a fifth of a core at 500 requests/s on a 2-core machine shared with the service and
 * PostgreSQL, and its allocations gave the generator scavenges that stalled its sending and
 * its reading of answers, both charged to the service. The service answers every read with a
 * length; anything else counts as an error, never as a response.
 */
class Connection {
  private readonly socket: net.Socket;
  private pending: Buffer = Buffer.alloc(0);
  private exchange: Exchange | null = null;
  private broken = false;

  constructor(
    host: string,
    port: number,
    private readonly idle: (connection: Connection) => void,
    private readonly lost: (connection: Connection) => void,
  ) {
    this.socket = net.connect({ host, port, noDelay: true });
    this.socket.on('data', (chunk: Buffer) => this.receive(chunk));
    const fail = () => this.fail();
    this.socket.on('error', fail);
    this.socket.on('close', fail);
  }

  get usable(): boolean {
    return !this.broken;
  }

  get dueOfExchange(): number | null {
    return this.exchange?.due ?? null;
  }

  send(request: string, exchange: Exchange): void {
    this.exchange = exchange;
    this.socket.write(request, 'latin1');
  }

  destroy(): void {
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    // Bytes nobody asked for: drop the connection, or it would be handed out twice.
    if (this.exchange === null) return this.fail();
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const headerEnd = this.pending.indexOf(HEADER_END);
    if (headerEnd < 0) return;
    const head = this.pending.toString('latin1', 0, headerEnd);
    const status = Number(head.slice(9, 12));
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    if (!head.startsWith('HTTP/1.1 ') || !Number.isInteger(status) || !length) return this.fail();
    const end = headerEnd + HEADER_END.length + Number(length[1]);
    if (this.pending.length < end) return;
    if (this.pending.length > end) return this.fail(); // nothing was asked for beyond this answer
    this.pending = Buffer.alloc(0);
    const exchange = this.exchange;
    this.exchange = null;
    exchange.done(status);
    if (/\r\nconnection: *close/i.test(head)) this.fail();
    else this.idle(this);
  }

  /** An error, a close, a timeout or an answer that cannot be framed: the exchange failed and the connection is dropped. */
  fail(): void {
    const exchange = this.exchange;
    this.exchange = null;
    exchange?.done(null);
    if (!this.broken) {
      this.broken = true;
      this.socket.destroy();
      this.lost(this);
    }
  }
}

/**
 * An open-loop load at a fixed rate (as wrk2 does): request i is due at start + i / rate,
 * is sent then whatever the earlier ones are doing, on an idle connection or a new one, and
 * its latency is counted from when it was due, not from when it left. A service that stalls
 * is charged for every request that waited behind the stall, and a rate of 500/s is 500
 * requests spread over the second, not 500 sent together at its start.
 */
export async function pacedLoad(baseUrl: string, options: PacedLoadOptions): Promise<PacedLoadOutcome> {
  const target = new URL(baseUrl);
  const host = target.hostname;
  const port = Number(target.port);
  const interval = 1000 / options.rate;
  const warmupCount = Math.round(options.warmupSeconds * options.rate);
  const total = warmupCount + Math.round(options.seconds * options.rate);
  const latencies: number[] = [];
  const worstBySecond: number[] = [];
  const warmupLatencies: number[] = [];
  const lateBySecond: number[] = [];
  let errors = 0;
  let non2xx = 0;
  let inFlight = 0;
  let allAnswered: () => void = () => undefined;

  const idle: Connection[] = [];
  const open = new Set<Connection>();
  /** requests due while every connection was busy and MAX_CONNECTIONS were open, oldest first */
  const waiting: { request: string; exchange: Exchange }[] = [];
  const release = (connection: Connection) => {
    const next = waiting.shift();
    if (next) connection.send(next.request, next.exchange);
    else idle.push(connection);
  };
  const opened = () => {
    const connection = new Connection(host, port, release, (gone) => {
      open.delete(gone);
      // the oldest waiting request takes the place this connection leaves
      const next = waiting.shift();
      if (next) dispatch(next.request, next.exchange);
    });
    open.add(connection);
    return connection;
  };
  const dispatch = (request: string, exchange: Exchange) => {
    for (let candidate = idle.pop(); candidate; candidate = idle.pop()) if (candidate.usable) return candidate.send(request, exchange);
    if (open.size < MAX_CONNECTIONS) return opened().send(request, exchange);
    waiting.push({ request, exchange });
  };
  // Timeouts are swept once a second rather than armed per request (a timer each is the cost
  // this generator avoids); like the latency, a timeout counts from when the request was due.
  const sweep = setInterval(() => {
    const now = performance.now();
    for (const candidate of open) {
      const due = candidate.dueOfExchange;
      if (due !== null && now - due > TIMEOUT_MS) candidate.fail();
    }
    while (waiting.length > 0 && now - waiting[0]!.exchange.due > TIMEOUT_MS) waiting.shift()!.exchange.done(null);
  }, 1000);

  const send = (index: number, due: number) => {
    const { path, headers } = options.next();
    let request = `GET ${path} HTTP/1.1\r\nhost: ${target.host}\r\n`;
    for (const [name, value] of Object.entries(headers)) request += `${name}: ${value}\r\n`;
    inFlight++;
    dispatch(`${request}\r\n`, {
      due,
      done: (status) => {
        const latency = performance.now() - due;
        if (status !== null && (status < 200 || status >= 300)) non2xx++;
        // as node:http's client had it: a failed request is an error, not a latency
        if (status === null) errors++;
        else if (index >= warmupCount) {
          latencies.push(latency);
          const second = Math.floor((index - warmupCount) / options.rate);
          worstBySecond[second] = Math.max(worstBySecond[second] ?? 0, Number(latency.toFixed(1)));
          if (process.env.READ_TRACE && latency > 40) process.stderr.write(`SLOW ${(performance.timeOrigin + due).toFixed(0)} ${latency.toFixed(0)} ${path}\n`);
        } else {
          warmupLatencies.push(latency);
        }
        if (--inFlight === 0) allAnswered();
      },
    });
  };

  const start = performance.now();
  for (let index = 0; index < total; ) {
    const now = performance.now();
    // every request already due leaves now: a late timer does not thin out the load
    while (index < total && start + index * interval <= now) {
      if (index >= warmupCount) {
        const second = Math.floor((index - warmupCount) / options.rate);
        lateBySecond[second] = Math.max(lateBySecond[second] ?? 0, Number((now - (start + index * interval)).toFixed(1)));
      }
      send(index, start + index * interval);
      index++;
    }
    if (index < total) await new Promise((resolve) => setTimeout(resolve, Math.max(0, start + index * interval - performance.now())));
  }
  if (inFlight > 0) await new Promise<void>((resolve) => (allAnswered = resolve));
  clearInterval(sweep);
  for (const candidate of open) candidate.destroy();

  const percentile = (values: number[], q: number) => {
    values.sort((a, b) => a - b);
    return Number((values[Math.min(values.length - 1, Math.floor(q * values.length))] ?? 0).toFixed(1));
  };
  return {
    requests: latencies.length,
    warmupRequests: warmupCount,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    max: percentile(latencies, 1),
    errors,
    non2xx,
    warmupP99: percentile(warmupLatencies, 0.99),
    worstBySecond,
    lateBySecond,
  };
}
