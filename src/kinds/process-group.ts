// Child processes in a process group of their own (spawn `detached`), so one signal reaches
// everything a command started: its children and theirs. Groups still alive when the worker
// process exits are killed on the way out, so no command outlives the worker that ran it.
import { spawn, type ChildProcess } from 'node:child_process';

/** How long a group gets between SIGTERM and SIGKILL. */
export const KILL_GRACE_MS = 5_000;

const liveGroups = new Set<number>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' handlers must be synchronous; process.kill is.
  process.on('exit', () => {
    for (const pgid of liveGroups) signalGroup(pgid, 'SIGKILL');
  });
}

/** Sends `signal` to every process of the group; false when the group is gone. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

export interface GroupSpawnOptions {
  cwd?: string;
  env: Record<string, string>;
}

export interface SpawnedGroup {
  child: ChildProcess;
  /** SIGTERM to the group, then SIGKILL after KILL_GRACE_MS unless its leader has exited by then. */
  terminate(): void;
  /** Resolves when the leader has exited and its output streams have closed. */
  closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Spawns `file` with `args` (never through a shell) as the leader of a new process group. */
export function spawnGroup(file: string, args: readonly string[], options: GroupSpawnOptions): SpawnedGroup {
  installExitHook();
  const child = spawn(file, args, { cwd: options.cwd, env: options.env, shell: false, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const pgid = child.pid;
  if (pgid !== undefined) liveGroups.add(pgid);
  let killTimer: NodeJS.Timeout | undefined;
  let leaderExited = false;
  child.once('exit', () => {
    leaderExited = true;
    if (killTimer) clearTimeout(killTimer);
    if (pgid === undefined) return;
    // Whatever the command left running in its group would be an orphan: it goes with its leader.
    signalGroup(pgid, 'SIGKILL');
    liveGroups.delete(pgid);
  });
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.once('error', (error) => {
      if (pgid !== undefined) liveGroups.delete(pgid);
      reject(error);
    });
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  return {
    child,
    closed,
    terminate() {
      if (pgid === undefined || leaderExited || killTimer) return;
      signalGroup(pgid, 'SIGTERM');
      killTimer = setTimeout(() => signalGroup(pgid, 'SIGKILL'), KILL_GRACE_MS);
      killTimer.unref();
    },
  };
}
