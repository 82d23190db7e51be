// A DAG run's page: the graph's node states change live, edges show taken and not taken, and
// an approval is given from the step panel.
import assert from 'node:assert/strict';
import { useHarness } from '../support/harness.js';
import { useBrowser, screenshot } from './browser.js';

describe('dashboard: DAG run graph and approval', function () {
  this.timeout(180_000);
  const h = useHarness();
  const browser = useBrowser();

  it('shows node states changing, a skipped branch, and approves a waiting node from the page', async () => {
    const definition = {
      slug: 'release',
      nodes: [
        { id: 'build', task: 'sleepy', inputs: { ms: 300 } },
        { id: 'gate', type: 'approval' },
        { id: 'hotfix', task: 'noop' },
        { id: 'deploy', task: 'slow-logger', inputs: { lines: 3, intervalMs: 0 } },
      ],
      edges: [
        { from: 'build', to: 'gate' },
        { from: 'build', to: 'hotfix', when: 'inputs.urgent == true' },
        { from: 'gate', to: 'deploy' },
      ],
    };
    assert.equal((await h.request('POST', '/api/workflows', definition)).status, 201);
    assert.equal((await h.request('POST', '/api/workflows/release/activate', { version: 1 })).status, 200);
    const page = await browser.page();
    await page.goto(`${h.apiUrl}/workflows/release`);
    await page.locator('[data-testid="dag-graph"] [data-node="gate"]').waitFor();
    await screenshot(page, 'workflow');

    const started = await h.request('POST', '/api/workflows/release/execute', { inputs: { urgent: false } });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    await page.goto(`${h.apiUrl}/runs/${started.body.id}`);
    await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
    const node = (id: string, status: string) => page.locator(`[data-testid="dag-graph"] [data-node="${id}"][data-status="${status}"]`);
    await node('build', 'complete').waitFor({ timeout: 60_000 });
    await node('gate', 'running').waitFor({ timeout: 60_000 });
    await node('hotfix', 'skipped').waitFor();
    assert.equal(await page.locator('path.edge.not-taken[data-edge="build>hotfix"]').count(), 1);
    assert.equal(await page.locator('path.edge.taken[data-edge="build>gate"]').count(), 1);
    assert.equal(await node('deploy', 'pending').count(), 1);

    await page.locator('[data-node="gate"]').click();
    const panel = page.locator('[data-testid="step-panel"][data-node="gate"]');
    await panel.locator('input[name="comment"]').fill('ship it');
    await screenshot(page, 'dag-run');
    await panel.locator('[data-action="approve"]').click();

    await node('gate', 'complete').waitFor({ timeout: 60_000 });
    await node('deploy', 'complete').waitFor({ timeout: 60_000 });
    await page.locator('.run-title [data-status="complete"]').waitFor({ timeout: 60_000 });
    assert.equal(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument), true, 'no reload happened');
    // The node filter shows the deploy node's lines only.
    await page.selectOption('select[name="node"]', 'deploy');
    await page.locator('.log-line .log-node', { hasText: 'deploy' }).first().waitFor();
    assert.equal(await page.locator('.log-line .log-node:not(:text-is("deploy"))').count(), 0);
    const run = await h.waitForRun(started.body.id);
    assert.equal(run.status, 'complete');
    await screenshot(page, 'dag-run-complete');
  });

  it('draws a 1,000-node workflow and stays usable (every node drawn, any one scrolled to)', async () => {
    const nodes = Array.from({ length: 1000 }, (_, i) => ({ id: `n${i}`, task: 'noop' }));
    // Ten chains of a hundred, joined at the end: wide and deep.
    const edges = nodes.flatMap((_, i) => (i % 100 === 99 ? [] : [{ from: `n${i}`, to: `n${i + 1}` }]));
    assert.equal((await h.request('POST', '/api/workflows', { slug: 'huge', nodes, edges })).status, 201);
    const page = await browser.page();
    const t0 = Date.now();
    await page.goto(`${h.apiUrl}/workflows/huge`);
    await page.locator('[data-node="n999"]').waitFor();
    console.log(`      1,000-node graph drawn ${Date.now() - t0} ms after navigation`);
    assert.equal(await page.locator('[data-testid="dag-graph"] [data-node]').count(), 1000);
    assert.equal(await page.locator('[data-testid="dag-graph"] path.edge').count(), 990);
    await page.locator('[data-node="n550"]').scrollIntoViewIfNeeded();
    assert.ok(await page.locator('[data-node="n550"]').isVisible());
    await screenshot(page, 'workflow-1000-nodes');
  });
});
