/**
 * Invoice numbering: does the cost of a number grow with the year? Invoices numbered per
 * second into an empty year (the baseline) and into a year already holding 50,000 numbers,
 * in the same run, on the same server, through the billing run's own numberInvoice, with
 * BILLING_CONCURRENCY's default of 4 invoices numbered at once (so numbers also conflict and
 * are retried, as in a billing run).
 *
 * The full year is seeded with bulk appends of 1,000 numbers (as the decider would have
 * written them). The measurement alternates between the two years in rounds, in ABBA order,
 * so that a change of load on a shared machine weighs on both alike; each empty-year round
 * starts a year of its own. At the end, the full year's numbers are checked: 1..n, no gap.
 *
 * `--quick`: 4 rounds of 150 invoices per year (the 50,000 numbers are seeded all the same);
 * full: 4 rounds of 1,000. Prints the human figures and one line
 * `RESULT {"name":"billing.numbering","value":<invoices/s at 50k>,"unit":"invoices/s","baseline":<empty year>,"ratio":…}`.
 *
 * Env: DATABASE_URL (else a throwaway embedded PostgreSQL), BENCH_NUMBERING_INVOICES (per
 * round and year), BENCH_NUMBERING_SEEDED (50000), BENCH_NUMBERING_CONCURRENCY (4).
 */
import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { PostgresEventStore } from '../src/adapters/event-store/postgres-event-store.ts';
import { createPool } from '../src/adapters/postgres/database.ts';
import { createDatabaseIfMissing, startEmbeddedPostgres } from '../src/adapters/postgres/embedded-postgres.ts';
import type { CommandContext } from '../src/commands/command-handler.ts';
import { numberInvoice } from '../src/commands/invoice-numbering.ts';
import { invoiceNumberStream, type InvoiceNumberAssigned } from '../src/domain/invoice/invoice-events.ts';
import { formatInvoiceNumber } from '../src/domain/invoice/invoice-numbering.ts';
import type { EventToAppend } from '../src/ports/event-store.ts';

const QUICK = process.argv.includes('--quick');
const PER_ROUND = Number(process.env.BENCH_NUMBERING_INVOICES ?? (QUICK ? 150 : 1000));
const ROUNDS = 4;
const SEEDED = Number(process.env.BENCH_NUMBERING_SEEDED ?? 50_000);
const CONCURRENCY = Number(process.env.BENCH_NUMBERING_CONCURRENCY ?? 4);
const SEED_BATCH = 1000;

const FULL_YEAR = 2090;
/** empty-year rounds number into 2091, 2092, … */
const FIRST_EMPTY_YEAR = 2091;
const AT = '2090-06-15T12:00:00.000Z';

const context = (): CommandContext => {
  const id = randomUUID();
  return { actor: 'system:bench', correlationId: id, causationId: id, occurredAt: AT };
};

async function seedYear(store: PostgresEventStore, year: number, count: number) {
  const metadata = context();
  for (let from = 1; from <= count; from += SEED_BATCH) {
    const events: EventToAppend[] = [];
    for (let sequence = from; sequence < Math.min(from + SEED_BATCH, count + 1); sequence++) {
      const data: InvoiceNumberAssigned['data'] = {
        year,
        sequence,
        number: formatInvoiceNumber(year, sequence),
        invoiceId: randomUUID(),
        accountId: randomUUID(),
        period: `${year}-05`,
        assignedAt: AT,
      };
      events.push({ eventId: randomUUID(), type: 'InvoiceNumberAssigned', data, metadata });
    }
    await store.append(invoiceNumberStream(year), events, { expectedRevision: from === 1 ? 'no_stream' : BigInt(from - 2) });
  }
}

/** Numbers `count` new invoices into `year`, CONCURRENCY at a time; seconds taken. */
async function numberInvoices(store: PostgresEventStore, year: number, count: number): Promise<number> {
  let next = 0;
  // one billing run: its workers share the run's correlation id (and so take numbers in turn)
  const run = context();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        next++;
        // the billing run's year comes from the issue instant; here it is given
        await numberInvoice(store, { invoiceId: randomUUID(), accountId: randomUUID(), period: `${year}-05`, year, at: AT }, run);
      }
    }),
  );
  return (performance.now() - started) / 1000;
}

async function main() {
  let stopServer = async () => undefined as void;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'cloudpro-bench-numbering-'));
    await chmod(dataDir, 0o755);
    const embedded = await startEmbeddedPostgres({ dataDir, port: 20000 + Math.floor(Math.random() * 20000), database: 'postgres', persistent: false });
    adminUrl = embedded.connectionString;
    stopServer = async () => {
      await embedded.stop();
      await rm(dataDir, { recursive: true, force: true });
    };
  }
  const database = `bench_numbering_${Date.now()}`;
  await createDatabaseIfMissing(adminUrl, database);
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  const pool = createPool(url.toString(), CONCURRENCY + 2);
  const store = new PostgresEventStore(pool);
  try {
    await store.migrate();
    console.log(`${os.cpus().length} CPUs; ${CONCURRENCY} invoices numbered at once; ${ROUNDS} rounds of ${PER_ROUND} invoices per year${QUICK ? ' (quick)' : ''}`);

    const seedStarted = performance.now();
    await seedYear(store, FULL_YEAR, SEEDED);
    console.log(`seeded ${SEEDED.toLocaleString('en')} numbers into ${FULL_YEAR} in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`);

    // warm-up (connections, plans, JIT of the code path), not counted
    await numberInvoices(store, 2089, 20);

    let emptySeconds = 0;
    let fullSeconds = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const emptyFirst = round % 4 === 0 || round % 4 === 3;
      const empty = () => numberInvoices(store, FIRST_EMPTY_YEAR + round, PER_ROUND);
      const full = () => numberInvoices(store, FULL_YEAR, PER_ROUND);
      if (emptyFirst) {
        emptySeconds += await empty();
        fullSeconds += await full();
      } else {
        fullSeconds += await full();
        emptySeconds += await empty();
      }
    }

    // the full year is still gapless: 1..n, one number per revision
    const total = SEEDED + ROUNDS * PER_ROUND;
    const [last] = await store.readStream(invoiceNumberStream(FULL_YEAR), { direction: 'backwards', maxCount: 1 });
    const { rows } = await pool.query<{ n: string; gaps: string }>(
      `SELECT count(*)::text AS n, count(*) FILTER (WHERE (data->>'sequence')::bigint <> stream_revision + 1)::text AS gaps FROM es_events WHERE stream_name = $1`,
      [invoiceNumberStream(FULL_YEAR)],
    );
    const lastSequence = (last!.data as InvoiceNumberAssigned['data']).sequence;
    if (lastSequence !== total || Number(rows[0]!.n) !== total || rows[0]!.gaps !== '0') {
      throw new Error(`${FULL_YEAR}: expected numbers 1..${total}, found ${rows[0]!.n} ending at ${lastSequence} (${rows[0]!.gaps} out of place)`);
    }

    const invoices = ROUNDS * PER_ROUND;
    const emptyRate = invoices / emptySeconds;
    const fullRate = invoices / fullSeconds;
    console.log(`empty year:               ${invoices} invoices in ${emptySeconds.toFixed(2)} s = ${emptyRate.toFixed(0)} invoices/s`);
    console.log(`year with ${SEEDED.toLocaleString('en')} numbers: ${invoices} invoices in ${fullSeconds.toFixed(2)} s = ${fullRate.toFixed(0)} invoices/s`);
    console.log(`ratio ${(fullRate / emptyRate).toFixed(3)} (must be ≥ 0.9); ${FULL_YEAR} holds 1..${total}, gapless`);
    console.log(
      `RESULT ${JSON.stringify({ name: 'billing.numbering', value: Math.round(fullRate), unit: 'invoices/s', baseline: Math.round(emptyRate), ratio: Number((fullRate / emptyRate).toFixed(3)) })}`,
    );
  } finally {
    await pool.end();
    await stopServer();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
