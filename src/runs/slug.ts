// The slug of a task or a workflow definition: what names it in URLs, schedules and runs.
// (Migration 0004 keeps its own frozen copy in its CHECK constraint.)

/** Letters, digits, `-` and `_`, starting with a letter or digit; at most 100 characters. */
export const SLUG_PATTERN = /^[a-z0-9][a-z0-9_-]{0,99}$/i;
export const SLUG_RULE = 'slug: letters, digits, - and _ only, at most 100 characters';
