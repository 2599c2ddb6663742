import http from 'node:http';
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
  /** connection errors and timeouts */
  errors: number;
  non2xx: number;
  /** the warm-up's own 99th percentile: a service meeting the load cold (pool opening, code compiling) */
  warmupP99: number;
  /** the slowest response of each second of the measured load, in ms: where a stall was */
  worstBySecond: number[];
  /** how late this generator sent each second's latest request, in ms: a stall of its own, not the service's */
  lateBySecond: number[];
}

/**
 * An open-loop load at a fixed rate (as wrk2 does): request i is due at start + i / rate,
 * is sent then whatever the earlier ones are doing, and its latency is counted from when it
 * was due, not from when it left. A service that stalls is charged for every request that
 * waited behind the stall, and a rate of 500/s is 500 requests spread over the second, not
 * 500 sent together at its start.
 */
export async function pacedLoad(baseUrl: string, options: PacedLoadOptions): Promise<PacedLoadOutcome> {
  const target = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const interval = 1000 / options.rate;
  const warmupCount = Math.round(options.warmupSeconds * options.rate);
  const total = warmupCount + Math.round(options.seconds * options.rate);
  const latencies: number[] = [];
  const worstBySecond: number[] = [];
  const warmupLatencies: number[] = [];
  const lateBySecond: number[] = [];
  let errors = 0;
  let non2xx = 0;
  const inFlight = new Set<Promise<void>>();

  const send = (index: number, due: number) => {
    const { path, headers } = options.next();
    const done = new Promise<void>((resolve) => {
      const request = http.request({ host: target.hostname, port: target.port, path, method: 'GET', agent, headers }, (response) => {
        response.resume();
        response.on('end', () => {
          if (index >= warmupCount) {
            const latency = performance.now() - due;
            latencies.push(latency);
            const second = Math.floor((index - warmupCount) / options.rate);
            worstBySecond[second] = Math.max(worstBySecond[second] ?? 0, Number(latency.toFixed(1)));
            if (process.env.READ_TRACE && latency > 40) process.stderr.write(`SLOW ${(performance.timeOrigin + due).toFixed(0)} ${latency.toFixed(0)} ${path}\n`);
          } else {
            warmupLatencies.push(performance.now() - due);
          }
          if (response.statusCode === undefined || response.statusCode < 200 || response.statusCode >= 300) non2xx++;
          resolve();
        });
        response.on('error', () => {
          errors++;
          resolve();
        });
      });
      request.setTimeout(10_000, () => request.destroy(new Error('timeout')));
      request.on('error', () => {
        errors++;
        resolve();
      });
      request.end();
    });
    inFlight.add(done);
    void done.then(() => inFlight.delete(done));
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
  await Promise.all(inFlight);
  agent.destroy();

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
