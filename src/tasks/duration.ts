/** A duration as Temporal and our task config accept it: milliseconds, or a string like '500ms', '1s', '10m', '2h', '1d'. */
export type Duration = number | `${number}${DurationUnit}` | `${number} ${DurationUnit}`;
type DurationUnit = 'ms' | 's' | 'm' | 'h' | 'd';

const UNIT_MS: Record<DurationUnit, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PATTERN = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/;

/** Parses a duration to milliseconds; throws a readable error for anything else. */
export function toMs(value: unknown, what = 'duration'): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw new Error(`${what} must be a non-negative number of milliseconds, got ${value}`);
    return value;
  }
  if (typeof value === 'string') {
    const match = PATTERN.exec(value.trim());
    if (match) return Number(match[1]) * UNIT_MS[match[2] as DurationUnit];
  }
  throw new Error(`${what} must be milliseconds or a string like '30s', '10m', '2h' — got ${JSON.stringify(value)}`);
}

export function isDuration(value: unknown): value is Duration {
  try {
    toMs(value);
    return true;
  } catch {
    return false;
  }
}

/** Milliseconds as the largest unit dividing them evenly, so the text stays exact: 60000 → '1m', 1500 → '1500ms'. */
export function formatDuration(ms: number): string {
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1_000]] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
