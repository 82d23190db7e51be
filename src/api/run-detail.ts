// GET /api/runs/:id's body, also sent as the log stream's `status` event so a run page follows
// its run without a reload.
import type { Run } from '../db/schema.js';
import type { ApiDeps } from './deps.js';
import { workflowRunOf } from './routes/dag-runs.js';
import { waitingForWorker } from './routes/worker-presence.js';
import { runView, temporalUiUrl } from './serialize.js';

export type RunDetail = (run: Run) => Promise<object>;

export function runDetail(deps: Pick<ApiDeps, 'db' | 'taskQueue' | 'namespace' | 'temporalUiUrl'>): RunDetail {
  const isWaitingForWorker = waitingForWorker(deps);
  return async (run) => {
    const [workflow, waiting] = await Promise.all([workflowRunOf(deps, run), isWaitingForWorker(run)]);
    const view = runView(run);
    // A DAG run that failed because a node failed carries that node's class.
    const failedNode = (view.error?.details as { nodeId?: string } | undefined)?.nodeId;
    const nodeClass = view.error?.type === 'NodeFailed' ? workflow?.steps.find((s) => s.nodeId === failedNode)?.error?.class : undefined;
    return {
      ...view,
      ...(nodeClass && view.error ? { error: { ...view.error, class: nodeClass } } : {}),
      ...(workflow ?? {}),
      waitingForWorker: waiting,
      temporal: { workflowId: run.id, runId: run.temporal_run_id, namespace: deps.namespace, uiUrl: temporalUiUrl(deps, run.id) },
    };
  };
}
