import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresEventStore } from '../../src/adapters/event-store/postgres-event-store.ts';
import { createPool } from '../../src/adapters/postgres/database.ts';
import { runBilling } from '../../src/commands/billing-run.ts';
import { handleCommand, type CommandContext } from '../../src/commands/command-handler.ts';
import { digestOf } from '../../src/commands/invoice-inputs.ts';
import { issueCurrentDraft } from '../../src/commands/invoice-issuing.ts';
import { invoiceDecider } from '../../src/domain/invoice/invoice-decider.ts';
import { formatInvoiceNumber } from '../../src/domain/invoice/invoice-numbering.ts';
import { invoiceNumberStream, invoiceStream, type InvoiceIssued, type InvoiceNumberAssigned } from '../../src/domain/invoice/invoice-events.ts';
import { ENGINE_VERSION, periodBounds, rateInvoice, type PlanVersion } from '../../src/domain/rating/index.ts';
import type { EventStore } from '../../src/ports/event-store.ts';
import { startTestApp } from '../support/app.ts';
import { createTestDatabase } from '../support/database.ts';
import { bearer } from '../support/api-requests.ts';

/**
 * Invoice numbers are gapless and increasing per year, under concurrent billing runs.
 *
 * Where concurrency is decided: the invoice's request stream `invoicenumber-<invoiceId>` (the
 * first request fixes the year and the number it comes after), the year's stream
 * `invoicenumbers-<YYYY>`, read from there on and appended with the revision the writer read
 * (numberInvoice reads only what was appended since, and decides again, on a conflict), then
 * the invoice's own stream (IssueInvoice, pinned to the draft). Each run of the property (200
 * runs) drafts 1 to 6 invoices (1–3 accounts × 1–2 periods), then lets 2 to 4
 * "billing runs" issue random, overlapping subsets of them, in random orders, doing what
 * closeAccountPeriod in billing-run.ts does for each (draft, then issueCurrentDraft: credit,
 * number, issue), against the real PostgreSQL event store. Each execution numbers in a year of
 * its own, so 200 of them share one database.
 *
 * The interleaving is chosen by fast-check, not by timing: every readStream and append waits
 * at a gate, and once every live run waits at one, the generated schedule says which goes
 * next (sometimes two at once, so two appends also really race in PostgreSQL). A failure
 * therefore shrinks to a short schedule that reproduces it, printed with the operations in the
 * order they ran.
 *
 * The last test drives runBilling itself through one such interleaving: it reproduces a bug
 * in how issue times follow numbers (see there).
 */

let pool: pg.Pool;
let store: PostgresEventStore;

beforeAll(async () => {
  pool = createPool(await createTestDatabase('numbering'));
  store = new PostgresEventStore(pool);
  await store.migrate();
});
afterAll(async () => {
  await pool.end();
});

// ---- the interleaver ---------------------------------------------------------------------

const currentWorker = new AsyncLocalStorage<number>();

interface Step {
  /** which of the waiting workers goes (modulo how many wait) */
  pick: number;
  /** release a second one with it, so both operations run at the same time */
  together: boolean;
}

/**
 * Runs workers so that each event-store call waits for its turn: once every live worker is
 * waiting at a gate (or done), the next step of the schedule releases one (or two).
 */
class Interleaver {
  private waiting: { worker: number; go: () => void }[] = [];
  private live = 0;
  private wake: (() => void) | null = null;
  trace: string[] = [];

  gate(operation: string): Promise<void> {
    const worker = currentWorker.getStore();
    if (worker === undefined) return Promise.resolve();
    return new Promise((go) => {
      this.waiting.push({ worker, go: () => (this.trace.push(`${worker}: ${operation}`), go()) });
      this.poke();
    });
  }

  private poke() {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  /**
   * Runs the workers; whenever every live one waits at a gate, `choose` gets the waiting
   * workers (ascending) and the trace so far, and names the ones to release.
   */
  async run<T>(workers: (() => Promise<T>)[], choose: (waiting: number[], trace: readonly string[]) => number[]): Promise<PromiseSettledResult<T>[]> {
    this.live = workers.length;
    const results = workers.map((work, index) =>
      currentWorker.run(index, work).finally(() => {
        this.live -= 1;
        this.poke();
      }),
    );
    for (;;) {
      while (this.live > 0 && this.waiting.length < this.live) await new Promise<void>((resolve) => (this.wake = resolve));
      if (this.live === 0) break;
      this.waiting.sort((a, b) => a.worker - b.worker);
      const chosen = new Set(choose(this.waiting.map((w) => w.worker), this.trace));
      const released = this.waiting.filter((w) => chosen.has(w.worker));
      if (released.length === 0) throw new Error('the schedule released no waiting worker');
      this.waiting = this.waiting.filter((w) => !chosen.has(w.worker));
      for (const { go } of released) go();
    }
    return Promise.allSettled(results);
  }
}

/** A generated schedule as a chooser: each step picks one waiting worker, sometimes two; then the lowest. */
function following(schedule: readonly Step[]) {
  let next = 0;
  return (waiting: number[]) => {
    const step = schedule[next++] ?? { pick: 0, together: false };
    const first = step.pick % waiting.length;
    return step.together && waiting.length > 1 ? [waiting[first]!, waiting[(first + 1) % waiting.length]!] : [waiting[first]!];
  };
}

/** The store with a gate in front of every stream read and append. */
function gated(inner: EventStore, interleaver: Interleaver): EventStore {
  return new Proxy(inner, {
    get(target, property, receiver) {
      if (property === 'readStream') {
        return async (...args: Parameters<EventStore['readStream']>) => {
          await interleaver.gate(`read ${args[0]}`);
          return target.readStream(...args);
        };
      }
      if (property === 'append') {
        return async (...args: Parameters<EventStore['append']>) => {
          await interleaver.gate(`append ${args[0]}`);
          return target.append(...args);
        };
      }
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

// ---- what a billing run does for one invoice -----------------------------------------------

const PLAN: PlanVersion = { planId: 'p', version: 1, currency: 'BRL', monthlyFee: '10.00', monthlyMinimum: '0', taxRate: '0.05', meters: {} };

const context = (occurredAt: string): CommandContext => ({ actor: 'system:billing', correlationId: randomUUID(), causationId: randomUUID(), occurredAt });

/** Draft (the first run's invoice id wins), then closeAccountPeriod's own issuing: credit, the year's next number, issue. */
async function issueOne(eventStore: EventStore, year: number, accountId: string, period: string, now: string) {
  const bounds = periodBounds(period, 'America/Sao_Paulo');
  const rated = rateInvoice({
    period,
    timeZone: 'America/Sao_Paulo',
    currency: 'BRL',
    segments: [{ from: bounds.start, to: bounds.end, plan: PLAN }],
    usage: { storage: [], traffic: [], deletions: [] },
    carriedInStorage: {},
    creditAvailable: '0',
  });
  const inputs = {
    usageStream: `usage-${accountId}:${period}`,
    usageStreamRevision: null,
    carriedInStorage: {},
    planVersions: [{ planId: 'p', version: 1 }],
    segments: [{ from: bounds.start, to: bounds.end, planId: 'p', version: 1 }],
    creditAvailable: '0.00',
    engineVersion: ENGINE_VERSION,
  };
  const stream = invoiceStream(accountId, period);
  const drafted = await handleCommand(
    eventStore,
    invoiceDecider,
    stream,
    { type: 'DraftInvoice', data: { accountId, period, invoiceId: randomUUID(), rated, inputs, digest: digestOf(rated), draftedAt: now } },
    context(now),
  );
  const { invoiceId, number } = await issueCurrentDraft(
    eventStore,
    { accountId, period, timeZone: 'America/Sao_Paulo', dueDateFor: () => `${year}-07-10` },
    { state: drafted.state, revision: drafted.revision },
    new Date(now),
    context(now),
  );
  return { invoiceId, number };
}

// ---- the property --------------------------------------------------------------------------

/** Each execution (shrinking included) numbers in a year of its own, so runs never share a sequence. */
let nextYear = 2100;

const scenario = fc
  .record({ accounts: fc.integer({ min: 1, max: 3 }), periods: fc.integer({ min: 1, max: 2 }), runs: fc.integer({ min: 2, max: 4 }) })
  .chain(({ accounts, periods, runs }) => {
    const invoices = accounts * periods;
    const indices = Array.from({ length: invoices }, (_, i) => i);
    return fc.record({
      accounts: fc.constant(accounts),
      periods: fc.constant(periods),
      /** what each concurrent run issues, in its own order; every invoice is in at least one */
      work: fc.array(fc.shuffledSubarray(indices), { minLength: runs, maxLength: runs }),
      schedule: fc.array(fc.record({ pick: fc.nat({ max: 7 }), together: fc.nat({ max: 3 }).map((n) => n === 0) }), { maxLength: 120 }),
    });
  });

describe('invoice numbers under concurrent billing runs (fast-check, real PostgreSQL event store)', () => {
  it('a year’s numbers are exactly 1..n, one per invoice, every run agrees, in the order they were handed out, issue times non-decreasing', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ accounts, periods, work, schedule }) => {
        const year = nextYear++;
        const accountIds = Array.from({ length: accounts }, () => randomUUID());
        const invoices = accountIds.flatMap((accountId) => Array.from({ length: periods }, (_, p) => ({ accountId, period: `${year}-0${p + 1}` })));
        const lists = work.map((list) => [...list]);
        invoices.forEach((_, index) => {
          if (!lists.some((list) => list.includes(index))) lists[index % lists.length]!.push(index);
        });

        const interleaver = new Interleaver();
        // Each run as its own process: writers in one process take turns per stream, a wait
        // the interleaver cannot see (it holds a worker only at a gate); runs in different
        // processes meet only at expected revisions, which is what this property is about.
        const storeOfRun = lists.map(() => gated(store, interleaver));
        // run r started r minutes after the first
        const nowOf = (run: number) => new Date(Date.UTC(year, 5, 15, 12, run)).toISOString();
        const settled = await interleaver.run(
          lists.map((list, run) => async () => {
            const outcomes: { invoice: number; invoiceId: string; number: string }[] = [];
            for (const index of list) {
              const { accountId, period } = invoices[index]!;
              outcomes.push({ invoice: index, ...(await issueOne(storeOfRun[run]!, year, accountId, period, nowOf(run))) });
            }
            return outcomes;
          }),
          following(schedule),
        );
        try {
          const failures = settled.flatMap((s) => (s.status === 'rejected' ? [String(s.reason)] : []));
          expect(failures).toEqual([]);

          // gapless: the year's stream holds 1..n in order, one number per invoice
          const assignedEvents = await store.readStream(invoiceNumberStream(year));
          const assigned = assignedEvents.map((e) => e.data as InvoiceNumberAssigned['data']);
          expect(assigned.map((a) => a.sequence)).toEqual(invoices.map((_, i) => i + 1));
          expect(assigned.map((a) => a.number)).toEqual(invoices.map((_, i) => formatInvoiceNumber(year, i + 1)));
          expect(new Set(assigned.map((a) => a.invoiceId)).size).toBe(invoices.length);
          const assignedAt = new Map(assignedEvents.map((e) => [(e.data as InvoiceNumberAssigned['data']).invoiceId, e.position]));

          // each invoice: issued once, with the number its id was assigned; every run that touched it saw the same
          const numberOf = new Map(assigned.map((a) => [a.invoiceId, a.number]));
          const issued: { number: string; invoiceId: string; position: string; issuedAt: string }[] = [];
          for (const [index, { accountId, period }] of invoices.entries()) {
            const events = (await store.readStream(invoiceStream(accountId, period))).filter((e) => e.type === 'InvoiceIssued');
            expect(events).toHaveLength(1);
            const issue = events[0]!.data as InvoiceIssued['data'];
            expect(issue.number).toBe(numberOf.get(issue.invoiceId));
            issued.push({ number: issue.number, invoiceId: issue.invoiceId, position: events[0]!.position, issuedAt: issue.issuedAt });
            for (const s of settled) {
              if (s.status !== 'fulfilled') continue;
              for (const outcome of s.value.filter((o) => o.invoice === index)) expect(outcome).toMatchObject({ invoiceId: issue.invoiceId, number: issue.number });
            }
          }

          // increasing with issue order: an invoice is issued only after its number was taken, and
          // one issued before another's number was taken has the lower number
          for (const a of issued) {
            expect(assignedAt.get(a.invoiceId)! < a.position).toBe(true);
            for (const b of issued) {
              if (a.position < assignedAt.get(b.invoiceId)!) expect(a.number < b.number, `${a.number} issued before ${b.number} was taken`).toBe(true);
            }
          }

          // issue times never go backwards as numbers go up, whichever run started first
          const byNumber = [...issued].sort((a, b) => (a.number < b.number ? -1 : 1));
          for (let i = 1; i < byNumber.length; i++) {
            expect(Date.parse(byNumber[i]!.issuedAt) >= Date.parse(byNumber[i - 1]!.issuedAt), `${byNumber[i]!.number} dated before ${byNumber[i - 1]!.number}`).toBe(true);
          }
        } catch (error) {
          // the effective runs (after coverage) and the operations in the order they ran
          if (error instanceof Error) error.message += `\nruns: ${JSON.stringify(lists)}\n${interleaver.trace.join('\n')}`;
          throw error;
        }
      }),
      { numRuns: 200 },
    );
    // 200 executions of a dozen store calls per invoice: 80 s measured on a shared, loaded 2-core machine
  }, 300_000);
});

describe('billing runs that overlap (runBilling itself, one deterministic interleaving)', () => {
  /**
   * A run stamps the invoices it issues with the instant it started at, but takes each number
   * when it reaches the account. Of two overlapping runs, the later-started one may take the
   * lower number: the numbering stream then dates the next number no earlier than the last,
   * and the invoice is issued at its number's instant. Below, the run started at 13:00 takes
   * INV-…-000001 first, and the run started at 12:00 takes INV-…-000002, dated 13:00 too.
   */
  let app: Awaited<ReturnType<typeof startTestApp>>;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app.close();
  });

  it('a higher number never carries an earlier issue time, even when the later-started run took the lower number', async () => {
    const year = 2099;
    const period = `${year}-05`;
    const operator = await app.tokenFor({ kind: 'operator' });
    const opened: string[] = [];
    for (const slug of ['numbering-a', 'numbering-b']) {
      const response = await app.api.inject({
        method: 'POST',
        url: '/accounts',
        headers: bearer(operator),
        payload: { name: slug, slug, billingEmail: `b@${slug}.co`, document: '529.982.247-25' },
      });
      expect(response.statusCode, response.body).toBe(201);
      opened.push(response.json<{ accountId: string }>().accountId);
    }
    await app.runner.catchUp();
    // runBilling takes the accounts in id order
    const [first, second] = opened.sort();
    const interleaver = new Interleaver();
    const deps = {
      eventStore: gated(app.infrastructure.eventStore, interleaver),
      readModels: app.infrastructure.readModels,
      loadRatingPlan: async (_accountId: string, p: string, timeZone: string) => {
        const bounds = periodBounds(p, timeZone);
        return { segments: [{ from: bounds.start, to: bounds.end, plan: PLAN }], planVersions: [{ planId: PLAN.planId, version: PLAN.version }] };
      },
      graceHours: 0,
      concurrency: 1,
      minDaysToPay: 10,
    };
    const started = [new Date(Date.UTC(year, 5, 15, 12)), new Date(Date.UTC(year, 5, 15, 13))];
    const firstInvoice = `append ${invoiceStream(first!, period)}`;
    // the 13:00 run (worker 1) drafts and issues the first account's invoice; then the 12:00 run
    // (worker 0) goes on to the second account and issues it; then whatever is left
    const settled = await interleaver.run(
      started.map((now) => () => runBilling(deps, period, now, context(now.toISOString()))),
      (waiting, trace) => {
        const laterRunIssuedFirst = trace.filter((line) => line === `1: ${firstInvoice}`).length >= 2;
        const preferred = laterRunIssuedFirst ? 0 : 1;
        return [waiting.includes(preferred) ? preferred : waiting[0]!];
      },
    );
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled']);

    const events = app.infrastructure.eventStore;
    const assigned = (await events.readStream(invoiceNumberStream(year))).map((e) => e.data as InvoiceNumberAssigned['data']);
    // still gapless, one number each
    expect(assigned.map((a) => [a.number, a.accountId])).toEqual([
      [formatInvoiceNumber(year, 1), first],
      [formatInvoiceNumber(year, 2), second],
    ]);
    const issuedAt = async (accountId: string) =>
      ((await events.readStream(invoiceStream(accountId, period))).find((e) => e.type === 'InvoiceIssued')!.data as InvoiceIssued['data']).issuedAt;
    // INV-2099-000002 (the 12:00 run's) is dated 13:00, as INV-2099-000001: never before it
    expect([await issuedAt(first!), await issuedAt(second!)]).toEqual([started[1]!.toISOString(), started[1]!.toISOString()]);
    expect(assigned.map((a) => a.assignedAt)).toEqual([started[1]!.toISOString(), started[1]!.toISOString()]);
  });
});
