/** Thrown by a task (or via `ml.fail`) to fail its run without retrying. */
export class PermanentError extends Error {
  override name = 'PermanentError';
}

/** A task file or definition that cannot be loaded; names the file and the reason. */
export class TaskDefinitionError extends Error {
  override name = 'TaskDefinitionError';
}
