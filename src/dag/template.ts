// Node input templates. In a node's `inputs`, at any depth, a string that is exactly
// "{{ path }}" becomes the value at that path (any JSON type: an array stays an array),
// and "text {{ path }} text" interpolates the values as text. Paths are the ones
// conditions use (parser.ts). Pure TypeScript, usable in Temporal's workflow sandbox.
import { ExpressionError, type PathExpr } from './ast.js';
import { resolvePath, type EvalContext } from './evaluate.js';
import { parsePath } from './parser.js';

// Lazy, so "{{ a }} and {{ b }}" is two templates, not one from the first {{ to the last }}.
const TEMPLATE = /\{\{(.*?)\}\}/g;

interface Template {
  whole: boolean;
  parts: { start: number; end: number; path: PathExpr }[];
}

/** The templates in one string, parsed; undefined when it has none. `where` names it in errors. */
function parseTemplate(text: string, where: string): Template | undefined {
  const parts: Template['parts'] = [];
  for (const match of text.matchAll(TEMPLATE)) {
    const start = match.index;
    try {
      parts.push({ start, end: start + match[0].length, path: parsePath(match[1]) });
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw error;
      // Positions count from the start of the whole string, so a UI can point at them.
      const position = error.position === undefined ? undefined : start + 2 + error.position;
      throw new ExpressionError(`${where}: invalid template ${JSON.stringify(match[0])}: ${error.message}`, position);
    }
  }
  if (parts.length === 0) return undefined;
  return { whole: parts.length === 1 && parts[0].start === 0 && parts[0].end === text.length, parts };
}

/** How a value reads inside text: strings as they are, absent as nothing, objects as JSON. */
function asText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function resolveString(text: string, where: string, ctx: EvalContext): unknown {
  const template = parseTemplate(text, where);
  if (template === undefined) return text;
  // An absent value becomes null: JSON (and so Temporal payloads) has no undefined.
  if (template.whole) return resolvePath(template.parts[0].path, ctx) ?? null;
  let out = '';
  let at = 0;
  for (const part of template.parts) {
    out += text.slice(at, part.start) + asText(resolvePath(part.path, ctx));
    at = part.end;
  }
  return out + text.slice(at);
}

function resolveValue(value: unknown, where: string, ctx: EvalContext): unknown {
  if (typeof value === 'string') return resolveString(value, where, ctx);
  if (Array.isArray(value)) return value.map((item, i) => resolveValue(item, `${where}[${i}]`, ctx));
  if (typeof value === 'object' && value !== null) {
    // fromEntries defines own properties, so even a key named "__proto__" stays data.
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolveValue(item, `${where}.${key}`, ctx)]));
  }
  return value;
}

/** A node's inputs with every template replaced. Throws ExpressionError on a malformed template. */
export function resolveInputs(inputs: Readonly<Record<string, unknown>> | undefined, ctx: EvalContext): Record<string, unknown> {
  return resolveTemplates(inputs, ctx, 'inputs');
}

/** Any fields (a task kind's spec) with every template replaced; `where` prefixes error positions. */
export function resolveTemplates(fields: Readonly<Record<string, unknown>> | undefined, ctx: EvalContext, where: string): Record<string, unknown> {
  return resolveValue(fields ?? {}, where, ctx) as Record<string, unknown>;
}

export interface TemplateReferences {
  /** Node ids read by `nodes.<id>...` templates, each once. */
  nodes: string[];
  /** Paths into the run's inputs read by `inputs...` templates, as segments (`inputs.a[0]` is ['a', '0']), each once. */
  inputs: string[][];
}

/** What a node's input templates read, for validation. Throws ExpressionError on a malformed template. */
export function templateReferences(inputs: Readonly<Record<string, unknown>> | undefined, where = 'inputs'): TemplateReferences {
  const nodes = new Set<string>();
  const inputPaths = new Map<string, string[]>();
  const visit = (value: unknown, where: string): void => {
    if (typeof value === 'string') {
      for (const { path } of parseTemplate(value, where)?.parts ?? []) {
        const segments = path.segments.map(String);
        if (path.root === 'nodes') nodes.add(segments[0]);
        else inputPaths.set(JSON.stringify(segments), segments);
      }
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => visit(item, `${where}[${i}]`));
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) visit(item, `${where}.${key}`);
    }
  };
  visit(inputs ?? {}, where);
  return { nodes: [...nodes], inputs: [...inputPaths.values()] };
}
