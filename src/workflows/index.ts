// Every workflow the worker registers. Deterministic code only (see eslint.config.js).
export { taskRun } from './task-run.js';
export { cancelSignal } from './cancel-signal.js';
export { dagRun } from './dag-run.js';
