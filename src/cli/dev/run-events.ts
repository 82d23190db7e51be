// The dev console's lines: one per run event, from the `conveyor_run_events` NOTIFY payload (migration 0010).
import type { Style } from '../style.js';
import type { RunEvent } from '../../runs/run-events.js';

export { RUN_EVENTS_CHANNEL, type RunEvent } from '../../runs/run-events.js';

export interface FormatContext {
  style: Style;
  /** The run's dashboard link. */
  link(runId: string): string;
}

/** The random tail of a run id: enough to tell runs apart on a console. */
export const shortRunId = (id: string) => id.slice(-8);

const firstLine = (text: string | null) => (text ?? '').split('\n').find((line) => line.trim() !== '')?.trim() ?? '';

function durationText(event: RunEvent): string {
  const from = Date.parse(event.startedAt ?? event.createdAt ?? '');
  const to = Date.parse(event.completedAt ?? '');
  if (Number.isNaN(from) || Number.isNaN(to)) return '';
  const ms = Math.max(0, to - from);
  return ms < 10_000 ? ` in ${ms} ms` : ` in ${(ms / 1000).toFixed(1)} s`;
}

/** One line for an event worth a line (a new pending run is not); undefined otherwise. Never a stack trace. */
export function formatRunEvent(event: RunEvent, { style, link }: FormatContext): string | undefined {
  const what = `${style.bold(event.task)} ${style.dim(shortRunId(event.id))}`;
  const tail = `  ${style.dim(link(event.id))}`;
  const error = [event.errorType && event.errorType !== 'Error' ? event.errorType : undefined, firstLine(event.errorMessage)].filter(Boolean).join(': ');
  switch (event.status) {
    case 'running':
      return `${style.cyan('▶ started  ')} ${what}${event.attempt > 1 ? ` (attempt ${event.attempt})` : ''}${tail}`;
    case 'retrying':
      return `${style.yellow('↻ retrying ')} ${what} after attempt ${event.attempt}: ${error}${tail}`;
    case 'complete':
      return `${style.green('✔ completed')} ${what}${durationText(event)}${tail}`;
    case 'failed':
      return `${style.red('✖ failed   ')} ${what}: ${error}${tail}`;
    case 'timeout':
      return `${style.red('⏱ timed out')} ${what}: ${error}${tail}`;
    case 'cancelled':
      return `${style.yellow('■ cancelled')} ${what}: ${firstLine(event.errorMessage) || 'no reason given'}${tail}`;
    case 'expired':
      return `${style.yellow('⌛ expired  ')} ${what}: ${firstLine(event.errorMessage)}${tail}`;
    default:
      return undefined;
  }
}

export const isTerminalEvent = (event: RunEvent) => ['complete', 'failed', 'timeout', 'cancelled', 'expired'].includes(event.status);
