/**
 * The run state machine, defined once. The SQL CHECK constraint and the
 * transition trigger are generated from these constants (see the migrations),
 * and the repository's conditional UPDATEs use `allowedPredecessors`.
 *
 *   pending → running → (retrying ↔ running) → complete | failed | timeout | cancelled
 *   pending → expired (its ttl passed before it started)
 *   pending | running | retrying → queued → running (waiting for a concurrency slot)
 */
export const RUN_STATES = ['pending', 'queued', 'running', 'retrying', 'complete', 'failed', 'timeout', 'cancelled', 'expired'] as const;
export type RunStatus = (typeof RUN_STATES)[number];

export const TERMINAL_STATES = ['complete', 'failed', 'timeout', 'cancelled', 'expired'] as const satisfies readonly RunStatus[];
export type TerminalStatus = (typeof TERMINAL_STATES)[number];

/**
 * Allowed `from → to` moves. `running → running` is a new attempt after a
 * crashed one that never reported `retrying`. A run can fail, time out or be
 * cancelled before it ever runs (unknown task, invalid inputs, run timeout).
 */
export const TRANSITIONS: Readonly<Record<RunStatus, readonly RunStatus[]>> = {
  pending: ['queued', 'running', 'failed', 'timeout', 'cancelled', 'expired'],
  // Waiting for a concurrency slot: still cancellable, and its ttl still counts.
  queued: ['running', 'failed', 'timeout', 'cancelled', 'expired'],
  running: ['queued', 'running', 'retrying', 'complete', 'failed', 'timeout', 'cancelled'],
  retrying: ['queued', 'running', 'failed', 'timeout', 'cancelled'],
  complete: [],
  failed: [],
  timeout: [],
  cancelled: [],
  expired: [],
};

export function isTerminal(status: RunStatus): status is TerminalStatus {
  return (TERMINAL_STATES as readonly RunStatus[]).includes(status);
}

export function canTransition(from: RunStatus, to: RunStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** The states a run may be in for an UPDATE to `to` to be valid. */
export function allowedPredecessors(to: RunStatus): RunStatus[] {
  return RUN_STATES.filter((from) => canTransition(from, to));
}

export const TRIGGER_SOURCES = ['user', 'api', 'schedule', 'webhook'] as const;
export type TriggerSource = (typeof TRIGGER_SOURCES)[number];
