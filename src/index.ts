// The package entry point task files import: `import { defineTask, z } from 'conveyor'`.
export { defineTask, TASK_DEFAULTS } from './tasks/define.js';
export type { Task, TaskConfig, RetryConfig } from './tasks/define.js';
export { PermanentError } from './tasks/errors.js';
// A task may throw a KindError to give its failure a class (transient, permanent, resource + retryAfterMs).
export { KindError, type ErrorClass } from './kinds/types.js';
export type { Ml, RunInfo, LogLevel } from './tasks/ml.types.js';
export type { Duration } from './tasks/duration.js';
export { z } from 'zod';
