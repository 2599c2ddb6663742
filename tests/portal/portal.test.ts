import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, openTestAccount } from '../support/api-requests.ts';
import { GIB, WORKED_EXAMPLE_TERMS } from '../support/billing-fixtures.ts';
import { startClockedApp, type ClockedApp } from '../support/clocked-app.ts';
import { findChromium, launchBrowser, mainText, screenshot, SCREENSHOTS } from './browser.ts';

const chromium = findChromium();

// What the callbacks given to page.evaluate use of the browser's globals (they run there, not here).
declare const document: { body: { innerText: string }; documentElement: { lang: string; scrollWidth: number } };
declare const sessionStorage: { getItem(key: string): string | null };
declare const localStorage: { length: number };

if (!chromium) {
  const reason = 'no chromium at /usr/bin/chromium (apt-get install chromium) nor at CHROMIUM_PATH, so there is no browser to drive the portal with';
  console.warn(`[skipped] portal browser tests: ${reason}`);
  describe('portal in a browser', () => {
    // Reported as skipped (not passed) so the totals show it did not run.
    it.skipIf(true)(`skipped: ${reason}`, () => undefined);
  });
} else {
  describe('portal in a browser', () => {
    let app: ClockedApp;
    let browser: Browser;
    let base: string;
    let accountId: string;
    let ownerToken: string;
    let readOnlyToken: string;
    let developerToken: string;
    let invoiceId: string;
    let memberToken: string;
    let operatorToken: string;
    // a webhook receiver on loopback: what it was sent
    let receiver: Server;
    let receiverUrl: string;
    const received: IncomingHttpHeaders[] = [];

    const call = async (method: 'GET' | 'POST' | 'PUT', url: string, token: string, payload?: unknown) => {
      const response = await app.api.inject({ method, url, headers: token ? bearer(token) : {}, ...(payload === undefined ? {} : { payload: payload as object }) });
      expect(response.statusCode, `${method} ${url}: ${response.body}`).toBeLessThan(300);
      return response.json();
    };

    beforeAll(async () => {
      // a clock in July 2026: June is billed, July is the period so far
      app = await startClockedApp('2026-07-05T15:00:00.000Z', { WEBHOOK_ALLOW_LOOPBACK: 'true' });
      const operator = await app.tokenFor({ kind: 'operator' });
      operatorToken = operator;
      await call('POST', '/operator/plans', operator, { planId: 'portal-basic', name: 'Portal basic', effectiveFrom: '2026-01', ...WORKED_EXAMPLE_TERMS });
      ({ accountId } = await openTestAccount(app, operator, 'portal-co', { locale: 'en', name: 'Portal Ltda' }));
      await call('PUT', `/accounts/${accountId}/subscription`, operator, { planId: 'portal-basic', effectiveAt: '2026-05-01T00:00:00-03:00' });
      ownerToken = await app.tokenFor({ kind: 'account', accountId, role: 'owner' });
      readOnlyToken = await app.tokenFor({ kind: 'account', accountId, role: 'read-only' });
      developerToken = await app.tokenFor({ kind: 'account', accountId, role: 'developer' });
      await call('POST', `/accounts/${accountId}/buckets`, ownerToken, { name: 'portal-backups' });
      const storage = (key: string, gib: bigint, at: string) => ({ kind: 'storage', sampleKey: key, bucket: 'portal-backups', bytes: String(gib * GIB), at });
      const traffic = (key: string, gib: bigint, windowStart: string, windowEnd: string) => ({
        kind: 'traffic', sampleKey: key, bucket: 'portal-backups', windowStart, windowEnd, egressBytes: String(gib * GIB), ingressBytes: '0', requestsA: '1000', requestsB: '0',
      });
      await call('POST', '/usage', operator, {
        samples: [
          storage('june-1', 100n, '2026-06-01T00:00:00-03:00'),
          storage('june-16', 200n, '2026-06-16T00:00:00-03:00'),
          traffic('june-10', 50n, '2026-06-10T00:00:00-03:00', '2026-06-10T01:00:00-03:00'),
          storage('july-1', 10n, '2026-07-01T00:00:00-03:00'),
          storage('july-3', 20n, '2026-07-03T09:00:00-03:00'),
          traffic('july-2', 5n, '2026-07-02T10:00:00-03:00', '2026-07-02T11:00:00-03:00'),
        ],
      });
      await call('POST', '/operator/billing-runs', operator, { period: '2026-06' });
      await app.runner.catchUp();
      invoiceId = (await call('GET', `/accounts/${accountId}/invoices`, ownerToken)).items[0].invoiceId;
      // paid in part, and a credit note: both shown on the invoice's page
      await call('POST', `/invoices/${invoiceId}/credit-notes`, operator, { amount: '2.50', reason: 'Goodwill for the outage' });
      await call('POST', `/invoices/${invoiceId}/payments`, operator, { externalRef: 'pix-portal-0001', amount: '10.00', method: 'pix', receivedAt: '2026-07-05T10:00:00-03:00' });
      // a read-only member as people become one: invited, and the invitation accepted
      const invited = await call('POST', `/accounts/${accountId}/invitations`, ownerToken, { email: 'viewer@portal-co.com.br', role: 'read-only' });
      memberToken = (await call('POST', '/invitations/accept', '', { token: invited.invitationToken, tokenName: 'portal' })).token;
      await app.runner.catchUp();

      receiver = createServer((request, response) => {
        received.push(request.headers);
        request.resume();
        request.on('end', () => response.writeHead(204).end());
      });
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/cloudpro`;

      // as npm start does: the read models follow the log while the browser clicks
      app.runner.start();
      await app.api.listen({ port: 0, host: '127.0.0.1' });
      base = `http://127.0.0.1:${(app.api.server.address() as AddressInfo).port}`;
      browser = await launchBrowser(chromium);
    });

    afterAll(async () => {
      await browser?.close();
      await app?.close();
      receiver?.close();
    });

    async function signIn(token: string, width = 1100): Promise<Page> {
      const page = await browser.newPage();
      await page.setViewport({ width, height: 900 });
      await page.goto(`${base}/portal/sign-in`);
      await page.waitForSelector('input[name=accountId]');
      await page.type('input[name=accountId]', accountId);
      await page.type('input[name=token]', token);
      await page.click('button[type=submit]');
      await page.waitForSelector('[data-testid=role]');
      return page;
    }

    const open = async (page: Page, path: string, selector: string) => {
      await page.goto(`${base}/portal${path}`);
      await page.waitForSelector(selector);
    };

    it('serves the page and its libraries from the service itself', async () => {
      const html = await fetch(`${base}/portal`);
      expect(html.status).toBe(200);
      expect(await html.text()).toContain('<script type="importmap">');
      for (const file of ['/portal/vendor/preact/dist/preact.mjs', '/portal/vendor/htm/dist/htm.mjs', '/portal/vendor/uplot/dist/uPlot.esm.js', '/portal/js/app.js']) {
        expect((await fetch(`${base}${file}`)).status, file).toBe(200);
      }
      // a deep link opens the page; a missing file is a 404, not the page
      expect((await fetch(`${base}/portal/invitations/accept`)).status).toBe(200);
      expect((await fetch(`${base}/portal/missing.js`)).status).toBe(404);
    });

    it('signs in with an account token kept in the tab only, in the account locale, switchable', async () => {
      const page = await signIn(ownerToken);
      expect(await page.$eval('[data-testid=role]', (el) => el.textContent)).toBe('Role: owner');
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
      const stored = await page.evaluate(() => ({ session: sessionStorage.getItem('cpl.session'), local: localStorage.length }));
      expect(JSON.parse(stored.session!)).toEqual({ accountId, token: ownerToken });
      expect(stored.local).toBe(0);
      await screenshot(page, '01-sign-in-usage-en');
      await page.select('.language select', 'pt-BR');
      await page.waitForFunction(() => document.body.innerText.includes('Uso neste período'));
      await screenshot(page, '02-usage-pt-BR');
      await page.close();
    });

    it('a wrong token is refused on the sign-in page, with the reason', async () => {
      const page = await browser.newPage();
      await page.goto(`${base}/portal/sign-in`);
      await page.waitForSelector('input[name=accountId]');
      await page.type('input[name=accountId]', accountId);
      await page.type('input[name=token]', 'cpl_0000_wrong');
      await page.click('button[type=submit]');
      await page.waitForSelector('.error');
      expect(await page.$eval('.error', (el) => el.textContent)).toMatch(/not valid/);
      await page.close();
    });

    it('draws the usage of each day, loaded through the API, and shows the same figures as a table', async () => {
      const page = await signIn(ownerToken);
      await page.waitForSelector('[data-testid=stored-chart] canvas');
      await page.waitForSelector('[data-testid=egress-chart] canvas');
      const daily = await call('GET', `/accounts/${accountId}/usage/daily`, ownerToken);
      expect(daily.days).toEqual(['2026-07-01', '2026-07-02', '2026-07-03', '2026-07-04', '2026-07-05']);
      expect(daily.total.storedGib).toEqual(['10.000000', '10.000000', '20.000000', '20.000000', '20.000000']);
      expect(daily.total.egressGib).toEqual(['0.000000', '5.000000', '0.000000', '0.000000', '0.000000']);
      await page.click('details summary');
      const rows = await page.$$eval('details tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
      expect(rows.map((row) => [row[1], row[2]])).toEqual([['10', '0'], ['10', '5'], ['20', '0'], ['20', '0'], ['20', '0']]);
      expect(await page.$eval('[data-testid=estimate]', (el) => el.textContent)).toMatch(/R\$/);
      await screenshot(page, '03-usage');
      // the same page at 360 px wide
      await page.setViewport({ width: 360, height: 800 });
      await screenshot(page, '04-usage-360px');
      // an earlier period of the last 12
      await page.select('select[name=period]', '2026-06');
      await page.waitForFunction(() => document.body.innerText.includes('200'));
      await screenshot(page, '05-usage-june');
      await page.close();
    });

    it('shows an invoice with its lines, each explained as ops explain-invoice prints it', async () => {
      const page = await signIn(ownerToken);
      await open(page, '/invoices', '[data-testid=invoice-row]');
      await screenshot(page, '06-invoices');
      await page.click('[data-testid=invoice-row] a');
      await page.waitForSelector('[data-testid=invoice-line]');
      const explanation = await call('GET', `/accounts/${accountId}/invoices/${invoiceId}/explanation`, ownerToken);
      const shown = await page.$$eval('[data-testid=invoice-line] .explanation', (els) => els.map((el) => el.textContent));
      expect(shown).toEqual(explanation.lines.map((line: { explanation: string }) => line.explanation));
      expect(shown.length).toBeGreaterThan(2);
      expect(await mainText(page)).toContain(explanation.totals);
      await screenshot(page, '07-invoice');
      await open(page, `/invoices/${invoiceId}/print`, '[data-testid=invoice-line]');
      await page.emulateMediaType('print');
      await screenshot(page, '08-invoice-print');
      await page.close();
    });

    it('creates an access key and shows its secret once, with the warning', async () => {
      const page = await signIn(ownerToken);
      await open(page, '/access-keys', '[data-testid=create-key]');
      await page.type('input[name=keyName]', 'nightly backup');
      await page.click('[data-testid=create-key] button[type=submit]');
      await page.waitForSelector('[data-testid=secret-value]');
      const secret = await page.$eval('[data-testid=secret-value]', (el) => el.textContent!);
      expect(secret).toMatch(/^\S{40}$/);
      expect(await mainText(page)).toMatch(/only time it is shown/);
      await page.waitForSelector('[data-testid=key-row]');
      await screenshot(page, '09-access-key-secret');
      // once: the page opened again lists the key, and the secret is nowhere
      await open(page, '/access-keys', '[data-testid=key-row]');
      expect(await mainText(page)).toContain('nightly backup');
      expect(await page.content()).not.toContain(secret);
      await page.close();
    });

    it('a read-only member sees every page and no button to create or change anything', async () => {
      const page = await signIn(readOnlyToken, 360);
      const pages: [string, string][] = [
        ['/buckets', 'buckets'], ['/access-keys', 'access-keys'], ['/sftp-user', 'sftp-user'], ['/members', 'members'],
        ['/quota', 'quota'], ['/notifications', 'notifications'], ['/audit-log', 'audit-log'], ['/invoices', 'invoices'],
      ];
      for (const [path, name] of pages) {
        await open(page, path, 'main h1');
        await page.waitForFunction(() => !document.body.innerText.includes('Loading'));
        const labels = await page.$$eval('main button', (buttons) => buttons.map((b) => b.textContent));
        // at most a filter or "more"; nothing that creates, changes or removes
        expect(labels.filter((label) => /create|invite|delete|revoke|rotate|remove|reset|disable|request|send/i.test(label ?? '')), `${path}: ${labels.join(', ')}`).toEqual([]);
        expect(await page.$$('main form[data-testid]'), path).toHaveLength(0);
        await screenshot(page, `10-read-only-${name}-360px`);
      }
      expect(await page.$eval('[data-testid=role]', (el) => el.textContent)).toBe('Role: read-only');
      await page.close();
    });

    it('a page the role may not read is left out of the menu, and opened anyway the 403 explains itself', async () => {
      const page = await signIn(developerToken);
      expect(await page.$$eval('nav.main a', (links) => links.map((a) => a.getAttribute('href')))).not.toContain('/portal/invoices');
      await open(page, '/invoices', '.error');
      expect(await page.$eval('.error', (el) => el.textContent)).toMatch(/Your role may not do this.*developer role may not do this/);
      await screenshot(page, '11-developer-invoices-403');
      await page.close();
    });

    it('accepts an invitation from the link in the mail and signs the new member in', async () => {
      const invitation = await call('POST', `/accounts/${accountId}/invitations`, ownerToken, { email: 'new.member@portal-co.com.br', role: 'billing' });
      const page = await browser.newPage();
      await page.goto(`${base}/portal/invitations/accept#token=${encodeURIComponent(invitation.invitationToken)}`);
      await page.waitForSelector('input[name=invitationToken]');
      expect(await page.$eval('input[name=invitationToken]', (el) => (el as unknown as { value: string }).value)).toBe(invitation.invitationToken);
      await page.click('button[type=submit]');
      await page.waitForSelector('[data-testid=secret-value]');
      await screenshot(page, '12-invitation-accepted');
      await page.click('main > section > button');
      await page.waitForSelector('[data-testid=role]');
      expect(await page.$eval('[data-testid=role]', (el) => el.textContent)).toBe('Role: billing');
      await page.close();
    });

    it('an invited read-only member sees no button to create or change anything, and no webhooks', async () => {
      const page = await signIn(memberToken, 360);
      expect(await page.$eval('[data-testid=role]', (el) => el.textContent)).toBe('Role: read-only');
      const menu = await page.$$eval('nav.main a', (links) => links.map((a) => a.getAttribute('href')));
      expect(menu).not.toContain('/portal/webhooks');
      expect(menu).toContain('/portal/api-tokens'); // their own tokens are theirs to manage
      for (const path of ['/', '/buckets', '/access-keys', '/sftp-user', '/members', '/quota', '/invoices', `/invoices/${invoiceId}`, '/audit-log']) {
        await open(page, path, 'main h1');
        await page.waitForFunction(() => !document.body.innerText.includes('Loading') && !document.body.innerText.includes('Carregando'));
        const labels = await page.$$eval('main button', (buttons) => buttons.map((b) => b.textContent));
        expect(labels.filter((label) => /create|invite|delete|revoke|rotate|remove|reset|disable|request|send|settings|owner|access|register/i.test(label ?? '')), `${path}: ${labels.join(', ')}`).toEqual([]);
        expect(await page.$$('main form[data-testid]'), path).toHaveLength(0);
      }
      await screenshot(page, '13-invited-read-only-invoice-360px');
      await page.close();
    });

    it('the per-bucket selector draws that bucket alone', async () => {
      // a second bucket with its own July: 7 GiB from the 2nd
      await call('POST', `/accounts/${accountId}/buckets`, ownerToken, { name: 'portal-media' });
      await call('POST', '/usage', operatorToken, { samples: [{ kind: 'storage', sampleKey: 'media-july-2', bucket: 'portal-media', bytes: String(7n * GIB), at: '2026-07-02T08:00:00-03:00' }] });
      const page = await signIn(ownerToken);
      await page.waitForSelector('[data-testid=stored-chart] canvas');
      const figures = async () => {
        await page.waitForSelector('details tbody tr');
        return page.$$eval('details tbody tr', (trs) => trs.map((tr) => tr.querySelectorAll('td')[1]!.textContent));
      };
      const chart = () => page.$eval('[data-testid=stored-chart] canvas', (canvas) => (canvas as unknown as { toDataURL(): string }).toDataURL());
      await page.click('details summary');
      expect(await figures()).toEqual(['10', '17', '27', '27', '27']);
      const totalChart = await chart();
      const media = await page.$$eval('select[name=bucket] option', (options) => options.map((o) => [(o as unknown as { value: string }).value, o.textContent]));
      const mediaId = media.find(([, label]) => label === 'portal-media')![0]!;
      await page.select('select[name=bucket]', mediaId);
      await page.waitForFunction(() => document.body.innerText.includes('Stored GiB per day · portal-media'));
      expect(await figures()).toEqual(['0', '7', '7', '7', '7']);
      expect(await chart()).not.toBe(totalChart);
      await screenshot(page, '14-usage-one-bucket');
      await page.close();
    });

    it('shows the invoice with its payment and credit note, in pt-BR words, and downloads the API\'s CSV and PDF', async () => {
      const page = await signIn(ownerToken);
      const downloads = mkdtempSync(path.join(os.tmpdir(), 'portal-downloads-'));
      const cdp = await page.createCDPSession();
      await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: downloads });
      await page.select('.language select', 'pt-BR');
      await open(page, `/invoices/${invoiceId}`, '[data-testid=invoice-line]');
      const text = await mainText(page);
      expect(text).toContain('pix-portal-0001');
      expect(text).toContain('Pix');
      expect(text).toMatch(/R\$\s10,00/);
      expect(text).toContain('Goodwill for the outage');
      expect(text).toMatch(/R\$\s2,50/);
      // the API's values in words of the chosen language
      expect(text).toContain('Emitida');
      expect(text).toContain('Armazenamento (GiB-mês)');
      expect(text).not.toContain('storage_gib_month');
      await screenshot(page, '15-invoice-payment-credit-note-pt-BR');

      const saved = async (extension: string) => {
        for (let i = 0; i < 100; i++) {
          const file = readdirSync(downloads).find((name) => name.endsWith(extension));
          if (file) return readFileSync(path.join(downloads, file));
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        throw new Error(`no ${extension} in ${downloads}: ${readdirSync(downloads).join(', ')}`);
      };
      await page.click('[data-testid=download-csv]');
      const csv = (await saved('.csv')).toString('utf8');
      const fromApi = await app.api.inject({ method: 'GET', url: `/invoices/${invoiceId}`, headers: { ...bearer(ownerToken), accept: 'text/csv' } });
      expect(csv).toBe(fromApi.body);
      const { number } = await call('GET', `/accounts/${accountId}/invoices/${invoiceId}`, ownerToken);
      expect(csv.split(/\r?\n/)[0]).toMatch(/^invoice_number,invoice_id,period,status/);
      expect(csv).toContain(number);
      expect(csv.split(/\r?\n/).filter((row) => row.startsWith(number)).length).toBeGreaterThan(3);
      await page.click('[data-testid=download-pdf]');
      expect((await saved('.pdf')).subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(existsSync(downloads)).toBe(true);
      await page.close();
    });

    it("an owner changes a bucket's quota, versioning and lifecycle, at 360 px", async () => {
      const page = await signIn(ownerToken, 360);
      await open(page, '/buckets', '[data-testid=bucket-row]');
      await page.click('button[aria-label="Settings portal-backups"]');
      await page.waitForSelector('[data-testid=bucket-settings] input[name=quotaGib]');
      // the heading of the form takes the focus, so a keyboard user is where the form is
      expect(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } } }).document.activeElement.id)).toBe('bucket-settings-title');
      await page.type('input[name=quotaGib]', '500');
      await page.select('select[name=versioning]', 'enabled');
      await page.type('input[name=expirationDays]', '30');
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
      await screenshot(page, '16-owner-bucket-settings-360px');
      await page.click('[data-testid=bucket-settings] button[type=submit]');
      await page.waitForFunction(() => document.body.innerText.includes('500 GiB'));
      const bucket = (await call('GET', `/accounts/${accountId}/buckets?name=portal-backups`, ownerToken)).items[0];
      expect(bucket).toMatchObject({ quotaBytes: String(500n * GIB), versioning: 'enabled', lifecycle: { expirationDays: 30, noncurrentVersionExpirationDays: null } });
      await page.close();
    });

    it('marks one notification read', async () => {
      const page = await signIn(ownerToken);
      await open(page, '/notifications', '[data-testid=notification-row]');
      const unread = async () => (await page.$$('[data-testid=notification-row].unread')).length;
      const before = await unread();
      expect(before).toBeGreaterThan(0);
      await page.click('[data-testid=notification-row].unread button');
      await page.waitForFunction((n) => (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }).document.querySelectorAll('[data-testid=notification-row].unread').length === n, {}, before - 1);
      const listed = (await call('GET', `/accounts/${accountId}/notifications?unread=true`, ownerToken)).items;
      expect(listed).toHaveLength(before - 1);
      await page.close();
    });

    it('a member creates an API token of their own, shown once, and revokes it', async () => {
      const page = await signIn(memberToken);
      page.on('dialog', (dialog) => void dialog.accept());
      await open(page, '/api-tokens', '[data-testid=create-token]');
      await page.type('input[name=tokenName]', 'laptop');
      await page.click('[data-testid=create-token] button[type=submit]');
      await page.waitForSelector('[data-testid=secret-value]');
      const token = await page.$eval('[data-testid=secret-value]', (el) => el.textContent!);
      expect(token).toMatch(/^cpl_[0-9a-f]{32}_\S{43}$/);
      expect(await mainText(page)).toMatch(/only time it is shown.*revoke it and create another/);
      expect((await app.api.inject({ method: 'GET', url: `/accounts/${accountId}`, headers: bearer(token) })).statusCode).toBe(200);
      await page.waitForSelector('button[aria-label="Revoke laptop"]');
      await screenshot(page, '17-api-token-secret');
      // the token signed in with is marked, and has no revoke button
      expect(await page.$$eval('[data-testid=token-row]', (rows) => rows.map((r) => r.textContent))).toEqual(expect.arrayContaining([expect.stringContaining('this session')]));
      await page.click('button[aria-label="Revoke laptop"]');
      await page.waitForFunction(() => document.body.innerText.includes('Revoked'));
      expect((await app.api.inject({ method: 'GET', url: `/accounts/${accountId}`, headers: bearer(token) })).statusCode).toBe(401);
      await open(page, '/api-tokens', '[data-testid=token-row]');
      expect(await page.content()).not.toContain(token);
      await page.close();
    });

    it('an owner registers a webhook (secret shown once), sees its delivery with each try, and sends it again', async () => {
      // the source event's job schedules the delivery; the delivery's own job sends it
      const deliver = async () => {
        for (let round = 0; round < 2; round++) {
          await app.reactors.catchUp(['webhooks']);
          await app.reactors.drain(['webhooks']);
        }
        await app.runner.catchUp();
      };
      // what the log held before the webhook existed is the reactor's past, not this webhook's
      await deliver();
      const page = await signIn(ownerToken);
      page.on('dialog', (dialog) => void dialog.accept());
      await open(page, '/webhooks', '[data-testid=register-webhook]');
      await page.$eval('input[name=webhookUrl]', (input) => ((input as unknown as { value: string }).value = ''));
      await page.type('input[name=webhookUrl]', receiverUrl);
      await page.click('input[name=kind][value="credit_note.issued"]');
      await page.click('[data-testid=register-webhook] button[type=submit]');
      await page.waitForSelector('[data-testid=secret-value]');
      expect(await page.$eval('[data-testid=secret-value]', (el) => el.textContent)).toMatch(/^whsec_/);
      expect(await mainText(page)).toMatch(/only time it is shown/);
      await page.waitForSelector('[data-testid=webhook-row]');
      await screenshot(page, '18-webhook-secret');

      // something it hears about, delivered by the webhooks reactor
      await call('POST', `/invoices/${invoiceId}/credit-notes`, operatorToken, { amount: '0.50', reason: 'Rounding' });
      await deliver();
      expect(received).toHaveLength(1);
      await open(page, '/webhooks', '[data-testid=webhook-row]');
      await page.click(`button[aria-label="Deliveries ${receiverUrl}"]`);
      await page.waitForSelector('[data-testid=delivery-row]');
      expect(await page.$eval('[data-testid=delivery-row]', (row) => row.textContent)).toMatch(/Credit note issued.*Delivered.*HTTP 204/s);
      await page.click('[data-testid=delivery-row] button');
      await page.waitForSelector('[data-testid=deliveries] .notice');
      await deliver();
      expect(received).toHaveLength(2);
      expect(received[1]!['webhook-id']).toBe(received[0]!['webhook-id']);
      await open(page, '/webhooks', '[data-testid=webhook-row]');
      await page.click(`button[aria-label="Deliveries ${receiverUrl}"]`);
      await page.waitForFunction(() => document.body.innerText.split('HTTP 204').length === 3);
      await screenshot(page, '19-webhook-deliveries');
      await page.click(`button[aria-label="Delete ${receiverUrl}"]`);
      await page.waitForFunction(() => document.body.innerText.includes('Removed'));
      await page.close();
    });

    it('an owner gives the SFTP user access to a bucket and takes it away', async () => {
      const page = await signIn(ownerToken);
      await open(page, '/sftp-user', 'main h1');
      await page.waitForFunction(() => document.body.innerText.includes('Create SFTP user'));
      await page.$$eval('main button', (buttons) => (buttons.find((b) => b.textContent === 'Create SFTP user') as unknown as { click(): void }).click());
      await page.waitForSelector('[data-testid=secret-value]');
      const backups = (await call('GET', `/accounts/${accountId}/buckets?name=portal-backups`, ownerToken)).items[0].bucketId;
      await page.waitForSelector('[data-testid=grant-sftp-bucket] select');
      await page.select('[data-testid=grant-sftp-bucket] select', backups);
      await page.click('[data-testid=grant-sftp-bucket] button[type=submit]');
      await page.waitForSelector('[data-testid=sftp-buckets]');
      expect(await page.$eval('[data-testid=sftp-buckets]', (el) => el.textContent)).toContain('portal-backups');
      expect((await call('GET', `/accounts/${accountId}/sftp-user`, ownerToken)).bucketIds).toEqual([backups]);
      await screenshot(page, '20-sftp-bucket-access');
      await page.click('button[aria-label="Take access away portal-backups"]');
      await page.waitForFunction(() => document.body.innerText.includes('No bucket is reachable over SFTP yet.'));
      expect((await call('GET', `/accounts/${accountId}/sftp-user`, ownerToken)).bucketIds).toEqual([]);
      await page.close();
    });

    it('the owner makes another member owner', async () => {
      const page = await signIn(ownerToken);
      page.on('dialog', (dialog) => void dialog.accept());
      await open(page, '/members', 'main table');
      await page.click('button[aria-label="Make owner: new.member@portal-co.com.br"]');
      const owners = async () => (await call('GET', `/accounts/${accountId}/members?role=owner`, ownerToken)).items.map((m: { email: string }) => m.email);
      for (let i = 0; i < 50 && (await owners())[0] !== 'new.member@portal-co.com.br'; i++) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await owners()).toEqual(['new.member@portal-co.com.br']);
      // the page was read again: the new owner has no button to be made owner
      await page.waitForSelector('main table');
      await page.waitForFunction(() => !document.body.innerText.includes('Loading'));
      expect(await page.$('button[aria-label="Make owner: new.member@portal-co.com.br"]')).toBeNull();
      await page.close();
    });

    it('leaves its screenshots where the README says', () => {
      expect(SCREENSHOTS.replaceAll('\\', '/')).toMatch(/test-output\/portal-screenshots$/);
    });
  });
}
