// The Temporal SDK's own log lines on the dev console: one line each, and none for a task's own failure
// (the run event line already says it), so an expected failure never prints the SDK's stack trace.
import { DefaultLogger, type LogEntry, type Logger as SdkLogger } from '@temporalio/worker';

/** Activities that run task code: their failures are the task's, reported as run events. */
const TASK_ACTIVITIES = new Set(['executeTask', 'executeDagNode']);

/** Conveyor's workflows fail because their task (or node) failed; a bookkeeping failure is not the task's and is shown. */
const RUN_WORKFLOWS = new Set(['taskRun', 'dagRun']);

export function isTaskFailure(entry: Pick<LogEntry, 'message' | 'meta'>): boolean {
  if (entry.message === 'Activity failed') return TASK_ACTIVITIES.has(String(entry.meta?.activityType));
  if (entry.message === 'Workflow failed') {
    const error = entry.meta?.error as { type?: string; name?: string } | undefined;
    return RUN_WORKFLOWS.has(String(entry.meta?.workflowType)) && error?.type !== 'BookkeepingError' && error?.name !== 'BookkeepingError';
  }
  return false;
}

export function devSdkLogger(write: (line: string) => void): SdkLogger {
  return new DefaultLogger('WARN', (entry) => {
    if (isTaskFailure(entry)) return;
    const error = (entry.meta?.error ?? entry.meta?.err ?? entry.meta?.failure) as Error | undefined;
    const time = new Date(Number(entry.timestampNanos / 1_000_000n)).toTimeString().slice(0, 8);
    // An error the SDK reports at ERROR is unexpected: keep its stack. A warning: its message is enough.
    const detail = error instanceof Error ? (entry.level === 'ERROR' && error.stack ? `\n${error.stack}` : `: ${error.message}`) : '';
    write(`${time} ${entry.level.toLowerCase().padEnd(5)} temporal: ${entry.message}${detail}`);
  });
}
