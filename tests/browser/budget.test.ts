// The first-load budget: each page's JS+CSS (gzip, as transferred) stays within 150 KB, with
// 10,000 runs in the database. First-render times are measured and printed, not asserted
// (timings depend on the machine; several test runs share it).
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { useHarness } from '../support/harness.js';
import { useBrowser, screenshot } from './browser.js';

const BUDGET_BYTES = 150 * 1024;

describe('dashboard: first-load budget with 10,000 runs', function () {
  this.timeout(180_000);
  const h = useHarness();
  const browser = useBrowser();
  let runId: string;
  before(async () => {
    await sql`INSERT INTO runs (id, task, status, triggered_by, created_at, started_at, completed_at, inputs, result)
      SELECT 'run_bulk_' || lpad(i::text, 5, '0'), 'task-' || (i % 20), (ARRAY['complete','failed','running','pending','cancelled'])[1 + i % 5]::text, 'api',
        now() - (i || ' seconds')::interval, now() - (i || ' seconds')::interval, now() - (i || ' seconds')::interval + interval '2 seconds', '{"n":1}', '{"ok":true}'
      FROM generate_series(1, 10000) AS i`.execute(h.db);
    const res = await h.request('POST', '/api/tasks/slow-logger', { inputs: { lines: 50, intervalMs: 0 } });
    runId = res.body.id;
    await h.waitForRun(runId);
  });

  it('keeps every page within 150 KB of JS+CSS (gzip), and reports first render', async () => {
    const pages: Array<[string, string, string]> = [
      ['runs', '/runs', 'tr[data-run]'],
      ['run', `/runs/${runId}`, '.log-line'],
      ['tasks', '/tasks', '[data-task]'],
      ['workflows', '/workflows', 'table.plain'],
      ['schedules', '/schedules', '.schedules-page'],
      ['workers', '/workers', '[data-worker]'],
      ['queues', '/queues', '[data-testid="queues-empty"]'],
    ];
    const report: Record<string, { jsCssGzipBytes: number; files: number; firstRenderMs: number }> = {};
    for (const [name, path, selector] of pages) {
      const page = await browser.page();
      // Records when the page's content first appears, from inside the page.
      await page.addInitScript((sel) => {
        new MutationObserver((_records, observer) => {
          if (document.querySelector(sel)) {
            (window as unknown as { __firstRender: number }).__firstRender = performance.now();
            observer.disconnect();
          }
        }).observe(document, { childList: true, subtree: true });
      }, selector);
      await page.goto(`${h.apiUrl}${path}`);
      await page.locator(selector).first().waitFor();
      await page.waitForLoadState('load');
      await screenshot(page, `budget-${name}`);
      const measured = await page.evaluate(() => {
        const assets = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter((e) => /\.(m?js|css)(\?|$)/.test(new URL(e.name).pathname));
        return {
          jsCssGzipBytes: assets.reduce((sum, e) => sum + e.encodedBodySize, 0),
          files: assets.length,
          firstRenderMs: Math.round((window as unknown as { __firstRender: number }).__firstRender),
        };
      });
      report[name] = measured;
      await page.context().close();
    }
    console.log(`      dashboard first load (10,000 runs in the database):\n${Object.entries(report).map(([n, r]) => `        ${n.padEnd(10)} ${(r.jsCssGzipBytes / 1024).toFixed(1).padStart(6)} KB JS+CSS gzip in ${r.files} files, first render ${r.firstRenderMs} ms`).join('\n')}`);
    for (const [name, r] of Object.entries(report)) {
      assert.ok(r.jsCssGzipBytes > 0, `${name}: assets were measured`);
      assert.ok(r.jsCssGzipBytes <= BUDGET_BYTES, `${name}: ${r.jsCssGzipBytes} bytes of JS+CSS over the ${BUDGET_BYTES} budget`);
    }
  });
});
