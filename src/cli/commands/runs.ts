import { Command, Option } from 'commander';
import { toMs } from '../../tasks/duration.js';
import { contextOf, runLink, withExamples, type CliContext } from '../context.js';
import { usageError } from '../errors.js';
import { fields, formatMs, parseOutputFormat, print, printJson, printList, table, shortTime, textOrJsonOption } from '../output.js';
import type { RunView } from '../run-outcome.js';

interface ListedRun extends RunView {
  triggeredBy: string;
  tags: string[];
  createdAt: string;
}

interface ListOptions {
  status?: string;
  task?: string;
  tag?: string;
  since?: string;
  limit: string;
  output: string;
}

const PAGE = 200;

/** Pages through GET /api/runs (newest first) until `limit` runs, or the first one older than `since`. */
async function listRuns(ctx: CliContext, options: ListOptions): Promise<ListedRun[]> {
  const limit = Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1) throw usageError('--limit must be a positive integer');
  let since: number | undefined;
  if (options.since !== undefined) {
    try {
      since = Date.now() - toMs(options.since, '--since');
    } catch (error) {
      throw usageError((error as Error).message);
    }
  }
  const runs: ListedRun[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await ctx.api.request<{ runs: ListedRun[]; nextCursor: string | null }>('GET', '/api/runs', undefined, {
      status: options.status, task: options.task, tag: options.tag, limit: Math.min(PAGE, limit - runs.length), cursor,
    });
    for (const run of page.runs) {
      if (since !== undefined && Date.parse(run.createdAt) < since) return runs;
      runs.push(run);
    }
    if (!page.nextCursor || runs.length >= limit) return runs;
    cursor = page.nextCursor;
  }
}

function listCommand(): Command {
  const command = new Command('list')
    .description('runs, newest first')
    .option('--status <status>', 'only runs in this state (pending, running, retrying, complete, failed, timeout, cancelled, expired)')
    .option('--task <slug>', 'only runs of this task')
    .option('--tag <tag>', 'only runs with this tag')
    .option('--since <duration>', 'only runs created in the last duration, e.g. 1h, 30m')
    .option('--limit <n>', 'at most this many runs', '50')
    .addOption(new Option('-o, --output <format>', 'table, json or jsonl').default('table'))
    .action(async (options: ListOptions, self: Command) => {
      const format = parseOutputFormat(options.output);
      const runs = await listRuns(contextOf(self), options);
      if (format === 'jsonl') return runs.forEach((run) => print(JSON.stringify(run)));
      printList(format, runs, 'no runs', ['ID', 'TASK', 'STATUS', 'ATTEMPT', 'CREATED', 'DURATION', 'TAGS'], (r) => [r.id, r.task, r.status, String(r.attempt ?? 0), shortTime(r.createdAt), formatMs(r.durationMs), r.tags.join(',')]);
    });
  return withExamples(command, 'conveyor runs list --status failed --since 1h', 'conveyor runs list --task hello --limit 5 -o jsonl');
}

function getCommand(): Command {
  const command = new Command('get')
    .description('one run: status, inputs, result, error, timings')
    .argument('<id>', 'the run id')
    .addOption(textOrJsonOption())
    .action(async (id: string, options: { output: string }, self: Command) => {
      const ctx = contextOf(self);
      const run = await ctx.api.request<Record<string, unknown> & ListedRun>('GET', `/api/runs/${encodeURIComponent(id)}`);
      if (options.output === 'json') return printJson(run);
      const keys = ['id', 'kind', 'task', 'status', 'attempt', 'triggeredBy', 'tags', 'inputs', 'result', 'error', 'createdAt', 'startedAt', 'completedAt', 'durationMs', 'rerunOf', 'waitingForWorker'];
      print(fields([...keys.map((k): [string, unknown] => [k, run[k]]), ['link', runLink(ctx, run)]]));
      if (Array.isArray(run.steps)) {
        print();
        const steps = run.steps as Array<{ nodeId: string; status: string; attempt?: number; error?: { message?: string } | null }>;
        print(table(['NODE', 'STATUS', 'ATTEMPT', 'ERROR'], steps.map((s) => [s.nodeId, s.status, String(s.attempt ?? 0), s.error?.message?.split('\n')[0] ?? ''])));
      }
    });
  return withExamples(command, 'conveyor runs get run_01h… -o json');
}

function cancelCommand(): Command {
  const command = new Command('cancel')
    .description('cancel a run; it ends `cancelled` with the reason logged')
    .argument('<id>', 'the run id')
    .option('--reason <text>', 'why (logged on the run)')
    .action(async (id: string, options: { reason?: string }, self: Command) => {
      const ctx = contextOf(self);
      await ctx.api.request('POST', `/api/runs/${encodeURIComponent(id)}/cancel`, options.reason ? { reason: options.reason } : {});
      print(`cancel requested: ${id}`);
    });
  return withExamples(command, 'conveyor runs cancel run_01h… --reason "not needed"');
}

function rerunCommand(): Command {
  const command = new Command('rerun')
    .description('start a new run with the same inputs and tags (a workflow run: optionally from one node on)')
    .argument('<id>', 'the run id')
    .option('--from-node <node>', 'workflow runs: reuse the outputs upstream of this node, execute the rest')
    .action(async (id: string, options: { fromNode?: string }, self: Command) => {
      const ctx = contextOf(self);
      const run = await ctx.api.request<RunView>('POST', `/api/runs/${encodeURIComponent(id)}/rerun`, options.fromNode ? { fromNode: options.fromNode } : {});
      print(run.id);
      print(ctx.style.dim(`${run.status}  ${runLink(ctx, run)}`));
    });
  return withExamples(command, 'conveyor runs rerun run_01h…', 'conveyor runs rerun run_01h… --from-node mail');
}

export function runsCommand(): Command {
  const command = new Command('runs').description('list, inspect, cancel and re-run runs');
  for (const sub of [listCommand(), getCommand(), cancelCommand(), rerunCommand()]) command.addCommand(sub);
  return withExamples(command, 'conveyor runs list --status failed', 'conveyor runs get <id>');
}
