import type { Run, RunLog } from '../db/schema.js';
import type { ApiDeps } from './deps.js';
import { withErrorClass } from '../runs/error-class.js';

/** A run as the API returns it. */
export function runView(run: Run) {
  const started = run.started_at?.getTime();
  const completed = run.completed_at?.getTime();
  return {
    id: run.id,
    task: run.task,
    status: run.status,
    triggeredBy: run.triggered_by,
    inputs: run.inputs ?? null,
    result: run.result ?? null,
    error: run.error ? withErrorClass(run.error) : null,
    attempt: run.attempt,
    createdAt: run.created_at.toISOString(),
    startedAt: run.started_at?.toISOString() ?? null,
    completedAt: run.completed_at?.toISOString() ?? null,
    durationMs: started !== undefined && completed !== undefined ? completed - started : null,
    kind: run.kind,
    tags: run.tags,
    idempotencyKey: run.idempotency_key,
    scheduleId: run.schedule_id,
    rerunOf: run.rerun_of,
    runAt: run.run_at?.toISOString() ?? null,
    expiresAt: run.expires_at?.toISOString() ?? null,
    priority: run.priority,
    concurrencyKey: run.concurrency_key,
    queuedReason: run.status === 'queued' ? run.queued_reason : null,
  };
}

export function logView(line: RunLog) {
  return {
    seq: Number(line.position),
    ...(line.node_id ? { nodeId: line.node_id } : {}),
    attempt: line.attempt,
    level: line.level,
    ...(line.level === 'json' ? { data: line.data } : { message: line.message }),
    ...(line.level === 'error' && line.data ? { data: line.data } : {}),
    createdAt: line.created_at.toISOString(),
  };
}

/** The 202/200 body of a trigger. */
export function triggerView(deps: Pick<ApiDeps, 'temporalUiUrl' | 'namespace'>, run: Run) {
  return {
    id: run.id,
    status: run.status,
    links: {
      self: `/api/runs/${run.id}`,
      logs: `/api/runs/${run.id}/logs`,
      temporalUi: temporalUiUrl(deps, run.id),
    },
  };
}

export function temporalUiUrl(deps: Pick<ApiDeps, 'temporalUiUrl' | 'namespace'>, runId: string): string {
  return `${deps.temporalUiUrl}/namespaces/${encodeURIComponent(deps.namespace)}/workflows/${encodeURIComponent(runId)}`;
}
