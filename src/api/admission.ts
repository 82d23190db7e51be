import { ApiError } from '../services/errors.js';

/** Admits `count` triggers; the returned function releases them. Over the limit: 429, never a silent queue. */
export type Admit = (count: number) => () => void;

/** One limit on triggers in flight, shared by every route that starts runs (tasks, batches, webhooks, workflows). */
export function createAdmission(maxPending: number): Admit {
  let pending = 0;
  return (count) => {
    if (pending + count > maxPending) throw new ApiError(429, 'too_many_triggers', 'too many triggers in flight; retry shortly');
    pending += count;
    let released = false;
    return () => {
      if (!released) pending -= count;
      released = true;
    };
  };
}
