import { Router } from 'express';
import { z } from 'zod';
import type { ScheduleDescription } from '@temporalio/client';
import { durationMsSchema } from '../../tasks/duration-schema.js';
import type { ApiDeps } from '../deps.js';
import { ApiError, notFound } from '../../services/errors.js';
import {
  actionInput,
  buildAction,
  buildSpec,
  MEMO_TASK,
  newScheduleId,
  OVERLAPS,
  scheduleError,
  scheduleSummaryView,
  scheduleView,
  isConveyorAction,
  toOverlapPolicy,
  type ScheduleTarget,
} from '../../services/schedules.js';
import { checkWorkflowInputs } from '../../services/execute-workflow.js';
import { findDefinition } from '../../db/workflows.repository.js';
import type { DagDefinition } from '../../dag/types.js';
import { checkInputs } from '../../services/trigger.js';
import { parseBody } from '../../services/validate.js';
import { concurrencyKey, priority } from '../schemas.js';

// Safe in a URL path, a workflow id prefix and a log line.
const SCHEDULE_ID = /^[A-Za-z0-9_-]{1,200}$/;

const duration = (what: string, minMs: number) => durationMsSchema(what, minMs);

const fields = {
  cron: z.string().trim().min(1).max(200).optional(),
  every: duration('every', 1_000).optional(),
  timezone: z.string().min(1).max(100).optional(),
  inputs: z.unknown().optional(),
  overlap: z.enum(OVERLAPS).optional(),
  // Temporal raises a shorter catch-up window to 10 s anyway.
  catchupWindow: duration('catchupWindow', 10_000).optional(),
  paused: z.boolean().optional(),
  // The runs' priority and concurrency key, as on a trigger.
  priority: priority.optional(),
  concurrencyKey: concurrencyKey.optional(),
};

export const scheduleCreateBody = z
  .strictObject({
    id: z.string().regex(SCHEDULE_ID, 'id may hold letters, digits, - and _ (at most 200)').optional(),
    task: z.string().min(1).max(200).optional(),
    workflow: z.string().min(1).max(200).optional(),
    ...fields,
  })
  .refine((b) => (b.task === undefined) !== (b.workflow === undefined), { message: 'give exactly one of task or workflow', path: ['task'] })
  .refine((b) => (b.cron === undefined) !== (b.every === undefined), { message: 'give exactly one of cron or every', path: ['cron'] });

export const schedulePatchBody = z
  .strictObject({ id: z.string().optional(), task: z.string().optional(), workflow: z.string().optional(), ...fields })
  .refine((b) => b.cron === undefined || b.every === undefined, { message: 'give cron or every, not both', path: ['cron'] });

export const scheduleBackfillBody = z
  .strictObject({ start: z.iso.datetime({ offset: true }), end: z.iso.datetime({ offset: true }), overlap: z.enum(OVERLAPS).optional() })
  .refine((b) => Date.parse(b.end) > Date.parse(b.start), { message: 'end must be after start', path: ['end'] });

const immutable = (field: string) => new ApiError(400, 'immutable_field', `a schedule's ${field} cannot change`, [{ field, message: 'cannot change' }]);

export function scheduleRoutes(deps: ApiDeps): Router {
  const { client, registry } = deps;
  const router = Router();

  /** One Temporal call, bounded like a trigger (the client retries meanwhile), its errors mapped to HTTP. */
  async function call<T>(id: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await client.withDeadline(Date.now() + (deps.triggerTimeoutMs ?? 10_000), fn);
    } catch (error) {
      throw scheduleError(deps, error, id);
    }
  }

  /** A schedule whose action is not taskRun is none of Conveyor's business: 404 like a missing one. */
  async function describe(id: string): Promise<ScheduleDescription> {
    const description = await call(id, () => client.schedule.getHandle(id).describe());
    if (!isConveyorAction(description.action.workflowType)) throw notFound('schedule', id);
    return description;
  }
  const handle = (id: string) => client.schedule.getHandle(id);

  /** The schedule's target exists, and its inputs fit (a task's zod schema, a workflow's JSON Schema). */
  async function checkTarget(body: { task?: string; workflow?: string }, inputs: unknown): Promise<ScheduleTarget> {
    if (body.workflow !== undefined) {
      const stored = await findDefinition(deps.db, body.workflow);
      if (!stored) throw notFound('workflow', body.workflow);
      checkWorkflowInputs(stored.definition as DagDefinition, inputs);
      return { workflow: body.workflow };
    }
    const task = registry.get(body.task!);
    if (!task) throw notFound('task', body.task!);
    checkInputs(task, inputs);
    return { task: task.slug };
  }

  router.post('/api/schedules', async (req, res) => {
    const body = parseBody(scheduleCreateBody, req.body ?? {});
    const inputs = body.inputs ?? null;
    const target = await checkTarget(body, inputs);
    const id = body.id ?? newScheduleId();
    await call(id, () =>
      client.schedule.create({
        scheduleId: id,
        spec: buildSpec({ cron: body.cron, everyMs: body.every }, body.timezone),
        action: buildAction(deps, id, target, inputs, { priority: body.priority, concurrencyKey: body.concurrencyKey }),
        policies: { overlap: toOverlapPolicy(body.overlap ?? 'skip'), ...(body.catchupWindow !== undefined ? { catchupWindow: body.catchupWindow } : {}) },
        memo: { [MEMO_TASK]: target.task ?? target.workflow },
        state: { paused: body.paused ?? false },
      }),
    );
    res.status(201).json(scheduleView(await describe(id)));
  });

  // Temporal's schedule list is eventually consistent: a schedule just created may show a moment later.
  router.get('/api/schedules', async (_req, res) => {
    const schedules = await call('', async () => {
      const found = [];
      for await (const summary of client.schedule.list()) {
        if (isConveyorAction(summary.action?.workflowType)) found.push(scheduleSummaryView(summary));
      }
      return found;
    });
    res.json({ schedules: schedules.sort((a, b) => a.id.localeCompare(b.id)) });
  });

  router.get('/api/schedules/:id', async (req, res) => {
    res.json(scheduleView(await describe(req.params.id)));
  });

  router.patch('/api/schedules/:id', async (req, res) => {
    const id = req.params.id;
    const body = parseBody(schedulePatchBody, req.body ?? {});
    const current = actionInput(await describe(id));
    if (body.id !== undefined && body.id !== id) throw immutable('id');
    if (body.task !== undefined && body.task !== current?.task) throw immutable('task');
    if (body.workflow !== undefined && body.workflow !== current?.workflow) throw immutable('workflow');
    const runOptions = { ...(body.priority !== undefined ? { priority: body.priority } : {}), ...(body.concurrencyKey !== undefined ? { concurrencyKey: body.concurrencyKey } : {}) };
    if (Object.keys(runOptions).length && !current) throw new ApiError(400, 'invalid_schedule', "the schedule's action has no input to carry a priority or concurrency key");
    if (body.inputs !== undefined) {
      if (!current) throw new ApiError(400, 'invalid_schedule', 'the schedule\'s action has no input whose inputs could change');
      const task = current.task !== undefined ? registry.get(current.task) : undefined;
      if (task) checkInputs(task, body.inputs);
    }
    const newSpec = body.cron !== undefined || body.every !== undefined;
    await call(id, () =>
      handle(id).update((prev) => ({
        spec: newSpec
          ? { ...prev.spec, calendars: undefined, intervals: undefined, ...buildSpec({ cron: body.cron, everyMs: body.every }, body.timezone ?? prev.spec.timezone) }
          : { ...prev.spec, ...(body.timezone !== undefined ? { timezone: body.timezone } : {}) },
        action:
          body.inputs === undefined && !Object.keys(runOptions).length
            ? prev.action
            : { ...prev.action, args: [{ ...(prev.action.args?.[0] as object), ...(body.inputs !== undefined ? { inputs: body.inputs } : {}), ...runOptions }] },
        policies: {
          ...prev.policies,
          ...(body.overlap !== undefined ? { overlap: toOverlapPolicy(body.overlap) } : {}),
          ...(body.catchupWindow !== undefined ? { catchupWindow: body.catchupWindow } : {}),
        },
        state: { ...prev.state, ...(body.paused !== undefined ? { paused: body.paused } : {}) },
      })),
    );
    res.json(scheduleView(await describe(id)));
  });

  for (const action of ['pause', 'unpause'] as const) {
    router.post(`/api/schedules/:id/${action}`, async (req, res) => {
      const id = req.params.id;
      await describe(id);
      await call(id, () => (action === 'pause' ? handle(id).pause('paused via the Conveyor API') : handle(id).unpause('unpaused via the Conveyor API')));
      res.json(scheduleView(await describe(id)));
    });
  }

  router.post('/api/schedules/:id/trigger', async (req, res) => {
    const id = req.params.id;
    await describe(id);
    // Temporal starts the run asynchronously; its id shows in the schedule's recentRuns.
    await call(id, () => handle(id).trigger());
    res.status(202).json({ id, triggered: true, links: { self: `/api/schedules/${encodeURIComponent(id)}` } });
  });

  router.post('/api/schedules/:id/backfill', async (req, res) => {
    const id = req.params.id;
    const body = parseBody(scheduleBackfillBody, req.body ?? {});
    await describe(id);
    const start = new Date(body.start);
    const end = new Date(body.end);
    // Without an overlap of its own, the backfill follows the schedule's policy.
    await call(id, () => handle(id).backfill({ start, end, ...(body.overlap ? { overlap: toOverlapPolicy(body.overlap) } : {}) }));
    res.status(202).json({ id, start: start.toISOString(), end: end.toISOString(), links: { self: `/api/schedules/${encodeURIComponent(id)}` } });
  });

  router.delete('/api/schedules/:id', async (req, res) => {
    const id = req.params.id;
    await describe(id);
    await call(id, () => handle(id).delete());
    res.status(204).end();
  });
  return router;
}
