import { createBookkeeping } from './bookkeeping.js';
import { createDagActivities } from './dag.js';
import { createDagRunSlotActivities } from './dag-run-slot.js';
import { createExecuteTask } from './execute-task.js';
import type { ActivityDeps } from './deps.js';

export type { ActivityDeps } from './deps.js';

/** Every activity the worker registers, built from its dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createBookkeeping(deps),
    executeTask: createExecuteTask(deps),
    ...createDagActivities(deps),
    ...createDagRunSlotActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
