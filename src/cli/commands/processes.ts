import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { withExamples } from '../context.js';
import { handleInterruptYourself } from '../signals.js';

const ENTRY = {
  worker: fileURLToPath(new URL('../../worker.ts', import.meta.url)),
  api: fileURLToPath(new URL('../../api/main.ts', import.meta.url)),
};

/** Runs a production entry point as a child (same as `npm run worker|api`), passing signals on so SIGTERM drains it. */
function runEntry(which: keyof typeof ENTRY): Promise<number> {
  handleInterruptYourself();
  // tsx resolved from here, not from the working directory: a linked or global `conveyor` runs anywhere.
  // A process group of its own: a terminal's Ctrl-C reaches only this process, which passes it on
  // once; a second SIGINT straight from the terminal would kill a worker in the middle of its drain.
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), ENTRY[which]], { stdio: ['ignore', 'inherit', 'inherit'], detached: true });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => child.kill(signal));
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal === 'SIGINT' ? 130 : 1))));
}

export function processCommands(): Command[] {
  const worker = new Command('worker')
    .description('run one production worker against TEMPORAL_ADDRESS and DATABASE_URL (SIGTERM drains it)')
    .action(async () => {
      process.exitCode = await runEntry('worker');
    });
  const api = new Command('api')
    .description('run one production API process against TEMPORAL_ADDRESS and DATABASE_URL')
    .action(async () => {
      process.exitCode = await runEntry('api');
    });
  return [
    withExamples(worker, 'TEMPORAL_ADDRESS=temporal:7233 DATABASE_URL=postgres://… conveyor worker'),
    withExamples(api, 'PORT=3000 TEMPORAL_ADDRESS=temporal:7233 DATABASE_URL=postgres://… conveyor api'),
  ];
}
