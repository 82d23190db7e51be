import { readdir } from 'node:fs/promises';
import module from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { defineTask, isTask, type Task, type TaskConfig } from './define.js';
import { TaskDefinitionError } from './errors.js';
import { loadTaskFile, TASK_FILE_PATTERN } from './task-file.js';
import type { KindContext } from '../kinds/types.js';

const TASK_FILE = /^(?!.*\.d\.[cm]?ts$)[^._][^/]*\.(ts|mts|js|mjs)$/;

/** The tasks a process knows, by slug. Loaded once at start-up. */
export class TaskRegistry {
  private readonly bySlug = new Map<string, Task>();
  private readonly sources = new Map<string, string>();

  constructor(tasks: Iterable<Task> = []) {
    for (const task of tasks) this.add(task);
  }

  add(task: Task, source = 'a task'): void {
    const first = this.sources.get(task.slug);
    if (first !== undefined) throw new TaskDefinitionError(`${source}: duplicate task slug "${task.slug}" (also defined in ${first})`);
    this.bySlug.set(task.slug, task);
    this.sources.set(task.slug, source);
  }

  get(slug: string): Task | undefined {
    return this.bySlug.get(slug);
  }

  list(): Task[] {
    return [...this.bySlug.values()].sort((a, b) => a.slug.localeCompare(b.slug));
  }
}

let hooksRegistered = false;
/**
 * Lets task files outside the project import 'conveyor' (always this copy) and
 * 'zod' (this copy when their folder has none). ES modules go through
 * module.register hooks; a .ts file outside any "type": "module" package is
 * compiled to CommonJS by tsx and resolved by require, hence the second hook.
 */
function registerResolveHooks(): void {
  if (hooksRegistered) return;
  hooksRegistered = true;
  const require = createRequire(import.meta.url);
  const conveyorEntry = fileURLToPath(new URL('../index.ts', import.meta.url));
  if (typeof module.register === 'function') {
    module.register('./resolve-hooks.mjs', import.meta.url, {
      data: { always: { conveyor: pathToFileURL(conveyorEntry).href }, fallback: { zod: pathToFileURL(require.resolve('zod')).href } },
    });
  }
  type Resolve = (request: string, ...rest: unknown[]) => string;
  const cjs = module as unknown as { _resolveFilename: Resolve };
  const resolveFilename = cjs._resolveFilename;
  cjs._resolveFilename = function (this: unknown, request, ...rest) {
    if (request === 'conveyor') return conveyorEntry;
    try {
      return resolveFilename.call(this, request, ...rest);
    } catch (error) {
      if (request === 'zod' || request.startsWith('zod/')) return require.resolve(request);
      throw error;
    }
  };
}

/** Turns one module's exports into a task, or explains why it cannot. */
export function taskFromModule(exports: Record<string, unknown>, file: string): Task | undefined {
  const exported = exports.default;
  if (isTask(exported)) return exported;
  if (typeof exported === 'function') {
    // Seed style: `export default async (ml, inputs) => …` plus an optional `export const config`.
    const config = (exports.config ?? {}) as Partial<TaskConfig>;
    if (typeof config !== 'object') throw new TaskDefinitionError(`${file}: export 'config' must be an object`);
    const slug = path.basename(file).replace(/\.[^.]+$/, '');
    return defineTask({ ...config, slug: config.slug ?? slug, fn: exported as TaskConfig['fn'] });
  }
  return undefined;
}

export interface LoadTasksOptions {
  /** The settings task files are checked and run with (CONVEYOR_ALLOW_COMMANDS, …); default the process's. */
  env?: KindContext['env'];
}

/**
 * Imports every task module in `dir` (not recursive) and loads its task files (`*.task.json`,
 * `*.task.yaml`). Any broken file stops start-up, naming it.
 */
export async function loadTasks(dir: string, options: LoadTasksOptions = {}): Promise<TaskRegistry> {
  registerResolveHooks();
  const absolute = path.resolve(dir);
  let names: string[];
  try {
    names = (await readdir(absolute)).sort();
  } catch (error) {
    throw new TaskDefinitionError(`tasks folder ${absolute} cannot be read: ${(error as Error).message}`);
  }
  const entries = names.filter((name) => TASK_FILE.test(name));
  const registry = new TaskRegistry();
  for (const name of names.filter((n) => TASK_FILE_PATTERN.test(n))) {
    const file = path.join(absolute, name);
    registry.add(await loadTaskFile(file, options.env ?? process.env), file);
  }
  for (const name of entries) {
    const file = path.join(absolute, name);
    let exports: Record<string, unknown>;
    try {
      exports = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    } catch (error) {
      throw new TaskDefinitionError(`${file}: cannot be imported: ${(error as Error).message}`);
    }
    let task: Task | undefined;
    try {
      task = taskFromModule(exports, file);
    } catch (error) {
      const message = (error as Error).message;
      throw new TaskDefinitionError(message.startsWith(file) ? message : `${file}: ${message}`);
    }
    if (task) registry.add(task, file);
  }
  return registry;
}
