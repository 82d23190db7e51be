// A KindContext for calling a kind directly: it records log lines and can be cancelled.
import type { KindContext, KindLogLevel } from '../../src/kinds/types.js';

export interface RecordingContext extends KindContext {
  lines: { level: KindLogLevel; message: string }[];
  cancel(): void;
}

export function recordingContext(env: Record<string, string | undefined> = {}): RecordingContext {
  const controller = new AbortController();
  const lines: RecordingContext['lines'] = [];
  return {
    lines,
    log: (level, message) => lines.push({ level, message }),
    signal: controller.signal,
    heartbeat: () => undefined,
    env,
    cancel: () => controller.abort(new Error('cancelled by the test')),
  };
}
