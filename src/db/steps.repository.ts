import { sql, type Kysely } from 'kysely';
import { FINISHED_NODE_STATUSES, isFinishedNodeStatus } from '../dag/types.js';
import { toJson } from './runs.repository.js';
import type { StepChange } from '../runs/contract.js';
import type { Database, RunStep } from './schema.js';

export type { StepChange } from '../runs/contract.js';

type Db = Kysely<Database>;


const STARTED = ['running', 'retrying'];

/**
 * Writes step records in one statement. A step that ended keeps its ending: a change
 * replayed after a retry (or arriving late) never moves it back.
 */
export async function upsertSteps(db: Db, runId: string, changes: StepChange[]): Promise<void> {
  if (changes.length === 0) return;
  await db
    .insertInto('run_steps')
    .values(
      changes.map((c) => ({
        run_id: runId,
        node_id: c.nodeId,
        status: c.status,
        attempt: c.attempt ?? 0,
        inputs: c.inputs === undefined ? null : toJson(c.inputs),
        output: c.output === undefined ? null : toJson(c.output),
        error: c.error ? toJson(c.error) : null,
        reason: c.reason === undefined ? null : toJson(c.reason),
        started_at: STARTED.includes(c.status) ? new Date() : null,
        completed_at: isFinishedNodeStatus(c.status) ? new Date() : null,
      })),
    )
    .onConflict((oc) =>
      oc
        .columns(['run_id', 'node_id'])
        .doUpdateSet((eb) => ({
          status: eb.ref('excluded.status'),
          attempt: sql`greatest(run_steps.attempt, excluded.attempt)`,
          inputs: sql`coalesce(excluded.inputs, run_steps.inputs)`,
          output: sql`coalesce(excluded.output, run_steps.output)`,
          error: sql`coalesce(excluded.error, run_steps.error)`,
          reason: sql`coalesce(excluded.reason, run_steps.reason)`,
          started_at: sql`coalesce(run_steps.started_at, excluded.started_at)`,
          completed_at: sql`coalesce(excluded.completed_at, run_steps.completed_at)`,
          updated_at: sql`now()`,
        }))
        .where('run_steps.status', 'not in', FINISHED_NODE_STATUSES),
    )
    .execute();
}

export async function listSteps(db: Db, runId: string): Promise<RunStep[]> {
  return db.selectFrom('run_steps').selectAll().where('run_id', '=', runId).orderBy('started_at', (ob) => ob.asc().nullsLast()).orderBy('node_id').execute();
}
