import { sql, type Kysely, type RawBuilder } from 'kysely';
import { RUN_STATES, TRANSITIONS } from '../../runs/states.js';

/** A SQL list of string literals from constants (never from input). */
export const sqlList = (values: readonly string[]): RawBuilder<unknown> => sql.raw(values.map((v) => `'${v}'`).join(', '));

/** The allowed (from, to) pairs as SQL VALUES, from the one state machine definition. */
function transitionPairs(): RawBuilder<unknown> {
  const pairs = Object.entries(TRANSITIONS).flatMap(([from, tos]) => tos.map((to) => `('${from}', '${to}')`));
  return sql.raw(pairs.join(', '));
}

/**
 * (Re)creates the status CHECK and the transition trigger's function from RUN_STATES and
 * TRANSITIONS. A migration that changes the state machine calls this again.
 */
export async function applyStateMachine(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE runs DROP CONSTRAINT IF EXISTS runs_status_check`.execute(db);
  await sql`ALTER TABLE runs ADD CONSTRAINT runs_status_check CHECK (status IN (${sqlList(RUN_STATES)}))`.execute(db);
  // The database, not only the code, refuses a move the state machine does not allow.
  await sql`
    CREATE OR REPLACE FUNCTION conveyor_check_run_transition() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.status IS DISTINCT FROM OLD.status
         AND (OLD.status, NEW.status) NOT IN (VALUES ${transitionPairs()}) THEN
        RAISE EXCEPTION 'invalid run transition % -> % for run %', OLD.status, NEW.status, OLD.id
          USING ERRCODE = 'check_violation';
      END IF;
      NEW.updated_at := now();
      RETURN NEW;
    END $$`.execute(db);
}
