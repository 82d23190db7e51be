// Declarative task files (`*.task.json`, `*.task.yaml`): loaded with the code tasks; a bad file
// stops loading, naming the file and the field.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadTasks } from '../../src/tasks/registry.js';

const ALLOWED = { CONVEYOR_ALLOW_COMMANDS: 'true' };

describe('task files', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'conveyor-task-files-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const write = (name: string, content: unknown) => writeFile(path.join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  const refused = async (env: Record<string, string>, ...patterns: RegExp[]) => {
    await assert.rejects(loadTasks(dir, { env }), (error: Error) => {
      for (const pattern of patterns) assert.match(error.message, pattern);
      return true;
    });
  };

  it('loads .task.json and .task.yaml next to code tasks, with their policy and input schema', async () => {
    await write('a.task.json', { slug: 'a', kind: 'command', command: '/bin/echo', args: ['{{ inputs.x }}'], input: { type: 'object', properties: { x: { type: 'string' } }, required: ['x'] }, retry: { maxAttempts: 2 } });
    await write('b.task.yaml', 'slug: b\nname: Bee\nkind: http\nmethod: GET\nurl: "https://example.com/{{ inputs.path }}"\ntimeout: 20m\n');
    await write('c.task.yml', 'slug: c\nkind: script\ninterpreter: bash\nsource: echo hi\ntimeout: { attempt: 2m, run: 10m }\n');
    await write('code.mjs', `import { defineTask } from 'conveyor';\nexport default defineTask({ slug: 'code', fn: async () => 1 });\n`);
    const registry = await loadTasks(dir, { env: ALLOWED });
    assert.deepEqual(registry.list().map((t) => t.slug), ['a', 'b', 'c', 'code']);
    const a = registry.get('a')!;
    assert.equal(a.retry.maxAttempts, 2);
    assert.equal(a.input!.safeParse({ x: 'y' }).success, true);
    assert.equal(a.input!.safeParse({ x: 1 }).success, false);
    assert.equal(registry.get('b')!.name, 'Bee');
    // A kind timeout (20m) gets an attempt that outlasts it; `{attempt, run}` is the task's policy.
    assert.ok(registry.get('b')!.timeout.attemptMs > 20 * 60_000);
    assert.deepEqual(registry.get('c')!.timeout, { attemptMs: 120_000, runMs: 600_000 });
  });

  it('runs the kind with the inputs rendered into its fields', async () => {
    await write('e.task.json', { slug: 'e', kind: 'command', command: '/bin/echo', args: ['{{ inputs.word }}', 'n={{ inputs.n }}'] });
    const registry = await loadTasks(dir, { env: ALLOWED });
    const lines: string[] = [];
    const ml = { info: (m: string) => lines.push(m), warn: () => undefined, log: () => undefined, danger: () => undefined, success: () => undefined, signal: new AbortController().signal };
    assert.deepEqual(await registry.get('e')!.fn(ml as never, { word: '$(touch /tmp/x)', n: 2 }), { exitCode: 0, stdout: '$(touch /tmp/x) n=2\n', stderr: '' });
    assert.deepEqual(lines, ['$(touch /tmp/x) n=2']);
  });

  it('refuses command and script files without CONVEYOR_ALLOW_COMMANDS, naming the file and the setting', async () => {
    await write('run.task.json', { slug: 'run', kind: 'command', command: '/bin/echo' });
    await refused({}, /run\.task\.json/, /kind: "command"/, /CONVEYOR_ALLOW_COMMANDS=true/);
    await refused({ CONVEYOR_ALLOW_COMMANDS: 'yes' }, /CONVEYOR_ALLOW_COMMANDS/);
    await rm(path.join(dir, 'run.task.json'));
    await write('s.task.yaml', 'slug: s\nkind: script\ninterpreter: bash\nsource: echo hi\n');
    await refused({}, /s\.task\.yaml/, /kind: "script"/, /CONVEYOR_ALLOW_COMMANDS/);
  });

  it('names the file and the field of a bad kind field', async () => {
    await write('bad.task.json', { slug: 'bad', kind: 'command', command: '/bin/echo', args: 'not a list' });
    await refused(ALLOWED, /bad\.task\.json: args: /);
  });

  it('names an unknown field, an unknown kind and a missing kind', async () => {
    await write('x.task.json', { slug: 'x', kind: 'command', command: '/bin/echo', shell: true });
    await refused(ALLOWED, /x\.task\.json/, /shell/);
    await write('x.task.json', { slug: 'x', kind: 'ftp' });
    await refused(ALLOWED, /x\.task\.json: kind: unknown kind "ftp"/);
    await write('x.task.json', { slug: 'x', command: '/bin/echo' });
    await refused(ALLOWED, /x\.task\.json: kind: /);
  });

  it('names the task fields: slug, retry, input schema, templates', async () => {
    await write('x.task.json', { slug: 'has space', kind: 'http', method: 'GET', url: 'https://example.com' });
    await refused(ALLOWED, /x\.task\.json/, /slug/);
    await write('x.task.json', { slug: 'x', kind: 'http', method: 'GET', url: 'https://example.com', retry: { maxAttempts: 0 } });
    await refused(ALLOWED, /x\.task\.json/, /retry\.maxAttempts/);
    await write('x.task.json', { slug: 'x', kind: 'http', method: 'GET', url: 'https://example.com', input: { type: 'no-such-type' } });
    await refused(ALLOWED, /x\.task\.json: input: /);
    await write('x.task.json', { slug: 'x', kind: 'http', method: 'GET', url: '{{ nodes.a.output }}' });
    await refused(ALLOWED, /x\.task\.json/, /inputs only/);
    await write('x.task.json', { slug: 'x', kind: 'http', method: 'GET', url: '{{ inputs. }}' });
    await refused(ALLOWED, /x\.task\.json/, /invalid template/);
  });

  it('names a file that is not JSON or YAML, or not an object', async () => {
    await write('x.task.json', '{ "slug": ');
    await refused(ALLOWED, /x\.task\.json: is not valid JSON/);
    await rm(path.join(dir, 'x.task.json'));
    await write('y.task.yaml', 'slug: [unclosed');
    await refused(ALLOWED, /y\.task\.yaml: is not valid YAML/);
    await write('y.task.yaml', '- a list');
    await refused(ALLOWED, /y\.task\.yaml: a task file holds an object/);
  });

  it('a task file and a code task with the same slug stop loading, naming both', async () => {
    await write('dup.task.json', { slug: 'dup', kind: 'http', method: 'GET', url: 'https://example.com' });
    await write('dup.mjs', `import { defineTask } from 'conveyor';\nexport default defineTask({ slug: 'dup', fn: async () => 1 });\n`);
    await refused(ALLOWED, /dup\.mjs/, /dup\.task\.json/, /duplicate task slug "dup"/);
  });
});
