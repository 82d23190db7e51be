import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadTasks } from '../../src/tasks/registry.js';

// Task folders outside the project, with no node_modules of their own.
describe('task discovery', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'conveyor-tasks-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads .ts, .js and .mjs tasks from any folder, resolving "conveyor" and "zod"', async () => {
    await writeFile(path.join(dir, 'a.ts'), `import { defineTask, z } from 'conveyor';\nexport default defineTask({ slug: 'a', input: z.object({ n: z.number() }), fn: async (_ml, i: { n: number }) => i.n * 2 });\n`);
    await writeFile(path.join(dir, 'b.mjs'), `import { defineTask } from 'conveyor';\nimport { z } from 'zod';\nexport default defineTask({ slug: 'b', input: z.string(), fn: async () => 'b' });\n`);
    await writeFile(path.join(dir, 'plain.js'), `export const config = { description: 'seed style', retry: { maxAttempts: 9 } };\nexport default async (ml) => 'plain';\n`);
    await writeFile(path.join(dir, 'helper.d.ts'), `export declare const x: number;\n`);
    await writeFile(path.join(dir, 'notes.md'), `not a task`);
    await writeFile(path.join(dir, 'util.mjs'), `export const notATask = 1;\n`);
    const registry = await loadTasks(dir);
    assert.deepEqual(registry.list().map((t) => t.slug), ['a', 'b', 'plain']);
    assert.equal(await registry.get('a')!.fn({} as never, { n: 21 }), 42);
    assert.equal(registry.get('b')!.input!.safeParse(3).success, false);
    assert.equal(registry.get('plain')!.description, 'seed style');
    assert.equal(registry.get('plain')!.retry.maxAttempts, 9);
  });

  it('stops on a duplicate slug, naming the file', async () => {
    await writeFile(path.join(dir, 'one.mjs'), `import { defineTask } from 'conveyor';\nexport default defineTask({ slug: 'same', fn: async () => 1 });\n`);
    await writeFile(path.join(dir, 'two.mjs'), `import { defineTask } from 'conveyor';\nexport default defineTask({ slug: 'same', fn: async () => 2 });\n`);
    await assert.rejects(loadTasks(dir), (error: Error) => /two\.mjs/.test(error.message) && /one\.mjs/.test(error.message) && /duplicate task slug "same"/.test(error.message));
  });

  it('stops on an invalid definition or a broken file, naming the file and the reason', async () => {
    await writeFile(path.join(dir, 'bad.mjs'), `import { defineTask } from 'conveyor';\nexport default defineTask({ slug: 'bad', retry: { maxAttempts: -1 }, fn: async () => 1 });\n`);
    await assert.rejects(loadTasks(dir), (error: Error) => error.message.includes('bad.mjs') && /retry.maxAttempts/.test(error.message));
    await rm(path.join(dir, 'bad.mjs'));
    await writeFile(path.join(dir, 'syntax.mjs'), `export default {{;\n`);
    await assert.rejects(loadTasks(dir), (error: Error) => error.message.includes('syntax.mjs') && /cannot be imported/.test(error.message));
  });

  it('says which folder cannot be read', async () => {
    await assert.rejects(loadTasks(path.join(dir, 'missing')), /tasks folder .*missing cannot be read/);
  });
});
