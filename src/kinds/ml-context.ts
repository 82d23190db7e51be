// A KindContext over a task's `ml`: what a task file's task or a DAG kind node hands its kind.
import type { Ml } from '../tasks/ml.types.js';
import type { KindContext, KindLogLevel } from './types.js';

export function kindContextFromMl(ml: Ml, env: KindContext['env']): KindContext {
  const write: Record<KindLogLevel, (message: string) => void> = {
    info: ml.info,
    warn: ml.warn,
    danger: ml.danger,
    success: ml.success,
    // `ml` has no system level; a plain line is the nearest.
    system: ml.log,
  };
  return {
    log: (level, message) => write[level](message),
    signal: ml.signal,
    // The attempt heartbeats on its own (task-attempt.ts): nothing to add here.
    heartbeat: () => undefined,
    env,
  };
}
