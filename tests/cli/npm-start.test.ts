// `npm start` as a new user runs it: from a copy of the project inside a 0700 temp directory, as the user the
// tests run as (root here: then Postgres runs as `postgres`, which cannot enter that directory), then a run
// triggered with the CLI. Heavy: a whole stack (dev server, embedded Postgres, worker bundling its workflows).
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { chmod, cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { rootClusterDir } from '../../src/infra/root-postgres.js';
import { freePort } from '../../src/infra/temporal-dev-server.js';
import { suite } from '../support/suite.js';
import { cli } from './run-cli.js';

const exec = promisify(execFile);

describe('npm start from a clone in a 0700 directory', function () {
  this.timeout(300_000);
  let dir: string;
  let project: string;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'conveyor-start-'));
    await chmod(dir, 0o700);
    project = path.join(dir, 'conveyor');
    for (const entry of ['package.json', 'tsconfig.json', 'src', 'tasks']) await cp(entry, path.join(project, entry), { recursive: true });
    // Hard links: node_modules (and the Postgres binaries in it) really inside the 0700 directory, in a second.
    await exec('cp', ['-al', path.resolve('node_modules'), path.join(project, 'node_modules')]);
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
    if (project) await rm(rootClusterDir(project), { recursive: true, force: true });
  });

  it('starts, says where the data lives, runs a task triggered with the CLI, and stops on Ctrl-C saying what it stopped', async () => {
    const { cliPath } = await suite();
    const [apiPort, temporalPort, uiPort, postgresPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const env = {
      ...process.env,
      PORT: String(apiPort),
      TEMPORAL_PORT: String(temporalPort),
      TEMPORAL_UI_PORT: String(uiPort),
      CONVEYOR_POSTGRES_PORT: String(postgresPort),
      TEMPORAL_CLI_PATH: cliPath,
      CONVEYOR_WORKER_METRICS_ADDRESS: 'off',
      NO_COLOR: '1',
      DATABASE_URL: undefined,
      TEMPORAL_ADDRESS: undefined,
      CONVEYOR_LOG_FORMAT: undefined,
      NODE_ENV: undefined,
    };
    // Its own process group, so the test can send the Ctrl-C a terminal would send to all of it.
    const child = spawn('npm', ['start'], { cwd: project, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    // 'close': every process holding its output (npm, tsx, the stack) has exited.
    const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 240_000;
      while (!stdout.includes('Press Ctrl-C to stop.')) {
        if (child.exitCode !== null) assert.fail(`npm start exited (${child.exitCode}):\n${stdout}\n${stderr}`);
        if (Date.now() > deadline) assert.fail(`npm start did not come up:\n${stdout}\n${stderr}`);
        await new Promise((r) => setTimeout(r, 250));
      }
      const expectedData = process.getuid?.() === 0 ? path.join(rootClusterDir(project), 'data') : path.join(project, '.conveyor', 'postgres');
      assert.ok(stdout.includes(`Postgres:    ${expectedData}`), stdout);
      assert.ok(!/EACCES/.test(stdout + stderr), stderr);

      const apiUrl = `http://127.0.0.1:${apiPort}`;
      const out = await cli(['trigger', 'hello', '--input', '{"name":"Ada"}', '--follow'], { apiUrl });
      assert.equal(out.code, 0, out.stderr);
      assert.match(out.stdout, /Hello, Ada!/);
      assert.match(out.stdout, /✔ complete/);
      // The console printed the run's events, one line each.
      const id = out.stdout.split('\n')[0];
      for (let i = 0; i < 40 && !stdout.includes('completed'); i++) await new Promise((r) => setTimeout(r, 100));
      assert.match(stdout, new RegExp(`started +hello ${id.slice(-8)}`));
      assert.match(stdout, new RegExp(`completed +hello ${id.slice(-8)} in \\d+ ms`));
    } finally {
      if (child.exitCode === null) process.kill(-child.pid!, 'SIGINT');
      const timer = setTimeout(() => child.exitCode === null && process.kill(-child.pid!, 'SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    }
    assert.match(stderr, /Stopped: API, run console, worker, Postgres, Temporal dev server\./);
  });
});
