// A child process is ready once it prints a given line (a worker's "worker started", an API's
// "API listening"): resolves then; rejects if it exits first or stays silent past the timeout.
import type { ChildProcess } from 'node:child_process';

export interface ReadyLineOptions {
  /** Text the output contains once the process is ready. */
  ready: string;
  name: string;
  timeoutMs: number;
  /** Sees every chunk of stdout and stderr (e.g. to write a log file). */
  onChunk?: (chunk: Buffer) => void;
  /** Says where the full output is, in the timeout's message. */
  hint?: string;
}

export function waitForReadyLine(child: ChildProcess, { ready, name, timeoutMs, onChunk, hint }: ReadyLineOptions): Promise<void> {
  let tail = '';
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within ${timeoutMs / 1000} s${hint ? `; ${hint}` : `:\n${tail}`}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      onChunk?.(chunk);
      tail = (tail + chunk.toString()).slice(-8000);
      if (tail.includes(ready)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', () => {
      clearTimeout(timer);
      reject(new Error(`${name} exited before it started:\n${tail}`));
    });
  });
}
