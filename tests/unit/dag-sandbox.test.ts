import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// The interpreter runs in Temporal's deterministic sandbox: everything it needs from src/dag
// (and what that imports, transitively) must be pure TypeScript, without zod or Node built-ins.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/dag');
const RUNTIME = ['expression.ts', 'template.ts', 'scheduler.ts', 'plan.ts', 'graph.ts', 'join-state.ts'];

function valueImports(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  return [...source.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?from\s+'([^']+)'/gm)].map((m) => m[1]);
}

describe('dag runtime modules are sandbox-safe', () => {
  it('import nothing but relative pure modules, transitively', () => {
    const seen = new Set<string>();
    const queue = RUNTIME.map((f) => path.join(root, f));
    while (queue.length > 0) {
      const file = queue.pop() as string;
      if (seen.has(file)) continue;
      seen.add(file);
      for (const spec of valueImports(file)) {
        assert.ok(spec.startsWith('.'), `${path.relative(root, file)} imports ${spec}`);
        queue.push(path.resolve(path.dirname(file), spec.replace(/\.js$/, '.ts')));
      }
    }
    assert.ok(seen.size >= RUNTIME.length + 3);
    assert.ok(![...seen].some((f) => f.endsWith('definition.ts')));
  });
});
