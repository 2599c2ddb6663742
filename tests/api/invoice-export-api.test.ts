import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractText, getDocumentProxy } from 'unpdf';
import { startTestApp } from '../support/app.ts';
import { bearer } from '../support/api-requests.ts';
import { accountWithWorkedExampleUsage, publishWorkedExamplePlan } from '../support/billing-fixtures.ts';

/**
 * `GET /invoices/:invoiceId` as the customer books it: CSV lines and a PDF, parsed back here.
 * The worked example's June (São Paulo): storage 100 GiB for 15 days and 200 GiB for 15 of 30
 * days = 150 GiB-month × 0.15 = 22.50; egress 50 GiB × 0.40 = 20.00; 1,234,567 class A requests
 * = 1,234.567 thousand × 0.01 = 12.35. Subtotal 54.85, ISS 5 % = 2.7425 → 2.74, total 57.59.
 */
type App = Awaited<ReturnType<typeof startTestApp>>;
let app: App;
let operator: string;
let accountId: string;
let invoiceId: string;
let number: string;

/** RFC 4180, as far as the export uses it: quoted cells with doubled quotes, CRLF rows. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(cell), (cell = '');
    else if (c === '\r' && text[i + 1] === '\n') row.push(cell), rows.push(row), (row = []), (cell = ''), i++;
    else cell += c;
  }
  return rows;
}

beforeAll(async () => {
  app = await startTestApp();
  operator = await app.tokenFor({ kind: 'operator' });
  await publishWorkedExamplePlan(app);
  accountId = await accountWithWorkedExampleUsage(app, operator, 'export-co');
  const patched = await app.api.inject({
    method: 'PATCH',
    url: `/accounts/${accountId}/billing-profile`,
    headers: bearer(operator),
    payload: { name: 'Padaria Pão, "Quente" Ltda', address: { street: 'Rua Augusta', number: '1500', district: 'Consolação', city: 'São Paulo', state: 'SP', postalCode: '01304-001' } },
  });
  expect(patched.statusCode, patched.body).toBe(200);
  const run = await app.api.inject({ method: 'POST', url: '/operator/billing-runs', headers: bearer(operator), payload: { period: '2026-06' } });
  const outcome = run.json<{ outcomes: { accountId: string; invoiceId: string; number: string }[] }>().outcomes.find((o) => o.accountId === accountId)!;
  ({ invoiceId, number } = outcome);
  await app.runner.catchUp();
});
afterAll(async () => {
  await app.close();
});

const get = (accept: string | undefined, token = operator, id = invoiceId) =>
  app.api.inject({ method: 'GET', url: `/invoices/${id}`, headers: { ...bearer(token), ...(accept ? { accept } : {}) } });

describe('GET /invoices/:invoiceId', () => {
  it('answers JSON by default: the invoice with its account, lines, parties and links', async () => {
    const response = await get(undefined);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toContain('application/json');
    expect(response.json()).toMatchObject({ invoiceId, number, accountId, total: '57.59', customer: { legalName: 'Padaria Pão, "Quente" Ltda' }, replaces: null });
  });

  it('as CSV: one row per line with the exact quantity, the tax and local times, then subtotal, tax and total', async () => {
    const response = await get('text/csv');
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe(`attachment; filename="${number}.csv"`);
    const [header, ...rows] = parseCsv(response.body);
    expect(header).toEqual(['invoice_number', 'invoice_id', 'period', 'status', 'issue_date', 'due_date', 'line', 'kind', 'adjusts_period', 'description', 'from', 'to', 'quantity', 'unit', 'amount', 'tax_name', 'tax_rate', 'currency']);
    const records = rows.map((cells) => Object.fromEntries(header!.map((name, i) => [name, cells[i]])));
    expect(records.map((r) => [r.line, r.kind, r.description, r.quantity, r.unit, r.amount, r.tax_name, r.tax_rate, r.currency])).toEqual([
      ['1', 'storage_gib_month', 'Armazenamento', '150', 'GiB-month', '22.50', 'ISS', '0.05', 'BRL'],
      ['2', 'egress_gib', 'Tráfego de saída', '50', 'GiB', '20.00', 'ISS', '0.05', 'BRL'],
      ['3', 'requests_a', 'Requisições classe A (PUT, POST, COPY, LIST)', '1234.567', '1,000 requests', '12.35', 'ISS', '0.05', 'BRL'],
      ['', 'subtotal', '', '', '', '54.85', '', '', 'BRL'],
      ['', 'tax', '', '', '', '2.74', 'ISS', '', 'BRL'],
      ['', 'total', '', '', '', '57.59', '', '', 'BRL'],
    ]);
    expect(records[0]).toMatchObject({ invoice_number: number, period: '2026-06', status: 'issued', from: '2026-06-01T00:00:00-03:00', to: '2026-07-01T00:00:00-03:00' });
    // the lines add up to the subtotal, in cents
    const cents = (amount: string) => Math.round(Number(amount) * 100);
    expect(records.slice(0, 3).reduce((sum, r) => sum + cents(r.amount!), 0)).toBe(cents('54.85'));
  });

  it('as a PDF: a valid document naming the invoice, both parties, each line\'s tax and the total, in the account\'s language', async () => {
    const response = await get('application/pdf');
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    const bytes = response.rawPayload;
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(bytes.subarray(-6).toString('latin1')).toContain('%%EOF');
    const { text } = await extractText(await getDocumentProxy(new Uint8Array(bytes)), { mergePages: true });
    for (const expected of [`Fatura ${number}`, 'Padaria Pão, "Quente" Ltda', 'CPF 529.982.247-25', 'CNPJ 11.222.333/0001-81', 'CEP 01304-001', 'Rua Augusta, 1500', 'ISS 5%', 'R$ 22,50', 'R$ 2,74', 'R$ 57,59', 'Vencimento']) {
      expect(text).toContain(expected);
    }
  });

  it('prefers what the Accept header lists first, and answers JSON for what it cannot give', async () => {
    expect((await get('application/pdf, text/csv')).headers['content-type']).toBe('application/pdf');
    expect((await get('text/csv;q=0.9, application/json')).headers['content-type']).toBe('text/csv; charset=utf-8');
    expect((await get('image/png')).headers['content-type']).toContain('application/json');
  });

  it("is the account's own for its tokens: a read-only member gets it, another account's token is told it does not exist", async () => {
    const readOnly = await app.tokenFor({ kind: 'account', accountId, role: 'read-only' });
    expect((await get('text/csv', readOnly)).statusCode).toBe(200);
    const otherAccount = await accountWithWorkedExampleUsage(app, operator, 'export-other');
    const stranger = await app.tokenFor({ kind: 'account', accountId: otherAccount, role: 'owner' });
    const refused = await get('application/pdf', stranger);
    expect(refused.statusCode).toBe(404);
    expect(refused.json()).toMatchObject({ code: 'invoice_not_found' });
    expect((await get(undefined, operator, '00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
  });
});
