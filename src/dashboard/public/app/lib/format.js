// Times and durations for people: "12:03:04", "3 s", "5 min ago".
export const TERMINAL = ['complete', 'failed', 'timeout', 'cancelled', 'expired'];
export const RUN_STATUSES = ['pending', 'queued', 'running', 'retrying', 'complete', 'failed', 'timeout', 'cancelled', 'expired'];
export const isTerminal = (status) => TERMINAL.includes(status);

export function formatDuration(ms) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
  return `${Math.floor(ms / 3_600_000)} h ${Math.round((ms % 3_600_000) / 60_000)} min`;
}

/** How long something has waited, in whole seconds below a minute ("12 s"). */
export function formatAge(ms) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '–';
  return ms < 60_000 ? `${Math.floor(Math.max(0, ms) / 1000)} s` : formatDuration(ms);
}

export function formatTime(iso) {
  if (!iso) return '–';
  const at = new Date(iso);
  const today = new Date().toDateString() === at.toDateString();
  return today ? at.toLocaleTimeString() : at.toLocaleString();
}

export function ago(iso) {
  if (!iso) return '–';
  const ms = Date.now() - new Date(iso).getTime();
  if (ms < 0) return `in ${formatDuration(-ms)}`;
  if (ms < 5_000) return 'just now';
  return `${formatDuration(ms).split(' ').slice(0, 2).join(' ')} ago`;
}

/** A run's running time so far (or in all, once it ended). */
export function runDuration(run) {
  if (run.durationMs !== null && run.durationMs !== undefined) return run.durationMs;
  return run.startedAt ? Date.now() - new Date(run.startedAt).getTime() : null;
}
