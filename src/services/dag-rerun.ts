// Re-running a DAG run from one node: a new run that reuses the stored outputs of the
// completed nodes upstream of that node and executes everything else again.
import type { SchedulerSnapshot } from '../dag/scheduler.js';
import type { DagDefinition, NodeStatus } from '../dag/types.js';
import type { Run } from '../db/schema.js';
import { listSteps } from '../db/steps.repository.js';
import { findDefinition } from '../db/workflows.repository.js';
import { newRunId } from '../runs/run-id.js';
import type { DagRunInput } from '../workflows/dag-run.js';
import type { ServiceDeps } from './deps.js';
import { ApiError, notFound } from './errors.js';
import { startRun, type TriggerResult, rowExtras } from './trigger.js';

/** Every node upstream of `nodeId` (its ancestors), by walking the edges backwards. */
export function ancestorsOf(definition: Pick<DagDefinition, 'edges'>, nodeId: string): Set<string> {
  const incoming = new Map<string, string[]>();
  for (const { from, to } of definition.edges) incoming.set(to, [...(incoming.get(to) ?? []), from]);
  const seen = new Set<string>();
  const stack = [...(incoming.get(nodeId) ?? [])];
  for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(incoming.get(id) ?? []));
  }
  return seen;
}

export async function rerunWorkflowRun(deps: ServiceDeps, original: Run, fromNode: string | undefined): Promise<TriggerResult> {
  const slug = original.workflow_slug!;
  const version = original.workflow_version!;
  const stored = await findDefinition(deps.db, slug, version);
  if (!stored) throw new ApiError(409, 'workflow_gone', `workflow ${slug} version ${version} no longer exists`);
  const definition = stored.definition as DagDefinition;
  let snapshot: SchedulerSnapshot | undefined;
  if (fromNode !== undefined) {
    if (!definition.nodes.some((n) => n.id === fromNode)) throw notFound('node', fromNode);
    const reusable = ancestorsOf(definition, fromNode);
    const steps = new Map((await listSteps(deps.db, original.id)).map((s) => [s.node_id, s]));
    const outputs: Record<string, unknown> = {};
    const statuses = definition.nodes.map((node): NodeStatus => {
      const step = steps.get(node.id);
      if (!reusable.has(node.id) || step?.status !== 'complete') return 'pending';
      outputs[node.id] = step.output ?? null;
      return 'complete';
    });
    snapshot = { statuses, outputs, failedNodes: [], paused: false };
  }
  const row = {
    id: newRunId(), kind: 'workflow' as const, task: slug, status: 'pending' as const, triggered_by: 'api' as const,
    inputs: JSON.stringify(original.inputs ?? null), tags: original.tags, rerun_of: original.id, workflow_slug: slug, workflow_version: version,
  };
  return startRun(deps, row, 'dagRun', (run): DagRunInput => ({
    workflow: slug, version, inputs: run.inputs ?? null, triggeredBy: run.triggered_by, ...(snapshot ? { snapshot, rerunOf: original.id } : {}), ...rowExtras(run),
  }));
}
