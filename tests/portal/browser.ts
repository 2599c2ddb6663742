import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'puppeteer-core';

/** Debian's chromium, or the one CHROMIUM_PATH names; null when the machine has none. */
export function findChromium(): string | null {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => Boolean(p));
  return candidates.find((candidate) => existsSync(candidate)) ?? null;
}

/** Where the browser tests leave a screenshot of each page (git-ignored). */
export const SCREENSHOTS = path.resolve(import.meta.dirname, '../../test-output/portal-screenshots');

export async function launchBrowser(executablePath: string): Promise<Browser> {
  const { default: puppeteer } = await import('puppeteer-core');
  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start
  return puppeteer.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'] });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** The visible text of the page's main content. */
export const mainText = (page: Page) => page.$eval('body', (body) => (body as unknown as { innerText: string }).innerText);
