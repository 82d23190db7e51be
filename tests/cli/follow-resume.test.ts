// `--follow` over a connection that drops: the CLI reaches the API through a TCP proxy the test
// cuts mid-stream; the SSE stream resumes with Last-Event-ID, and every line shows exactly once, in order.
import assert from 'node:assert/strict';
import { useHarness } from '../support/harness.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { startCli } from './run-cli.js';

const LINES = 30;

describe('conveyor --follow resumes after a dropped connection (real process, real API and worker)', function () {
  this.timeout(120_000);
  const h = useHarness();
  let proxy: TcpProxy;
  before(async () => {
    const api = new URL(h.apiUrl);
    proxy = await startTcpProxy({ host: api.hostname, port: Number(api.port) });
  });
  after(async () => proxy?.close());

  it('prints every log line once and in order across two cuts, then the outcome, exit 0', async () => {
    const input = JSON.stringify({ lines: LINES, everyMs: 150 });
    const following = startCli(['trigger', 'many-logs', '--input', input, '--follow'], { apiUrl: `http://127.0.0.1:${proxy.port}` });
    for (const seen of [/line 3\n/, /line 15\n/]) {
      await following.waitForStdout(seen);
      proxy.cut();
      // Long enough for lines to be logged meanwhile and for the CLI to fail a reconnect or two.
      await new Promise((resolve) => setTimeout(resolve, 700));
      proxy.restore();
    }
    const out = await following.result;
    assert.equal(out.code, 0, out.stderr);
    const printed = [...out.stdout.matchAll(/log +line (\d+)$/gm)].map((m) => Number(m[1]));
    assert.deepEqual(printed, Array.from({ length: LINES }, (_, i) => i), 'each line exactly once, in order');
    assert.equal((out.stderr.match(/^conveyor: log stream dropped \(.*\); resuming \(try 1\)$/gm) ?? []).length, 2, out.stderr);
    assert.match(out.stdout, /✔ complete run_\S+ in /);
  });
});
