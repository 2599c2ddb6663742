/**
 * The read bench's load generator (bench/read-api.ts), started as a process of its own.
 *
 * It imports nothing of the service: loaded with the service's modules, this process held
 * 50-100 MB of their code and compiled functions, and its scavenges took 10-20 ms, every one
 * of them a stall in sending that the paced load charges to the service (`lateBySecond`).
 */
import autocannon from 'autocannon';
import { pacedLoad } from './paced-load.ts';

/** The period whose usage the reads ask for. */
export const PERIOD = '2026-06';

export interface Target {
  accountId: string;
  invoiceId: string;
  token: string;
}

export interface LoadPlan {
  url: string;
  targets: Target[];
  rate: number;
  seconds: number;
  /** the same load first, for this long, not counted (paced and autocannon alike) */
  warmupSeconds: number;
}

export const ROUTES: [string, (t: Target) => string][] = [
  ['invoice list', (t) => `/accounts/${t.accountId}/invoices`],
  ['invoice', (t) => `/accounts/${t.accountId}/invoices/${t.invoiceId}`],
  ['usage so far', (t) => `/accounts/${t.accountId}/usage?period=${PERIOD}`],
  ['bucket list', (t) => `/accounts/${t.accountId}/buckets`],
];

export interface LoadOutcome {
  p50: number;
  p99: number;
  max: number;
  requests: number;
  errors: number;
  non2xx: number;
  /** requests answered during the warm-up (not in the latencies; in the CPU per request) */
  warmupRequests: number;
  /**
   * Percentiles of the responses as they came. autocannon's own (p50, p99) correct for
   * coordinated omission with an expected interval of ceil(1 / rate per connection) = 1 ms:
   * a response of L ms also counts as L - 1, L - 2, …, 1 ms, which pulls them below these.
   * Its rate limit sends each connection's share of a second back to back, then waits for the
   * next second: the 20 connections' requests arrive together. Printed for comparison;
   * api.read.p99 stays autocannon's.
   */
  uncorrected: { p50: number; p99: number };
  /** the same rate from autocannon: each second's requests in a burst */
  burst?: { p50: number; p99: number; max: number; errors: number };
  /** the paced load's slowest response in each second */
  worstBySecond?: number[];
  /** how late the generator itself sent requests in each second */
  lateBySecond?: number[];
  /** the paced warm-up's p99: the same load met by a service just started */
  coldP99?: number;
}

/** The child: the paced load, then autocannon's bursts, every request for a random account with its own token. */
async function generateLoad(plan: LoadPlan): Promise<LoadOutcome> {
  // Every account's four reads once, untimed: a service that has been running has met its
  // accounts (their plans, zones and earlier periods kept). The first read of each is the
  // unloaded 'first' median the parent prints; a cold start under this load is another figure.
  const warming = [...plan.targets];
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let target = warming.pop(); target; target = warming.pop()) {
        for (const [, path] of ROUTES) {
          const response = await fetch(new URL(path(target), plan.url), { headers: { authorization: `Bearer ${target.token}` } });
          await response.arrayBuffer();
        }
      }
    }),
  );
  let next = 0;
  const paced = await pacedLoad(plan.url, {
    rate: plan.rate,
    seconds: plan.seconds,
    warmupSeconds: plan.warmupSeconds,
    next: () => {
      const target = plan.targets[Math.floor(Math.random() * plan.targets.length)]!;
      return { path: ROUTES[next++ % ROUTES.length]![1](target), headers: { authorization: `Bearer ${target.token}` } };
    },
  });
  const burst = await burstLoad(plan);
  return {
    p50: paced.p50,
    p99: paced.p99,
    max: paced.max,
    requests: paced.requests + burst.requests + burst.warmupRequests,
    errors: paced.errors + burst.errors,
    non2xx: paced.non2xx + burst.non2xx,
    warmupRequests: paced.warmupRequests,
    uncorrected: burst.uncorrected,
    burst: { p50: burst.p50, p99: burst.p99, max: burst.max, errors: burst.errors + burst.non2xx },
    worstBySecond: paced.worstBySecond,
    lateBySecond: paced.lateBySecond,
    coldP99: paced.warmupP99,
  };
}

/** autocannon at the same rate: its rate limit sends each connection's share of a second together. */
async function burstLoad(plan: LoadPlan): Promise<LoadOutcome> {
  const paths = ROUTES.map(([, path]) => path);
  let turn = 0;
  // `warmup` is autocannon's own option; its type definitions lag behind it.
  const options: autocannon.Options & { warmup: { duration: number } } = {
    url: plan.url,
    connections: 20,
    overallRate: plan.rate,
    duration: plan.seconds,
    // The same load for the warm-up first, not counted: a running service has its pool's
    // connections open and its code compiled; opening 20 connections at once is not its latency.
    warmup: { duration: plan.warmupSeconds },
    requests: [
      {
        setupRequest: (request) => {
          const target = plan.targets[Math.floor(Math.random() * plan.targets.length)]!;
          const path = paths[turn++ % paths.length]!(target);
          return { ...request, method: 'GET', path, headers: { ...request.headers, authorization: `Bearer ${target.token}` } };
        },
      },
    ],
  };
  // Without a callback autocannon answers with its tracker, an event emitter that is also the promise of the result.
  const instance = autocannon(options) as unknown as autocannon.Instance & Promise<autocannon.Result>;
  // Each response as it came, beside autocannon's histogram (see `uncorrected` in LoadOutcome).
  const latencies: number[] = [];
  instance.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => latencies.push(ms));
  const result = await instance;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => Number((latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0).toFixed(1));
  // what went wrong during the warm-up still counts
  const warmup = (result as autocannon.Result & { warmup?: autocannon.Result }).warmup;
  const failed = (r: autocannon.Result | undefined) => (r ? r.errors + r.timeouts : 0);
  return { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max, requests: result.requests.total, errors: failed(result) + failed(warmup), non2xx: result.non2xx + (warmup?.non2xx ?? 0), warmupRequests: warmup?.requests.total ?? 0, uncorrected: { p50: at(0.5), p99: at(0.99) } };
}

if (process.argv.includes('--load')) {
  process.once('message', (plan) => {
    generateLoad(plan as LoadPlan)
      .then((outcome) => process.send!(outcome, () => process.exit(0)))
      .catch((error: unknown) => {
        console.error(error);
        process.exit(1);
      });
  });
}
