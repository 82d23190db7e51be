// The dashboard in real Chromium: start a run from the Tasks page, follow its live log, cancel it.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { useHarness } from '../support/harness.js';
import { useBrowser, screenshot } from './browser.js';

describe('dashboard: run a task, follow it live, cancel it', function () {
  this.timeout(180_000);
  const h = useHarness();
  const browser = useBrowser();

  const visibleTicks = (page: Page) => page.$$eval('.log-line .msg', (els) => els.map((e) => e.textContent ?? '').filter((t) => t.startsWith('tick ')).map((t) => Number(t.slice(5))));

  it('Run button → the run opens → lines arrive while it runs → markdown and JSON shown → cancel → status changes without a reload', async () => {
    const page = await browser.page();
    await page.goto(`${h.apiUrl}/tasks`);
    const card = page.locator('[data-task="slow-logger"]');
    await card.locator('[data-action="run"]').click();
    await card.locator('input[name="lines"]').fill('2000');
    await card.locator('input[name="intervalMs"]').fill('150');
    await screenshot(page, 'tasks');
    const posted = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/api/tasks/slow-logger'));
    await card.locator('[data-action="submit-run"]').click();
    const body = JSON.parse((await posted).postData() ?? '{}');
    assert.equal(body.triggeredBy, 'user');
    assert.deepEqual(body.inputs, { lines: 2000, intervalMs: 150 });
    await Promise.race([
      page.waitForURL(/\/runs\/run_/),
      page.locator('.run-form .error-box, .run-form .problems li').first().waitFor().then(async () => assert.fail(`the run did not start: ${await page.locator('.run-form').innerText()}`)),
    ]);
    const runId = decodeURIComponent(new URL(page.url()).pathname.split('/')[2]);
    // A marker that a reload would wipe: the status must change in this very document.
    await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));

    // Live: a tick appears, then a later one, while the run is still running.
    await page.waitForFunction(() => [...document.querySelectorAll('.log-line .msg')].some((e) => e.textContent === 'tick 2'));
    const first = Math.max(...(await visibleTicks(page)));
    await page.waitForFunction((n) => [...document.querySelectorAll('.log-line .msg')].some((e) => e.textContent === `tick ${n + 3}`), first);
    const row = await h.waitForRun(runId, () => true);
    assert.equal(row.status, 'running', 'the lines arrived while the run was running');
    assert.equal(row.triggered_by, 'user', 'started from the page: triggered by user');
    assert.equal(await page.locator('[data-testid="live"]').count(), 1, 'the log says it is live');

    // Markdown rendered as HTML, JSON as a tree.
    await page.locator('.markdown h2', { hasText: 'Report' }).waitFor();
    assert.equal(await page.locator('.markdown strong', { hasText: 'bold' }).count(), 1);
    assert.equal(await page.locator('.markdown a[rel="noopener noreferrer"]').count(), 1);
    await page.locator('.json-tree .j-key', { hasText: 'stage' }).first().waitFor();
    assert.equal(await page.locator('.log-line.level-warn').count(), 1, 'a warn line is styled as one');
    await screenshot(page, 'run-live-log');

    // Cancel with a reason, from the page.
    await page.locator('[data-action="cancel"]').click();
    await page.locator('input[name="reason"]').fill('seen enough');
    await page.locator('[data-action="confirm-cancel"]').click();
    await page.locator('.run-title [data-status="cancelled"]').waitFor({ timeout: 60_000 });
    assert.equal(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument), true, 'no reload happened');
    const ended = await h.waitForRun(runId);
    assert.equal(ended.status, 'cancelled');
    assert.match(JSON.stringify(ended.error), /seen enough/);
    await page.locator('[data-testid="live"]').waitFor({ state: 'detached' });
    await screenshot(page, 'run-cancelled');
  });

  it('shows a delayed run with its start time, reschedules it and cancels it', async () => {
    const started = await h.request('POST', '/api/tasks/noop', { delay: '1h' });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    const page = await browser.page();
    await page.goto(`${h.apiUrl}/runs/${started.body.id}`);
    await page.locator('[data-testid="banner-delayed"]').waitFor();
    const before = (await h.waitForRun(started.body.id, () => true)).run_at!.getTime();
    await page.click('[data-action="reschedule"]');
    await page.fill('input[name="delay"]', '2h');
    await page.click('[data-action="confirm-reschedule"]');
    await page.locator('.note', { hasText: 'Rescheduled.' }).waitFor();
    const after = (await h.waitForRun(started.body.id, (run) => run.run_at!.getTime() > before + 30 * 60_000)).run_at!.getTime();
    assert.ok(after - before > 30 * 60_000);
    await page.click('[data-action="cancel"]');
    await page.click('[data-action="confirm-cancel"]');
    await page.locator('.run-title [data-status="cancelled"]').waitFor({ timeout: 60_000 });
    assert.equal(await page.locator('[data-testid="banner-delayed"]').count(), 0);
  });
});
