// The runs list: live (new runs and status changes without a reload), filters in the URL that
// survive a reload, counts per status, keyset paging.
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { useHarness } from '../support/harness.js';
import { useBrowser, screenshot } from './browser.js';

describe('dashboard: runs list', function () {
  this.timeout(180_000);
  const h = useHarness();
  const browser = useBrowser();

  const trigger = async (task: string, inputs: unknown, tags?: string[]) => {
    const res = await h.request('POST', `/api/tasks/${task}`, { inputs, ...(tags ? { tags } : {}) });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    return res.body.id as string;
  };

  it('shows new runs and their status changes live, only those matching the filters, and keeps the filters over a reload', async () => {
    const page = await browser.page();
    await page.goto(`${h.apiUrl}/runs?task=sleepy&tag=live`);
    await page.locator('[data-testid="runs-live"].live').waitFor();
    await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));

    const other = await trigger('sleepy', { ms: 10 }, ['elsewhere']);
    const id = await trigger('sleepy', { ms: 1500 }, ['live']);
    const row = page.locator(`tr[data-run="${id}"]`);
    await row.waitFor();
    await page.locator(`tr[data-run="${id}"][data-status="complete"]`).waitFor({ timeout: 60_000 });
    assert.equal(await page.locator(`tr[data-run="${other}"]`).count(), 0, 'a run outside the filters is not shown');
    assert.equal(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument), true, 'no reload happened');
    await page.locator('[data-count="complete"] strong', { hasText: '1' }).waitFor();

    await page.reload();
    assert.equal(await page.locator('input[name="task"]').inputValue(), 'sleepy');
    assert.equal(await page.locator('input[name="tag"]').inputValue(), 'live');
    await row.waitFor();
    assert.equal(await page.locator('tr[data-run]').count(), 1);

    // A status filter from the select lands in the URL and survives a reload too.
    await page.selectOption('select[name="status"]', 'failed');
    await page.waitForURL(/status=failed/);
    await page.locator('.empty').waitFor();
    await page.reload();
    assert.equal(await page.locator('select[name="status"]').inputValue(), 'failed');
    assert.equal(await page.locator('tr[data-run]').count(), 0);
    assert.match(page.url(), /task=sleepy/);
  });

  it('pages with a keyset cursor through many runs', async () => {
    await sql`INSERT INTO runs (id, task, status, triggered_by, created_at)
      SELECT 'run_seed_' || lpad(i::text, 4, '0'), 'seeded', 'complete', 'api', now() - (i || ' seconds')::interval
      FROM generate_series(1, 120) AS i`.execute(h.db);
    const page = await browser.page();
    await page.goto(`${h.apiUrl}/runs?task=seeded`);
    await page.locator('tr[data-run="run_seed_0001"]').waitFor();
    assert.equal(await page.locator('tr[data-run]').count(), 50);
    await page.locator('[data-count="complete"] strong', { hasText: '120' }).waitFor();
    await screenshot(page, 'runs');
    await page.locator('[data-testid="older"]').click();
    await page.locator('tr[data-run="run_seed_0051"]').waitFor();
    assert.equal(await page.locator('tr[data-run="run_seed_0001"]').count(), 0);
    await page.locator('[data-testid="older"]').click();
    await page.locator('tr[data-run="run_seed_0120"]').waitFor();
    assert.equal(await page.locator('tr[data-run]').count(), 20);
    assert.equal(await page.locator('[data-testid="older"]').count(), 0, 'the last page has no older link');
  });
});
