// One run log line as text: levels coloured, markdown shown as plain text, JSON pretty-printed.
import type { Style } from './style.js';

export interface LogLineView {
  seq: number;
  nodeId?: string;
  attempt: number;
  level: string;
  message?: string | null;
  data?: unknown;
  createdAt: string;
}

/** Markdown as a terminal shows it best: markers dropped, links as `text (url)`. */
export function markdownToText(markdown: string): string {
  return markdown
    .replace(/^```.*$/gm, '')
    .replace(/^#{1,6}\s+/gm, '')
    .replace(/!?\[([^\]]*)\]\(([^)]+)\)/g, '$1 ($2)')
    .replace(/(\*\*|__)(.+?)\1/g, '$2')
    .replace(/(^|[^\w*])[*_]([^*_\n]+)[*_](?=[^\w*]|$)/g, '$1$2')
    .replace(/`([^`]+)`/g, '$1')
    .replace(/^\s*[-*+]\s+/gm, '• ')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function levelColour(style: Style, level: string): (text: string) => string {
  switch (level) {
    case 'warn':
      return style.yellow;
    case 'danger':
    case 'error':
      return style.red;
    case 'success':
      return style.green;
    case 'info':
      return style.cyan;
    case 'system':
      return style.dim;
    default:
      return (text) => text;
  }
}

/** A logged error's stack without the frames of the SDK, Conveyor's activity and Node internals: the task's own frames. */
export function taskFrames(stack: string): string {
  return stack
    .split('\n')
    .filter((l) => !/^\s+at /.test(l) || !/node_modules\/@temporalio|node:internal|\/src\/activities\//.test(l))
    .join('\n');
}

const indent = (text: string, by: string) => text.split('\n').join(`\n${by}`);

export function formatLogLine(line: LogLineView, style: Style): string {
  const time = line.createdAt.slice(11, 23);
  const where = [line.nodeId, line.attempt > 1 ? `attempt ${line.attempt}` : undefined].filter(Boolean).join(' ');
  const prefix = `${style.dim(time)} ${levelColour(style, line.level)(line.level.padEnd(8))}${where ? ` ${style.dim(`[${where}]`)}` : ''} `;
  let body: string;
  if (line.level === 'json') body = JSON.stringify(line.data, null, 2) ?? 'null';
  else if (line.level === 'markdown') body = markdownToText(line.message ?? '');
  else body = line.message ?? '';
  if (line.level === 'error' && line.data && typeof line.data === 'object' && 'stack' in line.data) body += `\n${taskFrames(String((line.data as { stack: unknown }).stack))}`;
  return prefix + indent(body, ' '.repeat(time.length + 10));
}
