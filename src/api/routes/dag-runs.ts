// Executing DAG workflows and steering their runs: execute, executions, pause/resume,
// approve, and the step records GET /api/runs/:id shows for kind = workflow.
import { Router } from 'express';
import { z } from 'zod';
import type { DagDefinition } from '../../dag/types.js';
import { findRun, listRuns } from '../../db/runs.repository.js';
import type { Run, RunError, RunStep } from '../../db/schema.js';
import type { SkipReason } from '../../dag/skip-reason.js';
import { withErrorClass } from '../../runs/error-class.js';
import { listSteps } from '../../db/steps.repository.js';
import { findDefinition } from '../../db/workflows.repository.js';
import { isTerminal } from '../../runs/states.js';
import type { Admit } from '../admission.js';
import type { ApiDeps } from '../deps.js';
import { expiresAtFor } from '../../runs/expiry.js';
import { ApiError, notFound } from '../../services/errors.js';
import { triggerBody, waitQuery } from '../schemas.js';
import { waitForRunEnd } from '../live/run-end.js';
import { runDetail } from '../run-detail.js';
import { runView, triggerView } from '../serialize.js';
import { graphView } from '../dag-graph.js';
import { executeWorkflow } from '../../services/execute-workflow.js';
import { signalRun } from '../../services/signal-run.js';
import { parseBody } from '../../services/validate.js';

// A workflow run's priority is Temporal's priorityKey (inherited by its nodes) and its place among
// queued runs of a limited workflow; concurrencyKey overrides the key of the workflow's `concurrency`.
const executeBody = triggerBody;
const approveBody = z.strictObject({ approved: z.boolean(), comment: z.string().max(2_000).optional() });
const executionsQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(50) });

/** A workflow run's steps (every node of its definition with its step record, `pending` until it has one) and its graph. */
export async function workflowRunOf(deps: Pick<ApiDeps, 'db'>, run: Run) {
  if (run.kind !== 'workflow' || !run.workflow_slug || !run.workflow_version) return undefined;
  const [stored, rows] = await Promise.all([findDefinition(deps.db, run.workflow_slug, run.workflow_version), listSteps(deps.db, run.id)]);
  const definition: DagDefinition = (stored?.definition as DagDefinition | undefined) ?? { slug: run.workflow_slug, nodes: [], edges: [] };
  const byNode = new Map(rows.map((r) => [r.node_id, r]));
  const afterFailure = upstreamFailed(byNode);
  const steps = definition.nodes.map((node, stepIndex) => {
    const row = byNode.get(node.id);
    const error = row?.error ? withErrorClass(row.error) : row?.status === 'skipped' && afterFailure(node.id) ? dependencyError(row) : undefined;
    return {
      nodeId: node.id,
      stepIndex,
      status: row?.status ?? 'pending',
      attempt: row?.attempt ?? 0,
      inputs: row?.inputs ?? null,
      output: row?.output ?? null,
      error: error ? { ...error, nodeId: node.id, stepIndex } : null,
      reason: row?.reason ?? null,
      startedAt: row?.started_at?.toISOString() ?? null,
      completedAt: row?.completed_at?.toISOString() ?? null,
    };
  });
  return { workflow: { slug: run.workflow_slug, version: run.workflow_version }, steps, graph: graphView(definition, rows, run.inputs) };
}

/** Every node of the run's definition with its step record (`pending` until it has one). */
export async function stepsOf(deps: Pick<ApiDeps, 'db'>, run: Run) {
  return (await workflowRunOf(deps, run))?.steps;
}

/**
 * Whether a node was skipped because an upstream node failed, directly or through skipped
 * nodes between (seed 003's dependency failures); a false condition is not a failure.
 */
function upstreamFailed(byNode: ReadonlyMap<string, RunStep>): (nodeId: string) => boolean {
  const memo = new Map<string, boolean>();
  const visit = (nodeId: string): boolean => {
    const known = memo.get(nodeId);
    if (known !== undefined) return known;
    memo.set(nodeId, false); // a definition is acyclic; this only guards a corrupt one
    const row = byNode.get(nodeId);
    const upstream = (row?.reason as SkipReason | null)?.upstream ?? [];
    const result = row?.status === 'failed' || (row?.status === 'skipped' && upstream.some(visit));
    memo.set(nodeId, result);
    return result;
  };
  return visit;
}

function dependencyError(row: RunStep): RunError {
  const reason = row.reason as SkipReason | null;
  return { type: 'DependencyFailed', message: `skipped: an upstream node failed${reason?.message ? ` (${reason.message})` : ''}`, class: 'dependency' };
}

export function dagRunRoutes(deps: ApiDeps, admit: Admit): Router {
  const { db } = deps;
  const router = Router();
  const openWorkflowRun = async (id: string) => {
    const run = await findRun(db, id);
    if (!run) throw notFound('run', id);
    if (run.kind !== 'workflow') throw new ApiError(409, 'not_a_workflow_run', `run ${id} runs a task, not a workflow`);
    if (isTerminal(run.status)) throw new ApiError(409, 'run_finished', `run ${id} already ended as ${run.status}`);
    return run;
  };
  const signal = (run: Run, name: string, arg?: unknown) => signalRun(deps, run.id, name, arg);

  router.post('/api/workflows/:slug/execute', async (req, res) => {
    const body = parseBody(executeBody, req.body ?? {});
    const { wait } = parseBody(waitQuery, req.query, 'invalid_query');
    const release = admit(1);
    try {
      const now = Date.now();
      const runAt = body.delay && body.delay.getTime() > now ? body.delay : undefined;
      const { run, created, version } = await executeWorkflow(deps, {
        slug: req.params.slug, inputs: body.inputs ?? null, triggeredBy: body.triggeredBy ?? 'api', idempotencyKey: body.idempotencyKey, tags: body.tags, priority: body.priority, concurrencyKey: body.concurrencyKey,
        runAt, expiresAt: body.ttl ? expiresAtFor(body.ttl, runAt, now) : undefined,
      });
      if (wait) {
        // ?wait=30s: the finished run with its steps, as GET /api/runs/:id shows it, if it ends in time.
        const gone = new AbortController();
        res.once('close', () => gone.abort());
        const latest = await waitForRunEnd(deps, run.id, wait, gone.signal);
        if (latest && isTerminal(latest.status)) return void res.status(200).json(await runDetail(deps)(latest));
      }
      res.status(created ? 202 : 200).json({ ...triggerView(deps, run), kind: 'workflow', workflow: { slug: run.workflow_slug, version } });
    } finally {
      release();
    }
  });

  router.get('/api/workflows/:slug/executions', async (req, res) => {
    const { limit } = parseBody(executionsQuery, req.query, 'invalid_query');
    const runs = await listRuns(db, { task: req.params.slug, kind: 'workflow', limit });
    res.json({ runs: runs.map(runView) });
  });

  router.post('/api/runs/:id/pause', async (req, res) => {
    const run = await openWorkflowRun(req.params.id);
    await signal(run, 'pause');
    res.status(202).json({ id: run.id, pauseRequested: true });
  });

  router.post('/api/runs/:id/resume', async (req, res) => {
    const run = await openWorkflowRun(req.params.id);
    await signal(run, 'resume');
    res.status(202).json({ id: run.id, resumeRequested: true });
  });

  router.post('/api/runs/:id/nodes/:nodeId/approve', async (req, res) => {
    const body = parseBody(approveBody, req.body ?? {});
    const run = await openWorkflowRun(req.params.id);
    const step = (await stepsOf(deps, run))?.find((s) => s.nodeId === req.params.nodeId);
    if (!step) throw notFound('node', req.params.nodeId);
    if (step.status !== 'running') throw new ApiError(409, 'not_waiting_for_approval', `node ${step.nodeId} is ${step.status}, not waiting for approval`);
    await signal(run, 'approve', { nodeId: step.nodeId, approved: body.approved, comment: body.comment });
    res.status(202).json({ id: run.id, nodeId: step.nodeId, approved: body.approved });
  });
  return router;
}
