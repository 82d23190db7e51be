// Starting a run of a DAG workflow's active version: the API's execute route and webhooks.
import { z } from 'zod';
import type { DagDefinition } from '../dag/types.js';
import { findActiveDefinition, findDefinition } from '../db/workflows.repository.js';
import { newRunId } from '../runs/run-id.js';
import type { DagRunInput } from '../workflows/dag-run.js';
import type { ServiceDeps } from './deps.js';
import { ApiError, notFound } from './errors.js';
import { idempotentRunId, startRun, type TriggerRequest, type TriggerResult, rowExtras } from './trigger.js';
import { zodDetails } from './validate.js';
import { DEFAULT_PRIORITY } from '../runs/priority.js';
import { concurrencyKeyOf, toConcurrency } from '../tasks/concurrency.js';

/** What a task trigger takes, for the workflow named by `slug` instead of a task. */
export type ExecuteRequest = Omit<TriggerRequest, 'task' | 'rerunOf'> & { slug: string };

/** Checks `inputs` against the definition's `input` JSON Schema, if it has one: 400 naming the field. */
export function checkWorkflowInputs(definition: DagDefinition, inputs: unknown): void {
  if (!definition.input) return;
  const parsed = z.fromJSONSchema(definition.input as Parameters<typeof z.fromJSONSchema>[0]).safeParse(inputs);
  if (!parsed.success) {
    const details = zodDetails(parsed.error.issues, 'inputs');
    throw new ApiError(400, 'invalid_inputs', `invalid inputs: ${details.map((d) => `${d.field}: ${d.message}`).join('; ')}`, details);
  }
}

export async function executeWorkflow(deps: ServiceDeps, request: ExecuteRequest): Promise<TriggerResult & { version: number }> {
  const active = await findActiveDefinition(deps.db, request.slug);
  if (!active) {
    if (!(await findDefinition(deps.db, request.slug))) throw notFound('workflow', request.slug);
    throw new ApiError(409, 'no_active_version', `workflow ${request.slug} has no active version: POST /api/workflows/${request.slug}/activate`);
  }
  const definition = active.definition as DagDefinition;
  checkWorkflowInputs(definition, request.inputs ?? null);
  const slug = active.slug;
  const row = {
    id: request.idempotencyKey ? idempotentRunId(`workflow:${slug}`, request.idempotencyKey) : newRunId(),
    kind: 'workflow' as const, task: slug, status: 'pending' as const, triggered_by: request.triggeredBy,
    inputs: JSON.stringify(request.inputs ?? null), idempotency_key: request.idempotencyKey ?? null, workflow_slug: slug, workflow_version: active.version,
    tags: request.tags ?? [], run_at: request.runAt ?? null, expires_at: request.expiresAt ?? null,
    // Temporal's priorityKey for the workflow and (inherited) every node's activity; the order queued runs take a slot.
    ...(request.priority !== undefined ? { priority: request.priority } : {}),
    ...(request.concurrencyKey !== undefined ? { concurrency_key: request.concurrencyKey } : {}),
  };
  // A limited workflow's key is Temporal's fairnessKey too, as a limited task's is.
  const fairnessKey = definition.concurrency ? concurrencyKeyOf(toConcurrency(definition.concurrency), request.inputs ?? null, request.concurrencyKey) || undefined : undefined;
  const result = await startRun(deps, row, 'dagRun', (run): DagRunInput => ({
    workflow: slug, version: run.workflow_version ?? active.version, inputs: run.inputs ?? null, triggeredBy: run.triggered_by,
    ...(run.run_at ? { runAt: run.run_at.toISOString() } : {}),
    ...(run.expires_at ? { expiresAt: run.expires_at.toISOString() } : {}),
    ...(run.priority !== DEFAULT_PRIORITY ? { priority: run.priority } : {}),
    ...(run.concurrency_key !== null ? { concurrencyKey: run.concurrency_key } : {}),
    ...rowExtras(run),
  }), fairnessKey);
  return { ...result, version: result.run.workflow_version ?? active.version };
}
