// The dashboard's files, read once and kept in memory with their gzip form: a few hundred KB
// in all, so every request is a lookup, and compression costs nothing per request.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export interface Asset {
  body: Buffer;
  gzip: Buffer;
  type: string;
  etag: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

export const PUBLIC_DIR = fileURLToPath(new URL('./public/', import.meta.url));

/**
 * The browser libraries, served from node_modules under fixed names (no build step, no CDN).
 * The import map in index.html maps the bare names ("preact", …) to these URLs.
 */
export const VENDOR: Record<string, [pkg: string, file: string]> = {
  'preact.mjs': ['preact', 'dist/preact.mjs'],
  'preact-hooks.mjs': ['preact', 'hooks/dist/hooks.mjs'],
  'htm.mjs': ['htm', 'dist/htm.mjs'],
  'marked.mjs': ['marked', 'lib/marked.esm.js'],
  'purify.mjs': ['dompurify', 'dist/purify.es.mjs'],
};

/** A file of an installed package, looked up the way Node looks up the package itself. */
function packageFile(pkg: string, file: string): string {
  const require = createRequire(import.meta.url);
  for (const dir of require.resolve.paths(pkg) ?? []) {
    const candidate = path.join(dir, pkg, file);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`dashboard: ${pkg}/${file} not found (npm install)`);
}

export function makeAsset(body: Buffer, file: string): Asset {
  return {
    body,
    gzip: gzipSync(body, { level: 9 }),
    type: TYPES[path.extname(file)] ?? 'application/octet-stream',
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
  };
}

function walk(dir: string, prefix: string, into: Map<string, Asset>): void {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) walk(full, `${prefix}${name}/`, into);
    else into.set(`/${prefix}${name}`, makeAsset(readFileSync(full), name));
  }
}

/** URL path → asset: /app/**, /styles.css, /vendor/*. index.html is served apart (see serve.ts). */
export function loadAssets(): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  walk(PUBLIC_DIR, '', assets);
  for (const [name, [pkg, relative]] of Object.entries(VENDOR)) {
    const file = packageFile(pkg, relative);
    assets.set(`/vendor/${name}`, makeAsset(readFileSync(file), file));
  }
  return assets;
}

function importMapText(html: string): string {
  const match = /<script type="importmap">([\s\S]*?)<\/script>/.exec(html);
  if (!match) throw new Error('dashboard index.html has no import map');
  return match[1];
}

/** The sha256 CSP source of the inline import map, so the CSP can allow it without 'unsafe-inline'. */
export function importMapHash(html: string): string {
  return `'sha256-${createHash('sha256').update(importMapText(html)).digest('base64')}'`;
}

export function importMapOf(html: string): Record<string, string> {
  return (JSON.parse(importMapText(html)) as { imports: Record<string, string> }).imports;
}
