// The `command` and `script` kinds called directly, running real binaries.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { z } from 'zod';
import { commandKind, commandSpecSchema } from '../../src/kinds/command.js';
import { scriptKind, scriptSpecSchema } from '../../src/kinds/script.js';
import { KindError } from '../../src/kinds/types.js';
import { recordingContext } from '../support/recording-kind-context.js';
import { processesWith, waitUntilGone, waitUntilRunning } from '../support/processes.js';

const command = (spec: z.input<typeof commandSpecSchema>) => commandKind.schema.parse(spec);
const script = (spec: z.input<typeof scriptSpecSchema>) => scriptKind.schema.parse(spec);
const marker = (name: string) => `${name}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

describe('command kind', () => {
  it('runs /bin/echo and returns its exit code and output, each line in the log', async () => {
    const ctx = recordingContext();
    const result = await commandKind.execute(command({ command: '/bin/echo', args: ['hello', 'world'] }), ctx);
    assert.deepEqual(result, { exitCode: 0, stdout: 'hello world\n', stderr: '' });
    assert.deepEqual(ctx.lines, [{ level: 'info', message: 'hello world' }]);
  });

  it('streams 10,000 lines of node -e into the log, in order, stderr as warn, a partial last line included', async () => {
    const ctx = recordingContext();
    const source = 'for (let i = 0; i < 10000; i++) process.stdout.write(`line ${i}\\n`); process.stderr.write("careful\\n"); process.stdout.write("no newline")';
    const result = (await commandKind.execute(command({ command: process.execPath, args: ['-e', source] }), ctx)) as { exitCode: number };
    assert.equal(result.exitCode, 0);
    const info = ctx.lines.filter((l) => l.level === 'info').map((l) => l.message);
    assert.equal(info.length, 10_001);
    info.slice(0, 10_000).forEach((line, i) => assert.equal(line, `line ${i}`));
    assert.equal(info[10_000], 'no newline');
    assert.deepEqual(ctx.lines.filter((l) => l.level === 'warn'), [{ level: 'warn', message: 'careful' }]);
  });

  it('passes shell syntax in arguments as plain text: nothing is executed', async () => {
    const pwned = `/tmp/pwned-${process.pid}`;
    await rm(pwned, { force: true });
    const args = [`; touch ${pwned} #`, `$(touch ${pwned})`, `\`touch ${pwned}\``, `&& touch ${pwned}`];
    const result = (await commandKind.execute(command({ command: '/bin/echo', args }), recordingContext())) as { stdout: string };
    assert.equal(result.stdout, `${args.join(' ')}\n`);
    assert.equal(existsSync(pwned), false);
  });

  it('does not hand the worker\'s environment to the child: only PATH, the allow-list and the spec\'s env', async () => {
    process.env.CONVEYOR_TEST_SECRET = 'hunter2';
    process.env.CONVEYOR_TEST_SHARED = 'shared-value';
    try {
      const print = 'console.log(JSON.stringify({ secret: process.env.CONVEYOR_TEST_SECRET ?? null, shared: process.env.CONVEYOR_TEST_SHARED ?? null, own: process.env.OWN ?? null, path: Boolean(process.env.PATH), db: process.env.DATABASE_URL ?? null }))';
      const ctx = recordingContext({ CONVEYOR_COMMAND_ENV_ALLOW: 'CONVEYOR_TEST_SHARED, HOME' });
      const result = (await commandKind.execute(command({ command: process.execPath, args: ['-e', print], env: { OWN: 'mine' } }), ctx)) as { stdout: string };
      assert.deepEqual(JSON.parse(result.stdout), { secret: null, shared: 'shared-value', own: 'mine', path: true, db: null });
    } finally {
      delete process.env.CONVEYOR_TEST_SECRET;
      delete process.env.CONVEYOR_TEST_SHARED;
    }
  });

  it('fails a non-zero exit as permanent, naming the exit code and the last stderr lines', async () => {
    const source = 'for (let i = 0; i < 30; i++) console.error(`problem ${i}`); process.exit(3)';
    await assert.rejects(commandKind.execute(command({ command: process.execPath, args: ['-e', source] }), recordingContext()), (error: unknown) => {
      assert.ok(error instanceof KindError);
      assert.equal(error.errorClass, 'permanent');
      assert.match(error.message, /exited with code 3/);
      assert.match(error.message, /problem 29$/);
      assert.match(error.message, /problem 10\n/);
      assert.doesNotMatch(error.message, /problem 9\n/);
      return true;
    });
  });

  it('treats the exit codes retryExitCodes lists as transient', async () => {
    const spec = command({ command: process.execPath, args: ['-e', 'process.exit(75)'], retryExitCodes: [75] });
    await assert.rejects(commandKind.execute(spec, recordingContext()), (error: unknown) => error instanceof KindError && error.errorClass === 'transient');
  });

  it('with allowFailure returns the exit code and output instead of failing', async () => {
    const spec = command({ command: process.execPath, args: ['-e', 'console.log("out"); console.error("err"); process.exit(2)'], allowFailure: true });
    assert.deepEqual(await commandKind.execute(spec, recordingContext()), { exitCode: 2, stdout: 'out\n', stderr: 'err\n' });
  });

  it('fails permanently when the executable does not exist', async () => {
    await assert.rejects(commandKind.execute(command({ command: 'conveyor-no-such-binary' }), recordingContext()), (error: unknown) => {
      return error instanceof KindError && error.errorClass === 'permanent' && /not found/.test(error.message);
    });
  });

  it('keeps only the last 64 KB of output in the result', async () => {
    const source = 'for (let i = 0; i < 5000; i++) console.log(String(i).padStart(40, "x"))';
    const result = (await commandKind.execute(command({ command: process.execPath, args: ['-e', source] }), recordingContext())) as { stdout: string };
    assert.ok(result.stdout.length <= 64 * 1024, `${result.stdout.length}`);
    assert.ok(result.stdout.endsWith(`${'4999'.padStart(40, 'x')}\n`));
  });

  it('on timeout kills the whole process group, children included, and fails as transient', async () => {
    const tag = marker('timeout');
    // A child that ignores SIGTERM, and one that does not: the tag (a shell comment) finds the group.
    const spec = command({ command: '/bin/sh', args: ['-c', `(trap '' TERM; sleep 600) & sleep 600; wait # ${tag}`], timeout: '1s' });
    const running = commandKind.execute(spec, recordingContext());
    const [shell] = await waitUntilRunning(tag);
    await assert.rejects(running, (error: unknown) => {
      return error instanceof KindError && error.errorClass === 'transient' && /timed out/.test(error.message);
    });
    assert.deepEqual(await waitUntilGone(tag), []);
    assert.deepEqual(await groupGone(shell.pgid), []);
  });

  it('on cancellation kills the whole process group: no process survives', async () => {
    const tag = marker('cancel');
    const ctx = recordingContext();
    const running = commandKind.execute(command({ command: '/bin/sh', args: ['-c', `sleep 600 & sleep 600; wait # ${tag}`] }), ctx);
    const [shell] = await waitUntilRunning(tag);
    // The sleeps are the shell's children, in its group (ps shows them without the tag).
    await waitFor(() => groupMembers(shell.pgid) >= 3);
    ctx.cancel();
    await assert.rejects(running, (error: unknown) => error instanceof KindError && /cancelled/.test(error.message));
    assert.deepEqual(await waitUntilGone(tag), []);
    assert.deepEqual(await groupGone(shell.pgid), []);
  });
});

describe('script kind', () => {
  for (const [interpreter, source] of [
    ['node', 'console.log("from node", process.argv.slice(2).join(","))'],
    ['bash', 'echo "from bash" "$(IFS=,; echo "$*")"'],
    ['python3', 'import sys\nprint("from python3", ",".join(sys.argv[1:]))'],
  ] as const) {
    it(`runs ${interpreter} source from a private temp file, removed afterwards`, async () => {
      const ctx = recordingContext();
      const result = (await scriptKind.execute(script({ interpreter, source, args: ['a', 'b'] }), ctx)) as { exitCode: number; stdout: string };
      assert.equal(result.exitCode, 0);
      assert.equal(result.stdout, `from ${interpreter} a,b\n`);
      const written = ctx.lines.find((l) => l.level === 'system')!.message.split(' written to ')[1];
      assert.ok(written.includes('conveyor-script-'), written);
      assert.equal(existsSync(written), false);
    });
  }

  it('removes the temp file of a failing script too, and names the exit code', async () => {
    const ctx = recordingContext();
    await assert.rejects(scriptKind.execute(script({ interpreter: 'bash', source: 'echo broken >&2; exit 4' }), ctx), /exited with code 4; last stderr lines:\nbroken/);
    const written = ctx.lines.find((l) => l.level === 'system')!.message.split(' written to ')[1];
    assert.equal(existsSync(written), false);
  });

  it('writes the file 0600 in a 0700 directory', async () => {
    const source = 'import os, sys\nst = os.stat(sys.argv[0])\nd = os.stat(os.path.dirname(sys.argv[0]))\nprint(oct(st.st_mode & 0o777), oct(d.st_mode & 0o777))';
    const result = (await scriptKind.execute(script({ interpreter: 'python3', source }), recordingContext())) as { stdout: string };
    assert.equal(result.stdout, '0o600 0o700\n');
  });
});

function groupMembers(pgid: number): number {
  return processesWith('').filter((p) => p.pgid === pgid).length;
}

/** Polls until no process is left in the group; what is left when time runs out. */
async function groupGone(pgid: number) {
  await waitFor(() => groupMembers(pgid) === 0, 20_000).catch(() => undefined);
  return processesWith('').filter((p) => p.pgid === pgid);
}

async function waitFor(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
