import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, openTestAccount } from '../support/api-requests.ts';
import { GIB, WORKED_EXAMPLE_TERMS } from '../support/billing-fixtures.ts';
import { startClockedApp, type ClockedApp } from '../support/clocked-app.ts';
import { findChromium, launchBrowser, mainText, screenshot, SCREENSHOTS } from './browser.ts';

const chromium = findChromium();

// What the callbacks given to page.evaluate use of the browser's globals (they run there, not here).
declare const document: { body: { innerText: string }; documentElement: { lang: string } };
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

    const call = async (method: 'GET' | 'POST' | 'PUT', url: string, token: string, payload?: unknown) => {
      const response = await app.api.inject({ method, url, headers: bearer(token), ...(payload === undefined ? {} : { payload: payload as object }) });
      expect(response.statusCode, `${method} ${url}: ${response.body}`).toBeLessThan(300);
      return response.json();
    };

    beforeAll(async () => {
      // a clock in July 2026: June is billed, July is the period so far
      app = await startClockedApp('2026-07-05T15:00:00.000Z');
      const operator = await app.tokenFor({ kind: 'operator' });
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

      // as npm start does: the read models follow the log while the browser clicks
      app.runner.start();
      await app.api.listen({ port: 0, host: '127.0.0.1' });
      base = `http://127.0.0.1:${(app.api.server.address() as AddressInfo).port}`;
      browser = await launchBrowser(chromium);
    });

    afterAll(async () => {
      await browser?.close();
      await app?.close();
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

    it('leaves its screenshots where the README says', () => {
      expect(SCREENSHOTS.replaceAll('\\', '/')).toMatch(/test-output\/portal-screenshots$/);
    });
  });
}
