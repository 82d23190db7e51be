// Concurrency on the dashboard: the Queues page (GET /api/queues, re-read on run events without a
// reload), and the run form's priority and concurrency key, shown again on the run page.
import assert from 'node:assert/strict';
import { useHarness } from '../support/harness.js';
import { CONCURRENCY_TASKS } from '../support/concurrency.js';
import { horizontalOverflow, screenshot, useBrowser } from './browser.js';

describe('dashboard: concurrency queues, priority and concurrency key', function () {
  this.timeout(180_000);
  const h = useHarness({ tasksDir: CONCURRENCY_TASKS });
  const browser = useBrowser();
  const open: string[] = [];
  afterEach(async () => {
    // Long runs hold their slots until cancelled: end them all, and wait for them to end.
    const ids = open.splice(0);
    for (const id of ids) await h.request('POST', `/api/runs/${id}/cancel`, {});
    await Promise.all(ids.map((id) => h.waitForRun(id, undefined, 60_000)));
  });

  const trigger = async (slug: string, body: Record<string, unknown>) => {
    const res = await h.request('POST', `/api/tasks/${slug}`, body);
    assert.equal(res.status, 202, JSON.stringify(res.body));
    open.push(res.body.id);
    return res.body.id as string;
  };

  it('shows a queue filling and draining live, its keys, and no horizontal scroll at 390 px', async () => {
    const page = await browser.page();
    await page.goto(`${h.apiUrl}/queues`);
    await page.locator('[data-testid="queues-live"].live').waitFor();
    await page.locator('[data-queue="single"][data-running="0"][data-queued="0"]').waitFor();
    // The task links to its runs; its limits are shown.
    await page.locator('[data-queue="single"] h2 a[href="/runs?task=single"]').waitFor();
    assert.match(await page.locator('[data-queue="per-key"]').innerText(), /per key 1 · key inputs\.customer/);
    await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));

    const holder = await trigger('single', { inputs: { ms: 120_000 } });
    await h.waitForRun(holder, (r) => r.status === 'running');
    const next = await trigger('single', { inputs: { ms: 120_000 } });
    await h.waitForRun(next, (r) => r.status === 'queued');
    const single = page.locator('[data-queue="single"][data-running="1"][data-queued="1"]');
    await single.waitFor();
    assert.match(await single.locator('[data-field="oldest"]').innerText(), /^\d+ s$/);

    // Keys in use, each its own row; a key from a trigger is text, never markup.
    const evil = '<img src=x onerror="window.__pwned=1">';
    const acme = await trigger('per-key', { inputs: { customer: 'acme', ms: 120_000 } });
    await h.waitForRun(acme, (r) => r.status === 'running');
    await trigger('per-key', { inputs: { customer: 'acme', ms: 120_000 } });
    await trigger('per-key', { inputs: { customer: 'other', ms: 120_000 }, concurrencyKey: evil });
    const acmeRow = page.locator('[data-queue="per-key"] tr[data-key="acme"][data-running="1"][data-queued="1"]');
    await acmeRow.waitFor();
    await page.locator('[data-queue="per-key"][data-running="2"][data-queued="1"]').waitFor();
    await page.locator('[data-queue="per-key"] td', { hasText: evil }).waitFor();
    assert.equal(await page.locator('.queues-page img').count(), 0);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    await screenshot(page, 'queues');

    // The holder is cancelled: the next run takes its slot, and the page follows without a reload.
    assert.equal((await h.request('POST', `/api/runs/${holder}/cancel`, {})).status, 202);
    await page.locator('[data-queue="single"][data-running="1"][data-queued="0"]').waitFor();
    assert.equal((await h.request('GET', `/api/runs/${next}`)).body.status, 'running');
    assert.equal(await page.locator('[data-queue="single"] [data-field="oldest"]').innerText(), '–');
    assert.equal(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument), true, 'no reload happened');

    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'queues-390');
    assert.equal(await horizontalOverflow(page), 0, 'queues page at 390 px');
  });

  it("shows a workflow's own limit as its queue, linked to the workflow's runs", async () => {
    const slug = 'limited-flow';
    const created = await h.request('POST', '/api/workflows', { slug, concurrency: { limit: 1 }, nodes: [{ id: 'work', task: 'nap', inputs: { ms: 120_000 } }] });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal((await h.request('POST', `/api/workflows/${slug}/activate`, { version: 1 })).status, 200);
    const execute = async () => {
      const res = await h.request('POST', `/api/workflows/${slug}/execute`, { inputs: {} });
      assert.equal(res.status, 202, JSON.stringify(res.body));
      open.push(res.body.id);
      return res.body.id as string;
    };
    const holder = await execute();
    await h.waitForRun(holder, (r) => r.status === 'running');
    await h.waitForRun(await execute(), (r) => r.status === 'queued');
    const page = await browser.page();
    await page.goto(`${h.apiUrl}/queues`);
    const queue = page.locator(`[data-queue="workflow:${slug}"][data-running="1"][data-queued="1"]`);
    await queue.waitFor();
    await queue.locator(`h2 a[href="/runs?workflow=${slug}"]`).waitFor();
    await queue.locator(`[data-field="queued"] a[href="/runs?workflow=${slug}&status=queued"]`).waitFor();
  });

  it('sends the priority and concurrency key from the run form, and the run page shows them', async () => {
    const page = await browser.page();
    await page.goto(`${h.apiUrl}/tasks`);
    // A task without a limit: priority only.
    const free = page.locator('[data-task="free"]');
    await free.locator('[data-action="run"]').click();
    await free.locator('select[name="priority"]').waitFor();
    assert.equal(await free.locator('input[name="concurrencyKey"]').count(), 0, 'no concurrency key for a task without a limit');

    const card = page.locator('[data-task="per-key"]');
    assert.match(await card.locator('[data-testid="task-concurrency"]').innerText(), /per key 1 · key inputs\.customer/);
    await card.locator('[data-action="run"]').click();
    await card.locator('input[name="customer"]').fill('acme');
    await card.locator('input[name="ms"]').fill('0');
    await card.locator('select[name="priority"]').selectOption('1');
    await card.locator('input[name="concurrencyKey"]').fill('tenant-7');
    await screenshot(page, 'tasks-run-priority');
    await card.locator('[data-action="submit-run"]').click();
    await page.waitForURL(/\/runs\/run_/);
    const id = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
    const run = (await h.request('GET', `/api/runs/${id}`)).body;
    assert.equal(run.priority, 1);
    assert.equal(run.concurrencyKey, 'tenant-7');
    assert.equal(run.triggeredBy, 'user');
    assert.equal(await page.locator('[data-testid="run-priority"]').innerText(), '1 (high)');
    assert.equal(await page.locator('[data-testid="run-concurrency-key"]').innerText(), 'tenant-7');
    await page.locator('.run-title [data-status="complete"]').waitFor({ timeout: 60_000 });

    // Defaults are not sent, and the run page shows nothing for them.
    await page.goto(`${h.apiUrl}/tasks?run=free`);
    await page.locator('[data-task="free"] [data-action="submit-run"]').click();
    await page.waitForURL(/\/runs\/run_/);
    await page.locator('.run-title [data-status="complete"]').waitFor({ timeout: 60_000 });
    const plain = (await h.request('GET', `/api/runs/${decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!)}`)).body;
    assert.equal(plain.priority, 3);
    assert.equal(plain.concurrencyKey, null);
    assert.equal(await page.locator('[data-testid="run-priority"]').count(), 0);
    assert.equal(await page.locator('[data-testid="run-concurrency-key"]').count(), 0);
  });
});
