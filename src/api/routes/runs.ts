import { Router } from 'express';
import { z } from 'zod';
import { listLogs } from '../../db/logs.repository.js';
import { countRunsByStatus, findRun, listRuns, setRunAt, type RunFilter } from '../../db/runs.repository.js';
import type { Run } from '../../db/schema.js';
import { isTerminal, RUN_STATES, TRIGGER_SOURCES, type RunStatus } from '../../runs/states.js';
import { NODE_ID_PATTERN } from '../../dag/types.js';
import { CANCEL_SIGNAL } from '../../runs/contract.js';
import type { ApiDeps } from '../deps.js';
import { ApiError, notFound } from '../../services/errors.js';
import { delayUntil, RUN_ID, tag } from '../schemas.js';
import { logView, runView, triggerView } from '../serialize.js';
import { runDetail } from '../run-detail.js';
import { triggerRun } from '../../services/trigger.js';
import { parseBody } from '../../services/validate.js';
import { rerunWorkflowRun } from '../../services/dag-rerun.js';
import { signalRun } from '../../services/signal-run.js';
import { logStream } from './log-stream.js';

const nodeId = z.string().regex(NODE_ID_PATTERN, 'node must be a DAG node id');

export const logsQuery = z.strictObject({
  after: z.string().regex(/^\d{1,18}$/, 'after must be a log seq (a non-negative integer)').optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(500),
  node: nodeId.optional(),
});

export const logStreamQuery = z.strictObject({
  after: z.string().regex(/^\d{1,18}$/, 'after must be a log seq (a non-negative integer)').optional(),
  node: nodeId.optional(),
});

const isoTime = (field: string) =>
  z.iso.datetime({ offset: true, message: `${field} must be an ISO time like 2026-01-31T12:00:00Z` }).transform((value) => new Date(value));

/** The filters of the runs list and of its counts. */
export const runFilterQuery = z.strictObject({
  status: z.enum(RUN_STATES).optional(),
  task: z.string().min(1).max(100).optional(),
  workflow: z.string().min(1).max(100).optional(),
  triggeredBy: z.enum(TRIGGER_SOURCES).optional(),
  tag: tag.optional(),
  from: isoTime('from').optional(),
  to: isoTime('to').optional(),
  q: z.string().regex(RUN_ID, 'q must be a run id or the start of one').optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().regex(/^[\w-]{1,400}$/, 'cursor must be a value returned as nextCursor').optional(),
});
export const listQuery = runFilterQuery;
export const countsQuery = runFilterQuery.omit({ status: true, limit: true, cursor: true });

/** The repository's filter from a query: `task` and `workflow` each pick their kind of run. */
function runFilter(query: z.infer<typeof countsQuery> & { status?: RunStatus }): Omit<RunFilter, 'limit'> {
  if (query.task !== undefined && query.workflow !== undefined) throw new ApiError(400, 'invalid_query', 'workflow: give task or workflow, not both');
  if (query.from && query.to && query.from > query.to) throw new ApiError(400, 'invalid_query', 'to: must not be before from');
  return {
    status: query.status,
    kind: query.task !== undefined ? 'task' : query.workflow !== undefined ? 'workflow' : undefined,
    task: query.task ?? query.workflow,
    triggeredBy: query.triggeredBy,
    tag: query.tag,
    from: query.from,
    to: query.to,
    idPrefix: query.q,
  };
}

export const cancelBody = z.strictObject({ reason: z.string().trim().min(1).max(500).optional() });
export const rescheduleBody = z.strictObject({ delay: delayUntil });
export const rerunBody = z.strictObject({ fromNode: z.string().min(1).max(64).optional() });

const encodeCursor = (run: Run) => Buffer.from(`${run.created_at.toISOString()}|${run.id}`).toString('base64url');
function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(at ?? '');
  if (!id || Number.isNaN(createdAt.getTime())) throw new ApiError(400, 'invalid_query', 'cursor: not a value returned as nextCursor');
  return { createdAt, id };
}

export function runRoutes(deps: ApiDeps): Router {
  const { db, registry } = deps;
  const router = Router();
  const detail = runDetail(deps);
  const runOr404 = async (id: string): Promise<Run> => {
    const run = await findRun(db, id);
    if (!run) throw notFound('run', id);
    return run;
  };

  router.get('/api/runs', async (req, res) => {
    const query = parseBody(listQuery, req.query, 'invalid_query');
    const runs = await listRuns(db, { ...runFilter(query), before: query.cursor ? decodeCursor(query.cursor) : undefined, limit: query.limit + 1 });
    const page = runs.slice(0, query.limit);
    res.json({ runs: page.map(runView), nextCursor: runs.length > query.limit ? encodeCursor(page[page.length - 1]) : null });
  });

  router.get('/api/runs/counts', async (req, res) => {
    const query = parseBody(countsQuery, req.query, 'invalid_query');
    const found = await countRunsByStatus(db, runFilter(query));
    res.json({ counts: Object.fromEntries(RUN_STATES.map((status) => [status, found.get(status) ?? 0])) });
  });

  router.get('/api/runs/:id', async (req, res) => {
    res.json(await detail(await runOr404(req.params.id)));
  });

  router.get('/api/runs/:id/logs', async (req, res) => {
    const query = parseBody(logsQuery, req.query, 'invalid_query');
    const run = await runOr404(req.params.id);
    const lines = await listLogs(db, run.id, query.after, query.limit, query.node);
    res.json({ lines: lines.map(logView), nextAfter: lines.length ? Number(lines[lines.length - 1].position) : (query.after ? Number(query.after) : null) });
  });

  router.get('/api/runs/:id/logs/stream', async (req, res) => {
    const query = parseBody(logStreamQuery, req.query, 'invalid_query');
    const run = await runOr404(req.params.id);
    const lastEventId = req.header('last-event-id') ?? query.after;
    if (lastEventId !== undefined && !/^\d{1,18}$/.test(lastEventId)) throw new ApiError(400, 'invalid_query', 'Last-Event-ID must be a log seq');
    await logStream({ db, live: deps.live, detail, runId: run.id, after: lastEventId, node: query.node }, res);
  });

  router.post('/api/runs/:id/cancel', async (req, res) => {
    const { reason } = parseBody(cancelBody, req.body ?? {});
    const run = await runOr404(req.params.id);
    if (isTerminal(run.status)) throw new ApiError(409, 'run_finished', `run ${run.id} already ended as ${run.status}`);
    await signalRun(deps, run.id, CANCEL_SIGNAL, { reason: reason ?? 'cancelled over the API' });
    res.status(202).json({ id: run.id, status: run.status, cancelRequested: true });
  });

  router.post('/api/runs/:id/rerun', async (req, res) => {
    const { fromNode } = parseBody(rerunBody, req.body ?? {});
    const original = await runOr404(req.params.id);
    if (original.kind === 'workflow') {
      const { run } = await rerunWorkflowRun(deps, original, fromNode);
      return void res.status(202).json({ ...triggerView(deps, run), rerunOf: original.id, ...(fromNode ? { fromNode } : {}) });
    }
    if (fromNode !== undefined) throw new ApiError(400, 'invalid_body', 'fromNode: only a workflow run has nodes');
    const task = registry.get(original.task);
    if (!task) throw new ApiError(409, 'task_gone', `task ${JSON.stringify(original.task)} of run ${original.id} is no longer registered`);
    const { run } = await triggerRun(deps, { task, inputs: original.inputs ?? null, triggeredBy: 'api', tags: original.tags, rerunOf: original.id });
    res.status(202).json({ ...triggerView(deps, run), rerunOf: original.id });
  });

  router.post('/api/runs/:id/reschedule', async (req, res) => {
    const { delay } = parseBody(rescheduleBody, req.body ?? {});
    const run = await runOr404(req.params.id);
    if (run.status !== 'pending' || !run.run_at) throw new ApiError(409, 'not_delayed', `run ${run.id} is ${run.status}${run.run_at ? '' : ' and was not delayed'}: only a delayed, pending run can be rescheduled`);
    if (!(await setRunAt(db, run.id, delay))) throw new ApiError(409, 'not_delayed', `run ${run.id} started meanwhile`);
    await signalRun(deps, run.id, 'reschedule', { runAt: delay.toISOString() });
    res.status(202).json(runView({ ...run, run_at: delay }));
  });
  return router;
}
