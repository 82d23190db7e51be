/** A run's priority: 1 runs first … 5 last. Temporal's priorityKey uses the same scale and default. */
export const DEFAULT_PRIORITY = 3;
export const PRIORITIES = { high: 1, normal: 3, low: 5 } as const;
