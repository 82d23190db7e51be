import { Router } from 'express';
import { z } from 'zod';
import { formatIssues } from '../../activities/validate-inputs.js';
import { deleteRun, insertRun } from '../../db/runs.repository.js';
import { ConveyorTask, ConveyorTriggeredBy, type TaskRunInput } from '../../runs/contract.js';
import { newRunId } from '../../runs/run-id.js';
import type { Task } from '../../tasks/define.js';
import { taskOptions } from '../../tasks/task-options.js';
import type { ApiDeps } from '../deps.js';
import { ApiError, notFound } from '../errors.js';
import { parseBody, zodDetails } from '../validate.js';

const triggerBody = z.strictObject({ inputs: z.unknown().optional() });

function inputSchema(task: Task): unknown {
  if (!task.input) return null;
  try {
    return z.toJSONSchema(task.input, { io: 'input', unrepresentable: 'any' });
  } catch {
    return null;
  }
}

export function taskRoutes(deps: ApiDeps): Router {
  const { db, client, registry, logger } = deps;
  const router = Router();
  let pendingTriggers = 0;

  router.get('/api/tasks', (_req, res) => {
    res.json({
      tasks: registry.list().map((task) => ({ slug: task.slug, name: task.name, description: task.description ?? null, inputSchema: inputSchema(task) })),
    });
  });

  router.post('/api/tasks/:slug', async (req, res) => {
    const task = registry.get(req.params.slug);
    if (!task) throw notFound('task', req.params.slug);
    const body = parseBody(triggerBody, req.body ?? {});
    const inputs = body.inputs ?? null;
    if (task.input) {
      const parsed = task.input.safeParse(inputs);
      if (!parsed.success) throw new ApiError(400, 'invalid_inputs', `invalid inputs: ${formatIssues(parsed.error.issues)}`, zodDetails(parsed.error.issues, 'inputs'));
    }
    if (pendingTriggers >= deps.maxPendingTriggers) throw new ApiError(429, 'too_many_triggers', 'too many triggers in flight; retry shortly');
    pendingTriggers++;
    try {
      const id = newRunId();
      await insertRun(db, { id, task: task.slug, inputs, triggeredBy: 'api' }).catch((error: unknown) => {
        logger.warn({ err: error }, 'trigger refused: database unavailable');
        throw new ApiError(503, 'database_unavailable', 'the database is unavailable; the run was not created');
      });
      // The row exists and the inputs are checked, so the workflow skips its prepare step.
      const workflowInput: TaskRunInput = { task: task.slug, inputs, triggeredBy: 'api', options: taskOptions(task) };
      try {
        const deadline = Date.now() + (deps.triggerTimeoutMs ?? 10_000);
        await client.withDeadline(deadline, () => client.workflow.start('taskRun', {
          workflowId: id,
          taskQueue: deps.taskQueue,
          args: [workflowInput],
          typedSearchAttributes: [
            { key: ConveyorTask, value: task.slug },
            { key: ConveyorTriggeredBy, value: 'api' },
          ],
        }));
      } catch (error) {
        // Nothing half-written: without a workflow the row goes too. (Should the start have
        // landed after all, the workflow's first step re-creates the row: no run lacks one.)
        await deleteRun(db, id).catch((err: unknown) => logger.error({ err, runId: id }, 'could not remove the row of an unstarted run'));
        logger.warn({ err: error, runId: id }, 'trigger refused: Temporal unavailable');
        throw new ApiError(503, 'temporal_unavailable', 'Temporal is unavailable; the run was not started');
      }
      res.status(202).json({
        id,
        status: 'pending',
        links: {
          self: `/api/runs/${id}`,
          logs: `/api/runs/${id}/logs`,
          temporalUi: `${deps.temporalUiUrl}/namespaces/${encodeURIComponent(deps.namespace)}/workflows/${encodeURIComponent(id)}`,
        },
      });
    } finally {
      pendingTriggers--;
    }
  });
  return router;
}
