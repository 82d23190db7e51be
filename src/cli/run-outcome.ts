// The end of `--follow` / `--wait`: the run's final state as one line, and the exit code it means.
import type { CliContext } from './context.js';
import { EXIT, type ExitCode } from './errors.js';
import { followLogs } from './follow.js';
import { formatLogLine } from './log-line.js';
import { formatMs } from './output.js';

export interface RunView {
  id: string;
  task: string;
  kind?: string;
  status: string;
  attempt?: number;
  result?: unknown;
  error?: { message?: string; type?: string } | null;
  durationMs?: number | null;
  links?: { temporalUi?: string };
  temporal?: { uiUrl?: string };
}

export function outcomeLine(ctx: CliContext, run: RunView): string {
  const { style } = ctx;
  const firstLine = (text: string | undefined) => (text ?? '').split('\n')[0];
  switch (run.status) {
    case 'complete':
      return `${style.green('✔ complete')} ${run.id} in ${formatMs(run.durationMs)}`;
    case 'cancelled':
      return `${style.yellow('■ cancelled')} ${run.id}: ${firstLine(run.error?.message)}`;
    case 'expired':
      return `${style.yellow('■ expired')} ${run.id}: ${firstLine(run.error?.message)}`;
    default:
      return `${style.red(`✖ ${run.status}`)} ${run.id}: ${[run.error?.type, firstLine(run.error?.message)].filter(Boolean).join(': ')}`;
  }
}

/** Streams the logs (or only waits, `printLogs: false`) until the run ends; prints its outcome and result. Exit 0 only when complete. */
export async function watchRun(ctx: CliContext, runId: string, { printLogs, nodeId }: { printLogs: boolean; nodeId?: string }): Promise<ExitCode> {
  await followLogs(ctx.api, runId, {
    onLine: (line) => {
      if (printLogs && (nodeId === undefined || line.nodeId === nodeId)) process.stdout.write(`${formatLogLine(line, ctx.style)}\n`);
    },
    onReconnect: (attempt, reason) => process.stderr.write(`conveyor: log stream dropped (${reason}); resuming (try ${attempt})\n`),
  });
  const run = await ctx.api.request<RunView>('GET', `/api/runs/${encodeURIComponent(runId)}`);
  process.stdout.write(`${outcomeLine(ctx, run)}\n`);
  if (run.status === 'complete' && run.result !== undefined && run.result !== null) process.stdout.write(`${JSON.stringify(run.result, null, 2)}\n`);
  return run.status === 'complete' ? EXIT.ok : EXIT.failed;
}
