// Concurrency tests' fixtures, and the most attempts running at once from the tasks' own timestamps.
import path from 'node:path';

export const CONCURRENCY_TASKS = path.resolve('tests/fixtures/concurrency-tasks');

export interface Interval {
  startedAt: number;
  endedAt: number;
}

export function maxOverlap(intervals: Interval[]): number {
  // An end sorts before a start at the same millisecond: the slot was freed before it was taken.
  const events = intervals.flatMap((i) => [{ at: i.startedAt, delta: 1 }, { at: i.endedAt, delta: -1 }]).sort((a, b) => a.at - b.at || a.delta - b.delta);
  let running = 0;
  let max = 0;
  for (const e of events) {
    running += e.delta;
    max = Math.max(max, running);
  }
  return max;
}
