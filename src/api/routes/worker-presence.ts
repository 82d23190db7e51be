import { liveWorkerServes } from '../../db/workers.repository.js';
import type { Run } from '../../db/schema.js';
import { DAG_RUN_WORKFLOW } from '../../services/schedules.js';
import type { ApiDeps } from '../deps.js';

/**
 * Whether a run is waiting for a worker: it is pending and no live worker on the API's task
 * queue serves its task (task runs) or the dagRun workflow (workflow runs). Read from the
 * `workers` table, which a stopped worker leaves at once and a dead one within ~6 s
 * (Temporal's pollers list keeps a gone worker for about 15 s).
 */
export function waitingForWorker({ db, taskQueue }: Pick<ApiDeps, 'db' | 'taskQueue'>): (run: Run) => Promise<boolean> {
  return async (run) => {
    if (run.status !== 'pending') return false;
    const need = run.kind === 'workflow' ? { workflowType: DAG_RUN_WORKFLOW } : { task: run.task };
    return !(await liveWorkerServes(db, taskQueue, need));
  };
}
