// What users and tasks supply is shown, never run: logs (text, markdown, JSON), inputs, errors,
// URL filters and API error messages. `window.__pwned` is what every payload tries to set.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { useHarness } from '../support/harness.js';
import { useBrowser, screenshot } from './browser.js';

const PAYLOAD = '<img src=x onerror="window.__pwned=1">';

async function assertInert(page: Page, where: string): Promise<void> {
  // Let any pending image error or load event fire before looking.
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 200))));
  const state = await page.evaluate(() => ({
    pwned: (window as unknown as { __pwned?: unknown }).__pwned,
    // Any on* attribute anywhere, and any script the page did not ship.
    handlers: [...document.querySelectorAll('*')].filter((el) => [...el.attributes].some((a) => a.name.toLowerCase().startsWith('on'))).length,
    scripts: document.querySelectorAll('script:not([src]):not([type="importmap"]), main script').length,
    javascriptLinks: [...document.querySelectorAll('a[href]')].filter((a) => a.getAttribute('href')!.trim().toLowerCase().startsWith('javascript:')).length,
  }));
  assert.deepEqual(state, { pwned: undefined, handlers: 0, scripts: 0, javascriptLinks: 0 }, where);
}

describe('dashboard: XSS attempts stay inert', function () {
  this.timeout(180_000);
  const h = useHarness();
  const browser = useBrowser();

  it('in log lines (text, markdown, JSON), inputs and the error of a run, and in the runs list', async () => {
    const started = await h.request('POST', '/api/tasks/xss-logger', { inputs: { payload: PAYLOAD }, tags: ['xss'] });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    const run = await h.waitForRun(started.body.id);
    assert.equal(run.status, 'failed');

    const page = await browser.page();
    const dialogs: string[] = [];
    page.on('dialog', (d) => dialogs.push(d.message()));
    await page.goto(`${h.apiUrl}/runs/${run.id}`);
    await page.locator('.log-line.level-markdown .markdown h1').waitFor();
    // Shown as text, where it was text.
    await page.locator('.log-line.level-log .msg', { hasText: PAYLOAD }).waitFor();
    await page.locator('.log-line.level-danger .msg', { hasText: PAYLOAD }).waitFor();
    await page.locator('.log-line.level-json .j-key', { hasText: PAYLOAD }).first().waitFor();
    await page.locator('.run-error .error-type', { hasText: PAYLOAD }).waitFor();
    await page.locator('.panel .j-str', { hasText: 'onerror=' }).first().waitFor();
    // Markdown: rendered, with the dangerous parts removed by DOMPurify.
    assert.equal(await page.locator('.markdown script').count(), 0);
    assert.ok((await page.locator('.markdown').first().innerText()).includes('Heading'), 'the markdown was rendered');
    await assertInert(page, 'run page');
    await screenshot(page, 'xss-run');

    await page.goto(`${h.apiUrl}/runs?tag=xss`);
    await page.locator(`tr[data-run="${run.id}"]`).waitFor();
    await assertInert(page, 'runs list');
    assert.deepEqual(dialogs, []);
  });

  it('in URL filters and in API error messages shown by the run form', async () => {
    const page = await browser.page();
    await page.goto(`${h.apiUrl}/runs?q=${encodeURIComponent(PAYLOAD)}&task=${encodeURIComponent(PAYLOAD)}`);
    assert.equal(await page.locator('input[name="q"]').inputValue(), PAYLOAD);
    await assertInert(page, 'runs filters');

    await page.goto(`${h.apiUrl}/tasks`);
    const card = page.locator('[data-task="xss-logger"]');
    await card.locator('[data-action="run"]').click();
    await card.locator('input[name="payload"]').fill(PAYLOAD);
    await card.locator('input[name="tags"]').fill(PAYLOAD);
    await card.locator('[data-action="submit-run"]').click();
    // The API refuses such a tag; its message is shown as text.
    await card.locator('.problems li, .error-box').first().waitFor();
    await assertInert(page, 'run form error');
  });
});
