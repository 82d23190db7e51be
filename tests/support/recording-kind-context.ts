// A KindContext for calling a kind directly: it records log lines and can be cancelled.
import assert from 'node:assert/strict';
import { KindError, type KindContext, type KindLogLevel } from '../../src/kinds/types.js';

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

/** For assert.rejects: the kind failed with a KindError of `errorClass` whose message matches `pattern`. */
export const failsWith = (errorClass: string, pattern: RegExp, check?: (e: KindError) => void) => (e: unknown) => {
  assert.ok(e instanceof KindError, `expected a KindError, got ${String(e)}`);
  assert.equal(e.errorClass, errorClass, e.message);
  assert.match(e.message, pattern);
  check?.(e);
  return true;
};
