import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKysely, createPool } from '../../src/adapters/postgres/database.ts';
import { migrateReadModels } from '../../src/adapters/postgres/migrate.ts';
import { overdueInvoiceQueue, type OverdueInvoice } from '../../src/commands/overdue-invoice-queue.ts';
import { daysOverdue } from '../../src/domain/invoice/dunning-rules.ts';
import { searchAccountsPage } from '../../src/projections/accounts/account-search-queries.ts';
import { findInvoicesPage, invoiceFinderKey, NO_DUE_DATE, type InvoiceFinderRow } from '../../src/projections/invoices/invoice-finder-queries.ts';
import { accountTimeZones, overdueInvoicesPage } from '../../src/projections/invoices/overdue-invoice-queries.ts';
import { INVOICE_STATUSES, type InvoiceStatus } from '../../src/projections/invoices/invoice-tables.ts';
import type { ReadModelDatabase } from '../../src/projections/read-model-database.ts';
import { createTestDatabase } from '../support/database.ts';

/**
 * The finders' keyset paging, on rows drawn at random: whatever the rows and the page size,
 * following the cursors visits exactly the rows one unbounded query returns, each once, in
 * the documented order; and the overdue queue holds exactly the invoices the dunning rule
 * (`daysOverdue` in the account's zone) calls overdue at that instant.
 */
let db: Kysely<ReadModelDatabase>;

beforeAll(async () => {
  db = createKysely<ReadModelDatabase>(createPool(await createTestDatabase('finders')));
  await migrateReadModels(db);
});
afterAll(async () => {
  await db.destroy();
});

const ZONES = ['America/Sao_Paulo', 'Asia/Tokyo', 'Pacific/Kiritimati', 'Pacific/Pago_Pago', 'UTC'] as const;

async function clear() {
  await db.deleteFrom('invoices').execute();
  await db.deleteFrom('accounts').execute();
}

async function insertAccount(accountId: string, slug: string, timeZone: string, name = slug) {
  await db
    .insertInto('accounts')
    .values({
      account_id: accountId,
      slug,
      name,
      billing_email: `b@${slug}.co`,
      document_kind: 'cpf',
      document_number: '52998224725',
      currency: 'BRL',
      time_zone: timeZone,
      billing_day: 10,
      status: 'active',
      status_reason: null,
      opened_at: '2026-01-01T00:00:00Z',
      updated_at: '2026-01-01T00:00:00Z',
      closed_at: null,
      smtp_host: null,
      smtp_port: null,
      smtp_secure: null,
      smtp_username: null,
      smtp_password_set: null,
      smtp_from_name: null,
      smtp_from_address: null,
      revision: '0',
    })
    .execute();
}

interface InvoiceSpec {
  account: number;
  status: InvoiceStatus;
  /** days from 2026-06-10; null: no due date (drafts always have none) */
  dueOffset: number | null;
  paid: '0' | '10.00' | '30.00';
}

const dateAfter = (base: string, days: number) => new Date(Date.parse(`${base}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

async function insertInvoice(accountId: string, spec: InvoiceSpec, sequence: number) {
  const invoiceId = randomUUID();
  const due = spec.status === 'draft' || spec.dueOffset === null ? null : dateAfter('2026-06-10', spec.dueOffset);
  await db
    .insertInto('invoices')
    .values({
      invoice_id: invoiceId,
      account_id: accountId,
      // one invoice per account and period unless void: a period of its own for each
      period: `${2000 + sequence}-01`,
      status: spec.status,
      number: spec.status === 'draft' ? null : `INV-2026-${String(sequence).padStart(6, '0')}`,
      currency: 'BRL',
      subtotal: '30.00',
      tax: '0.00',
      credit_applied: '0.00',
      total: '30.00',
      lines: JSON.stringify([]) as never,
      digest: 'd',
      issue_date: due === null ? null : dateAfter(due, -10),
      due_date: due,
      drafted_at: '2026-06-01T00:00:00Z',
      issued_at: due === null ? null : '2026-06-01T00:00:00Z',
      amount_paid: spec.paid,
      paid_at: null,
      overdue_at: null,
      last_reminder_day: null,
      voided_at: null,
      void_reason: null,
    })
    .execute();
  return { invoiceId, accountId, status: spec.status, due, paid: spec.paid };
}

const invoiceSpec = (accounts: number) =>
  fc.record({
    account: fc.integer({ min: 0, max: accounts - 1 }),
    status: fc.constantFrom(...INVOICE_STATUSES),
    dueOffset: fc.option(fc.integer({ min: -3, max: 3 }), { nil: null }),
    paid: fc.constantFrom('0' as const, '10.00' as const, '30.00' as const),
  });

describe('account search paging', () => {
  // slugs close together: hyphens, digits, prefixes of one another
  const slug = fc.stringMatching(/^[ab0][ab0-]{1,4}[ab0]$/).filter((s) => !s.includes('--'));

  it('visits every matching account exactly once, in the order of one unbounded query, whatever the page size', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(slug, { minLength: 0, maxLength: 12 }), fc.integer({ min: 1, max: 5 }), fc.constantFrom(undefined, 'B', '0'), async (slugs, limit, name) => {
        await clear();
        for (const s of slugs) await insertAccount(randomUUID(), s, 'UTC', s.toUpperCase());
        const search = name === undefined ? {} : { name };
        const whole = (await searchAccountsPage(db, { ...search, limit: 1000 })).map((a) => a.slug);
        const walked: string[] = [];
        let afterSlug: string | undefined;
        for (;;) {
          const rows = await searchAccountsPage(db, { ...search, ...(afterSlug !== undefined ? { afterSlug } : {}), limit });
          walked.push(...rows.map((a) => a.slug));
          if (rows.length < limit) break;
          afterSlug = rows[rows.length - 1]!.slug;
        }
        expect(walked).toEqual(whole);
        expect(new Set(walked).size).toBe(walked.length);
        // the name filter is a case-insensitive part: every slug holding it, none other
        const holding = name === undefined ? slugs : slugs.filter((s) => s.includes(name.toLowerCase()));
        expect([...walked].sort()).toEqual([...holding].sort());
      }),
      { numRuns: 25 },
    );
  });
});

describe('invoice finder paging', () => {
  it('visits every invoice once, overdue first, then by due date (none last), then by id', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(invoiceSpec(3), { maxLength: 14 }), fc.integer({ min: 1, max: 5 }), async (specs, limit) => {
        await clear();
        const accounts = [randomUUID(), randomUUID(), randomUUID()];
        for (const [index, accountId] of accounts.entries()) await insertAccount(accountId, `acct-${index}`, 'UTC');
        const inserted = [];
        for (const [index, spec] of specs.entries()) inserted.push(await insertInvoice(accounts[spec.account]!, spec, index + 1));

        const walked: InvoiceFinderRow[] = [];
        let after: ReturnType<typeof invoiceFinderKey> | undefined;
        for (;;) {
          const rows = await findInvoicesPage(db, { ...(after ? { after } : {}), limit });
          walked.push(...rows);
          if (rows.length < limit) break;
          after = invoiceFinderKey(rows[rows.length - 1]!);
        }
        // worked out here, not by the database: rank, then due date (none as 9999-12-31), then id
        const expected = [...inserted]
          .map((i) => ({ id: i.invoiceId, key: [i.status === 'overdue' ? 0 : 1, i.due ?? NO_DUE_DATE, i.invoiceId] as const }))
          .sort((a, b) => a.key[0] - b.key[0] || (a.key[1] < b.key[1] ? -1 : a.key[1] > b.key[1] ? 1 : 0) || (a.key[2] < b.key[2] ? -1 : 1))
          .map((i) => i.id);
        expect(walked.map((r) => r.invoice_id)).toEqual(expected);
      }),
      { numRuns: 25 },
    );
  });
});

describe('overdue queue', () => {
  it("holds exactly the unpaid issued invoices dunning counts overdue in their account's zone at that instant", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...ZONES), { minLength: 1, maxLength: 4 }),
        fc.array(invoiceSpec(4), { maxLength: 14 }),
        // any minute from 2026-06-08 to 2026-06-13
        fc.integer({ min: 0, max: 5 * 24 * 60 }),
        fc.integer({ min: 1, max: 4 }),
        async (zones, specs, minutes, limit) => {
          await clear();
          const accounts = zones.map((zone) => ({ accountId: randomUUID(), zone }));
          for (const [index, account] of accounts.entries()) await insertAccount(account.accountId, `zone-${index}`, account.zone);
          const inserted = [];
          for (const [index, spec] of specs.entries()) {
            const account = accounts[spec.account % accounts.length]!;
            inserted.push({ ...(await insertInvoice(account.accountId, spec, index + 1)), zone: account.zone });
          }
          const now = new Date(Date.parse('2026-06-08T00:00:00Z') + minutes * 60_000);

          const deps = { accountTimeZones: () => accountTimeZones(db), overdueInvoicesPage: (page: Parameters<typeof overdueInvoicesPage>[1]) => overdueInvoicesPage(db, page) };
          const walked: OverdueInvoice[] = [];
          let after: readonly [string, string] | undefined;
          for (;;) {
            const page = await overdueInvoiceQueue(deps, now, { ...(after ? { after } : {}), limit });
            walked.push(...page);
            if (page.length < limit) break;
            const last = page[page.length - 1]!.row;
            after = [last.due_date, last.invoice_id];
          }

          const expected = inserted
            .filter((i) => (i.status === 'issued' || i.status === 'overdue') && i.due !== null && i.paid !== '30.00' && daysOverdue(i.due, now, i.zone) >= 1)
            .sort((a, b) => (a.due! < b.due! ? -1 : a.due! > b.due! ? 1 : a.invoiceId < b.invoiceId ? -1 : 1));
          expect(walked.map((o) => o.row.invoice_id)).toEqual(expected.map((i) => i.invoiceId));
          for (const [index, overdue] of walked.entries()) {
            const invoice = expected[index]!;
            expect(overdue.daysOverdue).toBe(daysOverdue(invoice.due!, now, invoice.zone));
            expect(overdue.amountDue).toBe(invoice.paid === '10.00' ? '20.00' : '30.00');
          }
        },
      ),
      { numRuns: 30 },
    );
  });
});
