// Which module files a page needs, read from the static imports of the dashboard's own files,
// so the HTML shell can list them all as <link rel="modulepreload">: the browser then fetches
// them at once instead of discovering them one import level at a time.
import path from 'node:path/posix';
import type { Asset } from './assets.js';

const STATIC_IMPORT = /(?:^|[;\s])(?:import|export)\s*(?:[\w*{}\s,$]+from\s*)?['"]([^'"]+)['"]/g;

/** The URL a specifier resolves to, through the import map's bare names. */
function resolve(specifier: string, from: string, importMap: Record<string, string>): string | undefined {
  if (importMap[specifier]) return importMap[specifier];
  if (specifier.startsWith('.')) return path.join(path.dirname(from), specifier);
  return undefined;
}

export function importsOf(url: string, assets: Map<string, Asset>, importMap: Record<string, string>): string[] {
  const source = assets.get(url)?.body.toString('utf8') ?? '';
  const found: string[] = [];
  for (const match of source.matchAll(STATIC_IMPORT)) {
    const target = resolve(match[1], url, importMap);
    if (target && assets.has(target)) found.push(target);
  }
  return found;
}

/** Every module `roots` load statically, roots included, in discovery order. */
export function moduleClosure(roots: string[], assets: Map<string, Asset>, importMap: Record<string, string>): string[] {
  const seen = new Set<string>();
  const queue = [...roots];
  while (queue.length) {
    const url = queue.shift()!;
    if (seen.has(url)) continue;
    seen.add(url);
    queue.push(...importsOf(url, assets, importMap));
  }
  return [...seen];
}
