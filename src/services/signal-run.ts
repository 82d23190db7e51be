import type { ServiceDeps } from './deps.js';
import { ApiError } from './errors.js';

/** Sends a signal to a run's workflow; Temporal not taking it is a 503 the client may retry. */
export async function signalRun(deps: Pick<ServiceDeps, 'client' | 'logger'>, runId: string, name: string, arg?: unknown): Promise<void> {
  await deps.client.workflow
    .getHandle(runId)
    .signal(name, ...(arg === undefined ? [] : [arg]))
    .catch((error: unknown) => {
      deps.logger.warn({ err: error, runId }, `${name} signal failed`);
      throw new ApiError(503, 'temporal_unavailable', `Temporal did not take the ${name} request; retry`);
    });
}
