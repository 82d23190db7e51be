// Temporal's core encodes a failure's message and stack as protobuf strings: a lone UTF-16
// surrogate there makes the whole activity completion undecodable and stops the worker
// ("Cannot decode Completion from buffer: InvalidString"). A task's error may carry any text,
// so it is reported with such code points (and U+0000, as stored) replaced by U+FFFD.
import { isStorableText, storableText } from '../db/storable.js';

/** The same error, its message, name and stack (and its causes') made encodable in place. */
export function encodableError<T>(error: T): T {
  const seen = new Set<unknown>();
  for (let current: unknown = error; current instanceof Error && !seen.has(current); current = current.cause) {
    seen.add(current);
    if (!isStorableText(current.message)) current.message = storableText(current.message);
    if (current.stack !== undefined && !isStorableText(current.stack)) current.stack = storableText(current.stack);
    if (!isStorableText(current.name)) current.name = storableText(current.name);
  }
  return error;
}
