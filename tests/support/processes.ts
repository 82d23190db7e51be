// The machine's processes as `ps -eo pid,pgid,args` lists them: how tests prove no child survives.
import { execFileSync } from 'node:child_process';

export interface ProcessRow {
  pid: number;
  pgid: number;
  args: string;
}

export function listProcesses(): ProcessRow[] {
  const out = execFileSync('ps', ['-eo', 'pid,pgid,args'], { encoding: 'utf8' });
  return out
    .split('\n')
    .slice(1)
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ pid: Number(m[1]), pgid: Number(m[2]), args: m[3] }));
}

/** Processes whose command line contains `marker` (excluding `ps` itself). */
export function processesWith(marker: string): ProcessRow[] {
  return listProcesses().filter((p) => p.args.includes(marker) && !p.args.startsWith('ps '));
}

/** Polls until no process carries `marker`; returns what is left when `timeoutMs` runs out. */
export async function waitUntilGone(marker: string, timeoutMs = 20_000): Promise<ProcessRow[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = processesWith(marker);
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Polls until a process carries `marker`. */
export async function waitUntilRunning(marker: string, timeoutMs = 20_000): Promise<ProcessRow[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = processesWith(marker);
    if (found.length > 0) return found;
    if (Date.now() > deadline) throw new Error(`no process with ${JSON.stringify(marker)} started within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
