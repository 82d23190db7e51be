// Ctrl-C in a terminal signals the whole foreground process group. The servers `conveyor dev`
// starts live in groups of their own, so only Conveyor receives it and stops them itself,
// after the worker has drained, instead of the servers vanishing under in-flight attempts.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startDevServer } from '../../src/infra/temporal-dev-server.js';
import { suite } from '../support/suite.js';

const processGroupOf = (pid: number) => Number(execFileSync('ps', ['-o', 'pgid=', '-p', String(pid)]).toString().trim());

describe('the Temporal dev server Conveyor starts', () => {
  it('runs in a process group of its own, out of reach of a Ctrl-C meant for Conveyor', async function () {
    this.timeout(120_000);
    const { cliPath } = await suite();
    const server = await startDevServer({ cliPath, headless: true, ownProcessGroup: true });
    try {
      const pid = server.process.pid!;
      assert.equal(processGroupOf(pid), pid, 'the server leads its own group');
      assert.notEqual(processGroupOf(pid), processGroupOf(process.pid));
    } finally {
      await server.stop();
    }
  });
});
