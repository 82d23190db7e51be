// Layout: no horizontal scroll at 1280 px and at 390 px (a phone) on the runs, run and tasks pages
// (the queues page's check is in queues.test.ts), and a 10,000-line log that keeps only the visible part in the DOM.
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { useHarness } from '../support/harness.js';
import { horizontalOverflow, useBrowser, screenshot } from './browser.js';

describe('dashboard: layout and a long log', function () {
  this.timeout(180_000);
  const h = useHarness();
  const browser = useBrowser();
  let runId: string;
  before(async () => {
    const long = 'x'.repeat(400);
    const res = await h.request('POST', '/api/tasks/slow-logger', { inputs: { lines: 10_000, intervalMs: 0, label: `tick-${long}` }, tags: ['a-rather-long-tag-name-that-keeps-going', 'another:tag/with.parts'] });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    runId = res.body.id;
    const run = await h.waitForRun(runId, undefined, 120_000);
    assert.equal(run.status, 'complete');
    await sql`INSERT INTO runs (id, task, status, triggered_by, created_at, tags)
      SELECT 'run_layout_' || i || '_' || repeat('y', 60), 'a-task-with-a-long-name-' || repeat('z', 40), 'failed', 'schedule', now() - (i || ' seconds')::interval, ARRAY['tag-' || repeat('t', 50)]
      FROM generate_series(1, 30) AS i`.execute(h.db);
  });

  for (const width of [1280, 390]) {
    it(`has no horizontal scroll at ${width} px on the runs, run and tasks pages`, async () => {
      const page = await browser.page({ width, height: 844 });
      await page.goto(`${h.apiUrl}/runs`);
      await page.locator('tr[data-run]').first().waitFor();
      await screenshot(page, `runs-${width}`);
      assert.equal(await horizontalOverflow(page), 0, 'runs page');
      await page.goto(`${h.apiUrl}/runs/${runId}`);
      await page.locator('.log-line .msg', { hasText: 'tick-' }).first().waitFor();
      await page.locator('.run-title [data-status="complete"]').waitFor();
      await screenshot(page, `run-${width}`);
      assert.equal(await horizontalOverflow(page), 0, 'run page');
      await page.goto(`${h.apiUrl}/tasks?run=echo`);
      await page.locator('[data-task="echo"] select[name="priority"]').waitFor();
      assert.equal(await horizontalOverflow(page), 0, 'tasks page with a run form open');
    });
  }

  it('renders a 10,000-line log with only the visible lines in the DOM, and scrolls to any of them', async () => {
    const page = await browser.page();
    await page.goto(`${h.apiUrl}/runs/${runId}`);
    const view = page.locator('[data-testid="log-view"]');
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="log-view"]')?.getAttribute('data-lines')) >= 10_000, undefined, { timeout: 60_000 });
    // Follow mode shows the newest line.
    await page.locator('.log-line .msg', { hasText: /^tick-x+ 10000$/ }).waitFor();
    const inDom = await page.locator('.log-line').count();
    assert.ok(inDom <= 300, `${inDom} lines in the DOM`);
    // Scrolling to the top (follow turns off) brings the first lines in.
    await view.evaluate((el) => (el.scrollTop = 0));
    await page.locator('.log-line .msg', { hasText: /^tick-x+ 1$/ }).waitFor();
    assert.equal(await page.locator('input[name="follow"]').isChecked(), false);
    // And the middle.
    await view.evaluate((el) => (el.scrollTop = el.scrollHeight / 2));
    await page.waitForFunction(() => [...document.querySelectorAll('.log-line .msg')].some((e) => / (4\d{3}|5\d{3})$/.test(e.textContent ?? '')));
    assert.ok((await page.locator('.log-line').count()) <= 300);
  });
});
