// Every workflow the worker registers. Deterministic code only (see eslint.config.js).
export { taskRun, cancelSignal } from './task-run.js';
export { dagRun } from './dag-run.js';
