import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBilling, type BillingRunDeps } from '../../src/commands/billing-run.ts';
import { handleCommand, loadAggregate, type CommandContext } from '../../src/commands/command-handler.ts';
import { creditDecider } from '../../src/domain/credit/credit-decider.ts';
import { creditStream } from '../../src/domain/credit/credit-events.ts';
import { invoiceDecider } from '../../src/domain/invoice/invoice-decider.ts';
import { invoiceNumberStream, invoiceStream, type InvoiceIssued, type InvoiceNumberAssigned } from '../../src/domain/invoice/invoice-events.ts';
import { periodBounds, type PlanVersion } from '../../src/domain/rating/index.ts';
import type { EventStore, EventToAppend } from '../../src/ports/event-store.ts';
import { GIB } from '../support/billing-fixtures.ts';
import { startTestApp } from '../support/app.ts';
import { bearer } from '../support/api-requests.ts';

/**
 * Issuing under overlapping billing runs and crashes, against the real PostgreSQL event
 * store. Each test pauses or fails one run at one chosen event-store call (a gate in front of
 * `append`), so the interleaving is exact, not a matter of timing.
 *
 * Plan: fee 10.00, egress 1.00 per GiB, no tax; every account holds 100.00 of credit, more
 * than any invoice here, so an invoice's credit applied is its whole subtotal:
 *   5 GiB egress: 10.00 + 5.00 = 15.00, credit applied 15.00, total 0.00;
 *   a late 20 GiB more: 10.00 + 25.00 = 35.00, credit applied 35.00, total 0.00.
 */
const PLAN: PlanVersion = {
  planId: 'issuing',
  version: 1,
  currency: 'BRL',
  monthlyFee: '10.00',
  monthlyMinimum: '0',
  taxRate: '0',
  meters: { egress_gib: { model: 'per_unit', unitPrice: '1.00' } },
};
const ZONE = 'America/Sao_Paulo';

type App = Awaited<ReturnType<typeof startTestApp>>;
let app: App;
let operator: string;

beforeAll(async () => {
  app = await startTestApp();
  operator = await app.tokenFor({ kind: 'operator' });
});
afterAll(async () => {
  await app.close();
});

const context = (occurredAt: string): CommandContext => ({ actor: 'system:billing', correlationId: randomUUID(), causationId: randomUUID(), occurredAt });

function depsWith(eventStore: EventStore): BillingRunDeps {
  return {
    eventStore,
    loadRatingPlan: async (_accountId, period, timeZone) => {
      const bounds = periodBounds(period, timeZone);
      return { segments: [{ from: bounds.start, to: bounds.end, plan: PLAN }], planVersions: [{ planId: PLAN.planId, version: PLAN.version }] };
    },
    graceHours: 0,
    concurrency: 1,
    minDaysToPay: 10,
  };
}

/** An account (America/Sao_Paulo) with 100.00 of credit and 5 GiB of egress on the 10th of `period`. */
async function accountWithEgress(slug: string, period: string): Promise<string> {
  const opened = await app.api.inject({
    method: 'POST',
    url: '/accounts',
    headers: bearer(operator),
    payload: { name: slug, slug, billingEmail: `b@${slug}.co`, document: '529.982.247-25' },
  });
  expect(opened.statusCode, opened.body).toBe(201);
  const { accountId } = opened.json<{ accountId: string }>();
  await handleCommand(
    app.infrastructure.eventStore,
    creditDecider,
    creditStream(accountId),
    { type: 'CreditAccount', data: { accountId, creditId: `test:${slug}`, amount: '100.00', currency: 'BRL', source: { kind: 'credit_note', invoiceId: randomUUID(), creditNoteId: randomUUID() }, creditedAt: `${period}-02T12:00:00.000Z` } },
    context(`${period}-02T12:00:00.000Z`),
  );
  await appendEgress(accountId, period, 's1', `${period}-10T00:00:00-03:00`, 5n);
  await app.runner.catchUp();
  return accountId;
}

async function appendEgress(accountId: string, period: string, sampleKey: string, windowStart: string, gib: bigint) {
  const event: EventToAppend = {
    eventId: randomUUID(),
    type: 'TrafficMeasured',
    data: { accountId, bucketId: 'b1', contentDigest: sampleKey, sampleKey, windowStart, windowEnd: windowStart.replace('T00:', 'T01:'), egressBytes: String(gib * GIB), ingressBytes: '0', requestsA: '0', requestsB: '0' },
    metadata: context(windowStart),
  };
  await app.infrastructure.eventStore.append(`usage-${accountId}:${period}`, [event], { expectedRevision: 'any' });
}

/**
 * The store with a gate before the first append that `matches`: the append waits there until
 * the test releases it (`release`) or fails it (`fail`, a crash before anything is written).
 */
function gatedBefore(matches: (stream: string, events: readonly EventToAppend[]) => boolean) {
  const inner = app.infrastructure.eventStore;
  let reached!: () => void;
  let decide!: (outcome: 'go' | Error) => void;
  const atGate = new Promise<void>((resolve) => (reached = resolve));
  const decision = new Promise<'go' | Error>((resolve) => (decide = resolve));
  let armed = true;
  const eventStore = new Proxy(inner, {
    get(target, property, receiver) {
      if (property === 'append') {
        return async (...args: Parameters<EventStore['append']>) => {
          if (armed && matches(args[0], args[1])) {
            armed = false;
            reached();
            const outcome = await decision;
            if (outcome instanceof Error) throw outcome;
          }
          return target.append(...args);
        };
      }
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { eventStore, atGate, release: () => decide('go'), fail: (error: Error) => decide(error) };
}

/** What the issued invoice took as credit, and what the account's credit ledger says it took. */
async function issuedCreditAndLedger(accountId: string, period: string) {
  const { state: invoice } = await loadAggregate(app.infrastructure.eventStore, invoiceDecider, invoiceStream(accountId, period));
  if (invoice.status !== 'issued') throw new Error(`invoice of ${period} is ${invoice.status}`);
  const { state: credit } = await loadAggregate(app.infrastructure.eventStore, creditDecider, creditStream(accountId));
  return {
    invoiceId: invoice.issued.invoiceId,
    issuedDigest: invoice.issued.digest,
    currentDraftDigest: invoice.draft.digest,
    creditApplied: invoice.draft.rated.creditApplied,
    ledger: credit.applied[period],
  };
}

describe('IssueInvoice issues the draft that was credit-applied and numbered', () => {
  it('a run paused before applying credit, while another run re-drafts with a late sample and issues: the ledger ends as the issued invoice says', async () => {
    const period = '2098-03';
    const accountId = await accountWithEgress('issuing-stale-credit', period);
    // run A (10:00) drafts 15.00 and stops just before it takes the credit off the ledger
    const gate = gatedBefore((stream) => stream === creditStream(accountId));
    const runA = runBilling(depsWith(gate.eventStore), period, new Date('2098-04-05T10:00:00Z'), context('2098-04-05T10:00:00Z'));
    await gate.atGate;
    // a late sample; run B (11:00) re-drafts 35.00, applies 35.00 of credit, numbers and issues
    await appendEgress(accountId, period, 's2', `${period}-20T00:00:00-03:00`, 20n);
    const summaryB = await runBilling(depsWith(app.infrastructure.eventStore), period, new Date('2098-04-05T11:00:00Z'), context('2098-04-05T11:00:00Z'));
    expect(summaryB.outcomes.find((o) => o.accountId === accountId)).toMatchObject({ outcome: 'issued', number: 'INV-2098-000001' });
    // run A goes on with its 15.00 draft
    gate.release();
    const summaryA = await runA;

    const after = await issuedCreditAndLedger(accountId, period);
    expect(after.creditApplied).toBe('35.00');
    expect(after.ledger).toMatchObject({ invoiceId: after.invoiceId, amount: '35.00' });
    // and run A says it found the invoice issued, not that it issued it
    expect(summaryA.outcomes.find((o) => o.accountId === accountId)).toMatchObject({ outcome: 'already_issued', number: 'INV-2098-000001' });
    const numbers = await app.infrastructure.eventStore.readStream(invoiceNumberStream(2098));
    expect(numbers.filter((e) => (e.data as InvoiceNumberAssigned['data']).accountId === accountId)).toHaveLength(1);
  });

  it('a run paused after numbering while another re-drafts and crashes: the re-draft is issued only with its own credit applied', async () => {
    const period = '2098-04';
    const accountId = await accountWithEgress('issuing-redraft', period);
    // run A (10:00) drafts 15.00, applies 15.00 of credit, takes its number, and stops before issuing
    const gateA = gatedBefore((stream, events) => stream === invoiceStream(accountId, period) && events[0]?.type === 'InvoiceIssued');
    const runA = runBilling(depsWith(gateA.eventStore), period, new Date('2098-05-05T10:00:00Z'), context('2098-05-05T10:00:00Z'));
    await gateA.atGate;
    // a late sample; run B (11:00) re-drafts 35.00 and crashes before it applies credit
    await appendEgress(accountId, period, 's2', `${period}-20T00:00:00-03:00`, 20n);
    const gateB = gatedBefore((stream) => stream === creditStream(accountId));
    const runB = runBilling(depsWith(gateB.eventStore), period, new Date('2098-05-05T11:00:00Z'), context('2098-05-05T11:00:00Z'));
    await gateB.atGate;
    gateB.fail(new Error('run B crashed'));
    expect((await runB).outcomes.find((o) => o.accountId === accountId)).toMatchObject({ outcome: 'failed' });
    // run A goes on: the draft it numbered (15.00) is no longer the current one
    gateA.release();
    const summaryA = await runA;
    expect(summaryA.outcomes.find((o) => o.accountId === accountId)).toMatchObject({ outcome: 'issued' });

    const after = await issuedCreditAndLedger(accountId, period);
    // the current draft (35.00) was issued, with the credit the ledger took for it
    expect(after.issuedDigest).toBe(after.currentDraftDigest);
    expect(after.creditApplied).toBe('35.00');
    expect(after.ledger).toMatchObject({ invoiceId: after.invoiceId, amount: '35.00' });
  });
});

describe('a number once taken is the one issued', () => {
  it('numbered on 31 December, crashed before issuing, retried in January: the December number is issued, none taken in January', async () => {
    const period = '2096-11';
    const accountId = await accountWithEgress('issuing-new-year', period);
    // 23:59 on 31 December in São Paulo (already 1 January in UTC): number taken, then a crash before IssueInvoice
    const gate = gatedBefore((stream, events) => stream === invoiceStream(accountId, period) && events[0]?.type === 'InvoiceIssued');
    const crashed = runBilling(depsWith(gate.eventStore), period, new Date('2096-12-31T23:59:00-03:00'), context('2097-01-01T02:59:00Z'));
    await gate.atGate;
    gate.fail(new Error('crashed before issuing'));
    expect((await crashed).outcomes.find((o) => o.accountId === accountId)).toMatchObject({ outcome: 'failed' });
    // runBilling bills every account in the read model: only this account's numbers are looked at
    const numbersOf = async (year: number) =>
      (await app.infrastructure.eventStore.readStream(invoiceNumberStream(year))).map((e) => e.data as InvoiceNumberAssigned['data']).filter((t) => t.accountId === accountId);
    const taken = await numbersOf(2096);
    expect(taken).toHaveLength(1);

    // the retry, on 2 January
    const retry = await runBilling(depsWith(app.infrastructure.eventStore), period, new Date('2097-01-02T09:00:00-03:00'), context('2097-01-02T12:00:00Z'));
    expect(retry.outcomes.find((o) => o.accountId === accountId)).toMatchObject({ outcome: 'issued', number: taken[0]!.number });
    expect(await numbersOf(2097)).toEqual([]);
    expect(await numbersOf(2096)).toEqual(taken);
    const issued = (await app.infrastructure.eventStore.readStream(invoiceStream(accountId, period))).find((e) => e.type === 'InvoiceIssued')!.data as InvoiceIssued['data'];
    // issued at the instant its number was taken: 31 December, in the number's year
    expect(issued).toMatchObject({ number: taken[0]!.number, invoiceId: taken[0]!.invoiceId, issueDate: '2096-12-31', issuedAt: '2097-01-01T02:59:00.000Z' });
  });
});

describe('a run over a period already closed', () => {
  it('finds every invoice issued and reads no usage stream, nor any account’s inputs one by one', async () => {
    const period = '2027-03';
    const accountId = await accountWithEgress('closed-period', period);
    const now = new Date('2027-04-05T12:00:00Z');
    const first = await runBilling(depsWith(app.infrastructure.eventStore), period, now, context(now.toISOString()));
    expect(first.outcomes.find((o) => o.accountId === accountId)).toMatchObject({ outcome: 'issued' });

    const read: string[] = [];
    const counting = new Proxy(app.infrastructure.eventStore, {
      get(target, property, receiver) {
        if (property === 'readStream') return (name: string, options?: Parameters<EventStore['readStream']>[1]) => (read.push(name), target.readStream(name, options));
        if (property === 'readStreams') return (names: readonly string[]) => (read.push(...names), target.readStreams(names));
        const value: unknown = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const again = await runBilling(depsWith(counting), period, now, context(now.toISOString()));
    expect(again.issued).toBe(0);
    expect(again.alreadyIssued).toBe(again.accounts);
    expect(again.outcomes.find((o) => o.accountId === accountId)).toMatchObject({ outcome: 'already_issued' });
    expect(read.filter((name) => name.startsWith('usage-') || name.startsWith('credit-'))).toEqual([]);
    // the accounts and their invoices of the period, a page at a time
    expect(read.filter((name) => name.startsWith('invoice-'))).toHaveLength(again.accounts);
  });
});
