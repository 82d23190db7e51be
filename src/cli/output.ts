// How commands print: a table (or `key: value` lines) for people, JSON for programs.
import { Option } from 'commander';
import { usageError } from './errors.js';

export const OUTPUT_FORMATS = ['table', 'json', 'jsonl'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export function parseOutputFormat(value: string): OutputFormat {
  if ((OUTPUT_FORMATS as readonly string[]).includes(value)) return value as OutputFormat;
  throw usageError(`-o must be one of ${OUTPUT_FORMATS.join(', ')} (got ${JSON.stringify(value)})`);
}

export const print = (line = '') => void process.stdout.write(`${line}\n`);
export const printJson = (value: unknown) => print(JSON.stringify(value, null, 2));

/** `-o text|json`, for the commands that print one thing or a short list. */
export const textOrJsonOption = () => new Option('-o, --output <format>', 'text or json').choices(['text', 'json']).default('text');

/** A list as JSON, or a table, or `empty` when there is nothing. */
export function printList<T>(format: string, items: T[], empty: string, headers: string[], row: (item: T) => string[]): void {
  if (format === 'json') return printJson(items);
  print(items.length === 0 ? empty : table(headers, items.map(row)));
}

/** Columns padded to their widest cell; the header first. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

/** `key: value` lines, nested values as compact JSON. */
export function fields(entries: Array<[string, unknown]>): string {
  const width = Math.max(...entries.map(([k]) => k.length));
  return entries
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${`${k}:`.padEnd(width + 1)} ${v === null ? '-' : typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join('\n');
}

export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '-';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** Local time, seconds precision: what a person scanning a list wants. */
export function shortTime(iso: string | null | undefined): string {
  if (!iso) return '-';
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
