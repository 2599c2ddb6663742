import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresEventStore } from '../../src/adapters/event-store/postgres-event-store.ts';
import { createPool } from '../../src/adapters/postgres/database.ts';
import type { CommandContext } from '../../src/commands/command-handler.ts';
import { numberInvoice } from '../../src/commands/invoice-numbering.ts';
import { invoiceNumberStream, type InvoiceNumberAssigned } from '../../src/domain/invoice/invoice-events.ts';
import { formatInvoiceNumber } from '../../src/domain/invoice/invoice-numbering.ts';
import type { EventStore, EventToAppend } from '../../src/ports/event-store.ts';
import { createTestDatabase } from '../support/database.ts';

/**
 * One billing run's workers ask for numbers of one year at once: those that wait while a
 * number is being appended are numbered together, in one append, and each still gets exactly
 * one number, gapless, whatever else writes the year meanwhile.
 */
let pool: pg.Pool;
let store: PostgresEventStore;
beforeAll(async () => {
  pool = createPool(await createTestDatabase('numbering_batches'));
  store = new PostgresEventStore(pool);
  await store.migrate();
});
afterAll(async () => {
  await pool.end();
});

const AT = '2031-06-15T12:00:00.000Z';
const run = (): CommandContext => ({ actor: 'system:billing-run', correlationId: randomUUID(), causationId: randomUUID(), occurredAt: AT });
const invoice = (year: number) => ({ invoiceId: randomUUID(), accountId: randomUUID(), period: `${year}-05`, year, at: AT });

/** The store, counting appends to the year's stream (and how many numbers each carried). */
function counting(inner: EventStore, year: number) {
  const appends: number[] = [];
  const store = new Proxy(inner, {
    get(target, property, receiver) {
      if (property === 'append') {
        return (stream: string, events: readonly EventToAppend[], options: Parameters<EventStore['append']>[2]) => {
          if (stream === invoiceNumberStream(year)) appends.push(events.length);
          return target.append(stream, events, options);
        };
      }
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store, appends };
}

const numbersOf = async (year: number) => (await store.readStream(invoiceNumberStream(year))).map((e) => e.data as InvoiceNumberAssigned['data']);

describe('numberInvoice numbers a run’s waiting invoices together', () => {
  it('20 invoices of one run at once: numbers 1..20, one each, in fewer appends than invoices', async () => {
    const year = 2031;
    const { store: counted, appends } = counting(store, year);
    const context = run();
    const invoices = Array.from({ length: 20 }, () => invoice(year));
    const taken = await Promise.all(invoices.map((i) => numberInvoice(counted, i, context)));

    expect(taken.map((t) => t.sequence).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const recorded = await numbersOf(year);
    expect(recorded.map((n) => n.number)).toEqual(Array.from({ length: 20 }, (_, i) => formatInvoiceNumber(year, i + 1)));
    expect(Object.fromEntries(recorded.map((n) => [n.invoiceId, n.number]))).toEqual(Object.fromEntries(invoices.map((i, k) => [i.invoiceId, taken[k]!.number])));
    expect(appends.reduce((a, b) => a + b, 0)).toBe(20);
    expect(appends.length).toBeLessThan(20);
    expect(Math.max(...appends)).toBeGreaterThan(1);
  });

  it('asked again (a retried run), every invoice gets the number it took, and nothing is appended', async () => {
    const year = 2032;
    const context = run();
    const invoices = Array.from({ length: 8 }, () => invoice(year));
    const first = await Promise.all(invoices.map((i) => numberInvoice(store, i, context)));
    const { store: counted, appends } = counting(store, year);
    const again = await Promise.all(invoices.map((i) => numberInvoice(counted, i, run())));
    expect(again).toEqual(first);
    expect(appends).toEqual([]);
    expect((await numbersOf(year)).map((n) => n.sequence)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('a run’s later invoices ask from the last number it saw, without reading the year; another run numbering in between costs a conflict, not a gap', async () => {
    const year = 2034;
    const reads: string[] = [];
    const counted = new Proxy(store, {
      get(target, property, receiver) {
        if (property === 'readStream') {
          return (stream: string, options?: Parameters<EventStore['readStream']>[1]) => {
            if (stream === invoiceNumberStream(year)) reads.push(options?.direction === 'backwards' ? 'last' : `from ${options?.fromRevision}`);
            return target.readStream(stream, options);
          };
        }
        const value: unknown = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const context = run();
    const [a, b, c] = [invoice(year), invoice(year), invoice(year)];
    expect((await numberInvoice(counted, a, context)).sequence).toBe(1);
    expect(reads).toEqual(['last']);
    expect((await numberInvoice(counted, b, context)).sequence).toBe(2);
    expect(reads).toEqual(['last']);
    // another run takes number 3: this run still believes 2 is the last
    expect((await numberInvoice(store, invoice(year), run())).sequence).toBe(3);
    expect((await numberInvoice(counted, c, context)).sequence).toBe(4);
    // refused at revision 1, it read from number 3 on
    expect(reads).toEqual(['last', 'from 2']);
    expect((await numbersOf(year)).map((n) => n.sequence)).toEqual([1, 2, 3, 4]);
  });

  it('two runs at once, each batching its own: 1..n, one number per invoice', async () => {
    const year = 2033;
    const runs = [run(), run()];
    const invoices = Array.from({ length: 24 }, () => invoice(year));
    const taken = await Promise.all(invoices.map((i, k) => numberInvoice(store, i, runs[k % 2]!)));
    const recorded = await numbersOf(year);
    expect(recorded.map((n) => n.sequence)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
    expect(new Set(recorded.map((n) => n.invoiceId)).size).toBe(24);
    expect(Object.fromEntries(recorded.map((n) => [n.invoiceId, n.number]))).toEqual(Object.fromEntries(invoices.map((i, k) => [i.invoiceId, taken[k]!.number])));
  });
});
