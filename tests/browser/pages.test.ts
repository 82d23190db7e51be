// The other pages: a task's JSON editor with inline schema errors, workflows (versions, graph,
// activate, execute), schedules (create, pause, trigger, delete), workers; CSP without inline script.
import assert from 'node:assert/strict';
import { useHarness } from '../support/harness.js';
import { useBrowser, screenshot } from './browser.js';

describe('dashboard: tasks, workflows, schedules, workers', function () {
  this.timeout(180_000);
  const h = useHarness();
  const browser = useBrowser();

  it('serves every page with a CSP that allows no inline script, and nothing breaks it', async () => {
    const page = await browser.page();
    const violations: string[] = [];
    page.on('console', (message) => message.type() === 'error' && violations.push(message.text()));
    const response = await page.goto(`${h.apiUrl}/workers`);
    const csp = response!.headers()['content-security-policy'];
    assert.match(csp, /script-src 'self' 'sha256-[A-Za-z0-9+/=]+'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    await page.locator('[data-worker]').first().waitFor();
    await screenshot(page, 'workers');
    assert.match(await page.locator('[data-worker]').first().innerText(), /slow-logger/);
    assert.deepEqual(violations, []);
    // Unknown paths are the API's 404, not the shell.
    assert.equal((await h.request('GET', '/nope')).status, 404);
  });

  it('shows schema errors inline in the JSON editor and starts nothing until they are fixed', async () => {
    const page = await browser.page();
    await page.goto(`${h.apiUrl}/tasks`);
    const card = page.locator('[data-task="echo"]');
    await card.locator('[data-action="run"]').click();
    await card.locator('button', { hasText: 'JSON' }).click();
    await card.locator('textarea[name="inputs"]').fill('{"message": 5}');
    await card.locator('[data-testid="schema-errors"] li', { hasText: 'inputs.message' }).waitFor();
    await card.locator('textarea[name="inputs"]').fill('{"message": ');
    await card.locator('[data-testid="schema-errors"] li', { hasText: 'not JSON' }).waitFor();
    assert.equal(await card.locator('[data-action="submit-run"]').isDisabled(), true);
    await card.locator('textarea[name="inputs"]').fill('{"message": "hi", "count": 1}');
    await card.locator('[data-testid="schema-errors"] li').first().waitFor({ state: 'detached' });
    await screenshot(page, 'tasks-json');
    await card.locator('[data-action="submit-run"]').click();
    await page.waitForURL(/\/runs\/run_/);
    await page.locator('.run-title [data-status="complete"]').waitFor({ timeout: 60_000 });
  });

  it('lists workflow versions, activates one, draws its graph and executes it', async () => {
    const v1 = { slug: 'pipeline', nodes: [{ id: 'one', task: 'noop' }], edges: [] };
    const v2 = { slug: 'pipeline', nodes: [{ id: 'one', task: 'noop' }, { id: 'two', task: 'noop' }], edges: [{ from: 'one', to: 'two' }] };
    assert.equal((await h.request('POST', '/api/workflows', v1)).status, 201);
    assert.equal((await h.request('POST', '/api/workflows/pipeline/activate', { version: 1 })).status, 200);
    assert.equal((await h.request('PUT', '/api/workflows/pipeline', v2)).status, 201);
    const page = await browser.page();
    await page.goto(`${h.apiUrl}/workflows`);
    await page.click('a[href="/workflows/pipeline"]');
    await page.locator('h1', { hasText: 'v2' }).waitFor();
    await page.locator('[data-node="two"]').waitFor();
    await page.click('[data-action="activate"]');
    await page.locator('h1 .badge', { hasText: 'active' }).waitFor();
    await page.selectOption('select[name="version"]', '1');
    await page.locator('h1', { hasText: 'v1' }).waitFor();
    assert.equal(await page.locator('[data-node="two"]').count(), 0, 'v1 has one node');
    await page.click('[data-action="execute"]');
    await page.click('[data-action="submit-run"]');
    await page.waitForURL(/\/runs\/run_/);
    await page.locator('.run-title [data-status="complete"]').waitFor({ timeout: 60_000 });
    assert.match(await page.locator('.run-title h1').innerText(), /pipeline v2/);
    await page.goto(`${h.apiUrl}/workflows/pipeline`);
    await page.locator('table.runs tr[data-run]').first().waitFor();
    await screenshot(page, 'workflow-detail');
  });

  it('creates, pauses, triggers and deletes a schedule', async () => {
    const page = await browser.page();
    page.on('dialog', (dialog) => void dialog.accept());
    await page.goto(`${h.apiUrl}/schedules`);
    await page.click('button:has-text("New schedule")');
    await page.fill('input[name="slug"]', 'noop');
    await page.fill('input[name="id"]', `dash-${process.pid}`);
    await page.selectOption('select[name="when"]', 'every');
    await page.fill('input[name="spec"]', '1h');
    await page.fill('textarea[name="inputs"]', '');
    await page.click('.schedule-form button[type="submit"]');
    const card = page.locator(`[data-schedule="dash-${process.pid}"]`);
    await card.waitFor({ timeout: 60_000 });
    assert.match(await card.innerText(), /every 1h/);
    assert.match(await card.innerText(), /next: \S/);
    await screenshot(page, 'schedules');
    await card.locator('button', { hasText: 'Pause' }).click();
    await card.locator('.badge', { hasText: 'paused' }).waitFor();
    await card.locator('button', { hasText: 'Unpause' }).click();
    await card.locator('.badge', { hasText: 'paused' }).waitFor({ state: 'detached' });
    await card.locator('button', { hasText: 'Trigger now' }).click();
    await card.locator('button', { hasText: 'Delete' }).click();
    await card.waitFor({ state: 'detached', timeout: 30_000 });
  });
});
