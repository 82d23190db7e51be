// Sums the self-time of V8 CPU profiles (`node --cpu-prof`) by where the code lives: our module
// (src/…), a node_modules package, the "temporal core" bridge, or a V8 bucket (GC, program).
// Node's own internals (node:…) and built-ins (JSON.parse) are charged to their nearest caller
// that is ours or a package's, so `pg`'s socket reads count as pg. The workflow sandbox thread
// (the one running the workflow bundle) is all "workflow task"; tsx's loader thread is start-up.
//
//   npx tsx bench/profile-summary.ts <dir>… [--runs N]
// Each <dir> holds one process's profiles (one file per thread); its name labels the process.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fmt, table } from './infra.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface CpuProfile {
  startTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const V8_BUCKETS = new Set(['(garbage collector)', '(program)', '(idle)', '(root)']);
/** Loading and compiling code (tsx, esbuild, the workflow bundler): start-up, not per-run cost. */
const START_UP = /^(tsx|esbuild|get-tsconfig|webpack|webpack-sources|tapable|unionfs|memfs|@jsonjoy\.com\/.*|tree-dump|graceful-fs|browserslist|caniuse-lite|fast-uri|json-schema-traverse|@swc\/.*|swc-loader|source-map.*|terser.*|enhanced-resolve|schema-utils|ajv.*|node-loader|module loading)$/;

/** Where one frame's code lives, or undefined when it is Node's or V8's own (charged to the caller). */
export function bucketOf(url: string, functionName: string): string | undefined {
  if (V8_BUCKETS.has(functionName)) return functionName;
  if (/workflow-bundle|^evalmachine/.test(url)) return 'workflow bundle (our workflows, @temporalio/workflow)';
  if (url.startsWith('node:internal/modules') || url.includes('/internal/modules/')) return 'module loading';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const [scope, name] = url.slice(nm + '/node_modules/'.length).split('/');
    const pkg = scope.startsWith('@') ? `${scope}/${name}` : scope;
    return pkg === '@temporalio/core-bridge' ? 'temporal core' : pkg;
  }
  const repo = url.match(/\/(src|bench|tasks)\/(.+?)(\?.*)?$/);
  if (repo) return `${repo[1]}/${repo[2]}`;
  return undefined;
}

/** A measured window, in µs of the system's monotonic clock (what V8 stamps samples with). */
export interface Window {
  fromUs: number;
  toUs: number;
}

/** The monotonic clock in µs, comparable with the samples of every process on this machine. */
export const monotonicUs = (): number => Number(process.hrtime.bigint() / 1000n);

/** Self-time in ms per bucket of one thread's profile (only samples inside `window`, if given). */
export function bucketTimes(profile: CpuProfile, window?: Window): Map<string, number> {
  const parent = new Map<number, ProfileNode>();
  const byId = new Map<number, ProfileNode>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node);
  }
  const resolved = new Map<number, string>();
  const resolve = (node: ProfileNode): string => {
    const known = resolved.get(node.id);
    if (known) return known;
    const own = bucketOf(node.callFrame.url, node.callFrame.functionName);
    const up = parent.get(node.id);
    const bucket = own ?? (up && up.callFrame.functionName !== '(root)' ? resolve(up) : `node internals (${nodeArea(node.callFrame.url)})`);
    resolved.set(node.id, bucket);
    return bucket;
  };
  const times = new Map<string, number>();
  // timeDeltas[i + 1] is how long sample i was on the stack.
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i];
    if (window && (at < window.fromUs || at > window.toUs)) return;
    const bucket = resolve(byId.get(id)!);
    times.set(bucket, (times.get(bucket) ?? 0) + (profile.timeDeltas[i + 1] ?? 0) / 1000);
  });
  return times;
}

const nodeArea = (url: string): string => url.replace(/^node:(internal\/)?/, '').split('/')[0] || 'native';

/** The component of the run path a bucket's time belongs to (the closing-note table). */
export function componentOf(processName: string, bucket: string, sandboxThread: boolean): string {
  if (bucket === '(idle)') return 'idle';
  if (START_UP.test(bucket)) return 'start-up (excluded)';
  if (sandboxThread) return 'workflow task (sandbox thread)';
  if (bucket === '(garbage collector)') return 'GC';
  if (bucket === '(program)' || bucket === 'temporal core') return 'temporal core + native';
  if (bucket === 'src/activities/log-buffer.ts' || bucket === 'src/db/logs.repository.ts') return 'log flush';
  if (/^(pg|pg-.*|postgres-.*|kysely|src\/db\/.*)$/.test(bucket)) return processName.startsWith('api') ? 'row insert (db)' : 'activity bookkeeping (db)';
  if (/^src\/activities\//.test(bucket) || bucket === '@temporalio/activity') return 'activity bookkeeping (code)';
  if (/^(@temporalio\/client|@grpc\/.*|protobufjs|@protobufjs\/.*|long|@temporalio\/proto|src\/services\/trigger\.ts|src\/runs\/.*|src\/tasks\/task-options\.ts)$/.test(bucket)) {
    return processName.startsWith('api') ? 'workflow start' : 'SDK (de)serialization';
  }
  if (/^(@temporalio\/common|@temporalio\/proto)$/.test(bucket)) return 'SDK (de)serialization';
  if (/^(@temporalio\/worker|rxjs|ms|heap-js|abort-controller|@temporalio\/nexus|nexus-rpc)$/.test(bucket)) return 'SDK worker loop (activations, activity dispatch)';
  if (/^(express|body-parser|router|raw-body|iconv-lite|zod|qs|type-is|mime.*|media-typer|content-type|on-finished|finalhandler|send|debug|statuses|http-errors|depd|accepts|negotiator|vary|parseurl|encodeurl|escape-html|merge-descriptors|cookie.*|etag|fresh|range-parser|proxy-addr|forwarded|ipaddr\.js|path-to-regexp|setprototypeof|toidentifier|unpipe|ee-first|prom-client|tdigest|bintrees|src\/api\/.*|src\/services\/validate\.ts|src\/tasks\/.*)$/.test(bucket)) {
    return 'HTTP and validation';
  }
  if (/^(pino|pino-.*|sonic-boom|thread-stream|on-exit-leak-free|atomic-sleep|fast-redact|quick-format-unescaped|safe-stable-stringify|src\/logger\.ts)$/.test(bucket)) return 'logging (pino)';
  if (bucket.startsWith('node internals')) return 'node internals (sockets, timers, HTTP parser)';
  return `other (${bucket})`;
}

/** Prints, per process directory, its top modules, then the per-run component table of them all. */
export async function summarize(dirs: string[], runs: number): Promise<void> {
  const components = new Map<string, Map<string, number>>();
  const processNames: string[] = [];
  for (const dir of dirs) {
    const processName = path.basename(dir);
    processNames.push(processName);
    const files = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile'));
    // window.json (written by bench:profile): only the load counts, not start-up nor another path's turn.
    const window = await readFile(path.join(dir, 'window.json'), 'utf8').then((t) => JSON.parse(t) as Window, () => undefined);
    const buckets = new Map<string, number>();
    for (const file of files) {
      const profile = JSON.parse(await readFile(path.join(dir, file), 'utf8')) as CpuProfile;
      const sandbox = profile.nodes.some((n) => n.callFrame.url.includes('workflow-worker-thread'));
      for (const [bucket, ms] of bucketTimes(profile, window)) {
        const key = sandbox ? `(sandbox thread) ${bucket}` : bucket;
        buckets.set(key, (buckets.get(key) ?? 0) + ms);
        const component = componentOf(processName, bucket, sandbox);
        const row = components.get(component) ?? new Map<string, number>();
        row.set(processName, (row.get(processName) ?? 0) + ms);
        components.set(component, row);
      }
    }
    const top = [...buckets].filter(([b]) => !b.endsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, 25);
    console.log(`\n${processName}: ${files.length} thread profile(s), self-time by module (top 25, idle left out)\n`);
    console.log(table(['module / package', 'total ms', 'ms per run'], top.map(([b, ms]) => [b, fmt(ms), fmt(ms / runs, 3)])));
  }
  const rows = [...components].filter(([c]) => c !== 'idle').sort((a, b) => sum(b[1]) - sum(a[1]));
  const counted = rows.filter(([c]) => c !== 'start-up (excluded)');
  console.log(`\nCPU ms per run by component (${fmt(runs)} runs; start-up and idle excluded)\n`);
  console.log(
    table(
      ['component', ...processNames, 'total'],
      [...counted.map(([c, row]) => [c, ...processNames.map((p) => fmt((row.get(p) ?? 0) / runs, 3)), fmt(sum(row) / runs, 3)]),
        ['all', ...processNames.map((p) => fmt(counted.reduce((n, [, row]) => n + (row.get(p) ?? 0), 0) / runs, 3)), fmt(counted.reduce((n, [, row]) => n + sum(row), 0) / runs, 3)]],
    ),
  );
}

const sum = (row: Map<string, number>): number => [...row.values()].reduce((a, b) => a + b, 0);

if (import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const args = process.argv.slice(2);
  const runsAt = args.indexOf('--runs');
  const runs = runsAt >= 0 ? Number(args.splice(runsAt, 2)[1]) : 1;
  await summarize(args, runs);
}
