import { sql, type Kysely, type RawBuilder } from 'kysely';

/** A SQL list of string literals from constants (never from input). */
export const sqlList = (values: readonly string[]): RawBuilder<unknown> => sql.raw(values.map((v) => `'${v}'`).join(', '));

/**
 * A run state machine as a migration froze it. Released migrations never import the live
 * one (src/runs/states.ts): each keeps its own copy, so editing states.ts cannot change what
 * an old migration does. A change to states.ts comes with a new migration that calls
 * `applyStateMachine` with the new copy (tests/integration/migrations.test.ts compares).
 */
export interface FrozenStateMachine {
  states: readonly string[];
  transitions: Readonly<Record<string, readonly string[]>>;
}

/** The allowed (from, to) pairs as SQL VALUES. */
function transitionPairs({ transitions }: FrozenStateMachine): RawBuilder<unknown> {
  const pairs = Object.entries(transitions).flatMap(([from, tos]) => tos.map((to) => `('${from}', '${to}')`));
  return sql.raw(pairs.join(', '));
}

/** (Re)creates the status CHECK and the transition trigger's function from a frozen state machine. */
export async function applyStateMachine(db: Kysely<unknown>, machine: FrozenStateMachine): Promise<void> {
  await sql`ALTER TABLE runs DROP CONSTRAINT IF EXISTS runs_status_check`.execute(db);
  await sql`ALTER TABLE runs ADD CONSTRAINT runs_status_check CHECK (status IN (${sqlList(machine.states)}))`.execute(db);
  // The database, not only the code, refuses a move the state machine does not allow.
  await sql`
    CREATE OR REPLACE FUNCTION conveyor_check_run_transition() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.status IS DISTINCT FROM OLD.status
         AND (OLD.status, NEW.status) NOT IN (VALUES ${transitionPairs(machine)}) THEN
        RAISE EXCEPTION 'invalid run transition % -> % for run %', OLD.status, NEW.status, OLD.id
          USING ERRCODE = 'check_violation';
      END IF;
      NEW.updated_at := now();
      RETURN NEW;
    END $$`.execute(db);
}
