// Drives Debian's Chromium (playwright-core) against the real app listening on 127.0.0.1, for the web page's end-to-end tests.
import type { Test } from 'tap';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { defaultWebDir } from '../../src/web/web-plugin.js';
import { startApp, tempDir, type TestApp, type TestAppOptions } from './app.js';

export const CHROMIUM = '/usr/bin/chromium';
/** How long one page step may take before the test fails with the step's name. */
export const PAGE_TIMEOUT_MS = 15_000;

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

export interface WebApp extends TestApp {
  baseUrl: string;
  browser: BrowserContext;
  /** A new tab, signed in with the token, on `#/<page>`; page errors and failed requests are kept for the failure message. */
  open(token: string, page?: string, viewport?: { width: number; height: number }): Promise<Page>;
  /** What the browser complained about so far (uncaught errors, console errors). */
  problems: string[];
}

/** Starts the real app on a port of its own and a headless Chromium with a fresh profile; both end with the test. */
export async function startWebApp(t: { teardown(fn: () => void | Promise<void>): void }, options: TestAppOptions = {}): Promise<WebApp> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: install it with apt-get install -y chromium (.ci/run does so)`);
  if (!fs.existsSync(path.join(defaultWebDir(), 'app.js'))) throw new Error('the web page is not built: run npm run build first (npm test does)');
  const app = await startApp(t, options);
  await app.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.app.server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  const browser = await chromium.launchPersistentContext(tempDir(t), {
    executablePath: CHROMIUM,
    headless: true,
    // --disable-dev-shm-usage: containers often give /dev/shm 64 MB, too little for Chromium's renderer.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    viewport: DESKTOP,
    timeout: PAGE_TIMEOUT_MS,
    locale: 'id-ID',
    timezoneId: 'Asia/Jakarta',
  });
  browser.setDefaultTimeout(PAGE_TIMEOUT_MS);
  browser.setDefaultNavigationTimeout(PAGE_TIMEOUT_MS);
  // Closed before the app (teardowns run last first).
  t.teardown(() => browser.close());
  const problems: string[] = [];
  const open = async (token: string, pageName = '', viewport = DESKTOP) => {
    const page = await browser.newPage();
    await page.setViewportSize(viewport);
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    // A refused request the test provokes (422) is expected; a sign-in lost (401) or a server failure is not.
    page.on('response', (res) => {
      if (res.status() === 401 || res.status() >= 500) problems.push(`${res.status()} ${res.request().method()} ${res.url()}`);
    });
    page.on('console', (msg) => {
      if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) problems.push(`console: ${msg.text()}`);
    });
    await page.goto(`${baseUrl}/app/${pageName ? `#/${pageName}` : ''}`);
    await page.fill('#token', token);
    await page.click('form.signin button[type=submit]');
    await page.waitForSelector('header.top .me');
    await page.waitForSelector('main#page:not([aria-busy])', { state: 'attached' });
    return page;
  };
  return { ...app, baseUrl, browser, open, problems };
}

/** Saves a screenshot under docs/screenshots/ when SCREENSHOTS=1 (`npm run screenshots`); otherwise does nothing. */
export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  if (process.env.SCREENSHOTS !== '1') return;
  const dir = new URL('../../docs/screenshots/', import.meta.url);
  fs.mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: new URL(`${name}.png`, dir).pathname, fullPage: options.fullPage ?? false });
}

/** Opens a tab at phone width once `ready` shows, and checks the page does not scroll sideways; saves its screenshot. */
export async function checkPhoneWidth(t: Pick<Test, 'ok'>, web: WebApp, token: string, tab: string, ready: string, shot: string): Promise<void> {
  const phone = await web.open(token, tab, PHONE);
  await phone.waitForSelector(ready);
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  t.ok(overflow <= 1, `no sideways scrolling at phone width (overflow ${overflow}px)`);
  await screenshot(phone, shot);
}
