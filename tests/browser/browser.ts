// Debian's Chromium driven by playwright-core (which downloads nothing): a fresh profile per
// launch, and helpers the dashboard tests share.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Git-ignored: every page the tests visit, for people to look at. */
export const SCREENSHOT_DIR = path.resolve('.conveyor/screenshots');

const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export interface TestBrowser {
  browser: Browser;
  /** A fresh context (cookies of its own) and page, sized like a laptop unless told otherwise. */
  page(options?: { width?: number; height?: number }): Promise<Page>;
  close(): Promise<void>;
}

/** Each launch gets a fresh profile (playwright's launch() makes a temporary user-data-dir and removes it on close). */
export async function launchBrowser(): Promise<TestBrowser> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  const contexts: BrowserContext[] = [];
  return {
    browser,
    async page({ width = 1280, height = 900 } = {}) {
      const context = await browser.newContext({ viewport: { width, height } });
      // Generous: several test runs share two cores. (Waits, not timed assertions.)
      context.setDefaultTimeout(60_000);
      contexts.push(context);
      // (Dialogs nobody listens for are dismissed by playwright.)
      return context.newPage();
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser.close();
    },
  };
}

/** Chromium for the suite it is called in: launched before its tests, closed after them. */
export function useBrowser(): Pick<TestBrowser, 'page'> {
  let launched: TestBrowser | undefined;
  before(async () => (launched = await launchBrowser()));
  after(async () => launched?.close());
  return {
    page: (options) => {
      if (!launched) throw new Error('the browser is not launched yet (useBrowser() inside describe, pages inside tests)');
      return launched.page(options);
    },
  };
}

/** A PNG of the viewport, and a small JPEG beside it (the README's pictures are copied from those). */
export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`) });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.jpg`), type: 'jpeg', quality: 60 });
}

/** Horizontal overflow of the document: 0 when nothing scrolls sideways. */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

/** Waits until `fn` returns a truthy value in Node (for API state), polling. */
export async function eventually<T>(fn: () => Promise<T | undefined | false>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
