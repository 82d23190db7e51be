// What Postgres NOTIFYs about runs (migrations 0010 and 0012): the dev console, the API's live
// hub and the dashboard all read these payloads.

/** Every new run and every change of a run's status or attempt: a RunEvent as JSON. */
export const RUN_EVENTS_CHANNEL = 'conveyor_run_events';
/** A log flush committed lines of the run whose id is the payload. */
export const RUN_LOGS_CHANNEL = 'conveyor_run_logs';
/** A DAG step record of the run whose id is the payload changed. */
export const RUN_STEPS_CHANNEL = 'conveyor_run_steps';

export interface RunEvent {
  id: string;
  task: string;
  kind?: string;
  status: string;
  previousStatus: string | null;
  attempt: number;
  errorType: string | null;
  errorMessage: string | null;
  createdAt: string | null;
  startedAt: string | null;
  completedAt: string | null;
  /** Since migration 0012. */
  triggeredBy?: string;
  tags?: string[];
  workflowVersion?: number | null;
}
