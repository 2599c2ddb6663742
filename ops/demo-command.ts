import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { portalUrlOf } from '../src/config.ts';
import type { Application } from '../src/main.ts';

/**
 * `npm run ops -- demo`: an account to look at in the portal, made as a customer's would be,
 * through the service's own API (validation, commands and events as any client's): a plan, a
 * subscription from the start of last month, two buckets, a storage sample and an hour of traffic
 * a day for last month and this month up to the clock, last month billed, paid in part and with
 * a credit note, and an API token of the account's owner to sign in with.
 */

const DEMO_PLAN = 'demo-storage';
const DEMO_TERMS = {
  name: 'Demo storage',
  currency: 'BRL',
  monthlyFee: '0',
  monthlyMinimum: '10.00',
  taxRate: '0.05',
  meters: {
    storage_gib_month: { model: 'per_unit', unitPrice: '0.15' },
    egress_gib: { model: 'per_unit', unitPrice: '0.40' },
    requests_a: { model: 'per_unit', unitPrice: '0.01' },
    requests_b: { model: 'per_unit', unitPrice: '0.01' },
  },
};
const GIB = 2n ** 30n;
// America/Sao_Paulo keeps UTC-3 all year (no summer time since 2019): days and periods below are its own
const ZONE = 'America/Sao_Paulo';
const OFFSET = '-03:00';
const OFFSET_MS = -3 * 3600_000;

export interface DemoAccount {
  accountId: string;
  slug: string;
  ownerEmail: string;
  token: string;
  buckets: string[];
  samples: number;
  /** the period billed: last month in the account's zone */
  billedPeriod: string;
  invoice: { invoiceId: string; status: string; number: string | null; total: string; paid: string | null; credited: string | null } | null;
  portalUrl: string;
}

/** The period (YYYY-MM) `monthsBack` before the one holding `local` (a wall-clock date in the zone). */
function periodOf(local: Date, monthsBack = 0): string {
  const d = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth() - monthsBack, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

const daysIn = (period: string) => {
  const [year, month] = period.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
};

const cents = (amount: string) => {
  const [whole, fraction = ''] = amount.split('.');
  return BigInt(whole!) * 100n + BigInt((fraction + '00').slice(0, 2));
};
const fromCents = (value: bigint) => `${value / 100n}.${String(value % 100n).padStart(2, '0')}`;

export async function createDemo(app: Application, options: { slug?: string } = {}): Promise<DemoAccount> {
  const now = app.clock();
  const local = new Date(now.getTime() + OFFSET_MS);
  const [current, billed] = [periodOf(local), periodOf(local, 1)];
  const suffix = options.slug ?? `demo-${randomBytes(3).toString('hex')}`;
  const context = () => {
    const id = `demo-${randomBytes(8).toString('hex')}`;
    return { actor: `ops:${os.userInfo().username}`, correlationId: id, causationId: id, occurredAt: app.clock().toISOString() };
  };
  // an operator's token for the demo's requests only, revoked when they are done
  const operator = await app.ops.issueApiToken({ name: 'ops demo', scope: { kind: 'operator' } }, context());
  const call = async <T>(method: 'GET' | 'POST' | 'PUT', url: string, payload?: object, allow: (code: string | undefined) => boolean = () => false): Promise<T | null> => {
    const response = await app.api.inject({
      method,
      url,
      headers: { authorization: `Bearer ${operator.token}`, ...(method === 'GET' ? {} : { 'idempotency-key': randomBytes(16).toString('hex') }) },
      ...(payload === undefined ? {} : { payload }),
    });
    if (response.statusCode < 300) return response.json<T>();
    const problem = response.json<{ code?: string; detail?: string }>();
    if (allow(problem.code)) return null;
    throw new Error(`${method} ${url} was refused (${response.statusCode} ${problem.code ?? ''}): ${(problem.detail ?? response.body).slice(0, 400)}`);
  };
  try {
    // one demo plan for every demo account: published once, from two periods back
    await call('POST', '/operator/plans', { planId: DEMO_PLAN, effectiveFrom: periodOf(local, 2), ...DEMO_TERMS }, (code) => code === 'plan_exists');
    const ownerEmail = `owner@${suffix}.example.com`;
    const { accountId } = (await call<{ accountId: string }>('POST', '/accounts', {
      name: `Demo ${suffix}`,
      slug: suffix,
      billingEmail: `financeiro@${suffix}.example.com`,
      ownerEmail,
      document: '11.222.333/0001-81',
      timeZone: ZONE,
    }))!;
    await call('PUT', `/accounts/${accountId}/subscription`, { planId: DEMO_PLAN, effectiveAt: `${billed}-01T00:00:00${OFFSET}` });

    const buckets = [`${suffix}-backups`, `${suffix}-media`];
    for (const name of buckets) {
      const bucket = (await call<{ bucketId: string }>('POST', `/accounts/${accountId}/buckets`, { name }))!;
      // with no MinIO to create it, recorded as created, as an operator does by hand after creating one
      if (!app.config.minio) await call('POST', `/accounts/${accountId}/buckets/${bucket.bucketId}/provisioned`);
    }

    // a storage sample at 09:00 and an hour of traffic from 10:00 each day, up to the clock
    const samples: object[] = [];
    for (const period of [billed, current]) {
      for (let day = 1; day <= daysIn(period); day++) {
        const date = `${period}-${String(day).padStart(2, '0')}`;
        if (Date.parse(`${date}T11:00:00${OFFSET}`) > now.getTime()) break;
        const index = period === billed ? day : daysIn(billed) + day;
        // backups grow a little every day; media steps up once a week
        const stored = [120n + BigInt(index) * 2n, 40n + BigInt(Math.floor(index / 7)) * 5n];
        const egress = [BigInt(1 + (index % 4)), BigInt(index % 7 === 0 ? 12 : 2)];
        buckets.forEach((bucket, b) => {
          samples.push({ kind: 'storage', sampleKey: `${bucket}-${date}-storage`, bucket, bytes: String(stored[b]! * GIB), at: `${date}T09:00:00${OFFSET}` });
          samples.push({
            kind: 'traffic', sampleKey: `${bucket}-${date}-traffic`, bucket, windowStart: `${date}T10:00:00${OFFSET}`, windowEnd: `${date}T11:00:00${OFFSET}`,
            egressBytes: String(egress[b]! * GIB), ingressBytes: String(egress[b]! * GIB * 3n), requestsA: String(20_000 + index * 500), requestsB: String(90_000 + index * 1000),
          });
        });
      }
    }
    for (let i = 0; i < samples.length; i += 500) await call('POST', '/usage', { samples: samples.slice(i, i + 500) });

    // last month billed as the scheduled run does; issued once its grace period has passed
    await call('POST', '/operator/billing-runs', { period: billed });
    await app.runner.catchUp();
    const invoices = (await call<{ items: { invoiceId: string; status: string; number: string | null; total: string }[] }>('GET', `/accounts/${accountId}/invoices`))!.items;
    const issued = invoices.find((invoice) => invoice.status === 'issued');
    let invoice: DemoAccount['invoice'] = invoices[0] ? { ...invoices[0], paid: null, credited: null } : null;
    if (issued) {
      // a credit note of a tenth and a payment of half of the rest, leaving some due
      const total = cents(issued.total);
      const credited = fromCents(total / 10n);
      const paid = fromCents((total - total / 10n) / 2n);
      await call('POST', `/invoices/${issued.invoiceId}/credit-notes`, { amount: credited, reason: 'Desconto de boas-vindas (demo)' });
      await call('POST', `/invoices/${issued.invoiceId}/payments`, { externalRef: `demo-pix-${suffix}`, amount: paid, method: 'pix', receivedAt: app.clock().toISOString() });
      invoice = { ...issued, paid, credited };
    }

    const owner = (await call<{ items: { memberId: string; role: string }[] }>('GET', `/accounts/${accountId}/members?role=owner`))!.items[0]!;
    const { token } = (await call<{ token: string }>('POST', `/accounts/${accountId}/api-tokens`, { name: 'demo portal', memberId: owner.memberId }))!;
    await app.runner.catchUp();
    return { accountId, slug: suffix, ownerEmail, token, buckets, samples: samples.length, billedPeriod: billed, invoice, portalUrl: portalUrlOf(app.config) };
  } finally {
    await app.ops.revokeApiToken(operator.tokenId, context());
  }
}

export async function printDemo(app: Application, args: string[]): Promise<number> {
  const demo = await createDemo(app, args[0] ? { slug: args[0] } : {});
  console.log(`demo account ${demo.slug}: ${demo.accountId}`);
  console.log(`buckets: ${demo.buckets.join(', ')} (${demo.samples} usage samples, ${demo.billedPeriod} and this month up to now)`);
  if (demo.invoice?.status === 'issued') {
    console.log(`invoice ${demo.invoice.number} for ${demo.billedPeriod}: total ${demo.invoice.total} BRL, credit note ${demo.invoice.credited}, payment ${demo.invoice.paid}`);
  } else {
    // the billing run issues an invoice once BILLING_GRACE_HOURS have passed since the period ended
    console.log(`the invoice for ${demo.billedPeriod} is a ${demo.invoice?.status ?? 'missing'} draft until the billing grace period ends; \`npm run ops -- run-job billing-run\` then issues it`);
  }
  console.log('');
  console.log(`Sign in at ${demo.portalUrl}/sign-in with`);
  console.log(`  account ID: ${demo.accountId}`);
  console.log(`  API token:  ${demo.token}`);
  console.log(`(the token of the account's owner, ${demo.ownerEmail}; shown this once, only its digest is kept)`);
  return 0;
}
