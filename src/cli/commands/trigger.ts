import { Command, Option } from 'commander';
import { contextOf, runLink, withExamples } from '../context.js';
import { EXIT } from '../errors.js';
import { priorityOption, readJsonInput } from '../input.js';
import { printJson } from '../output.js';
import { watchRun, type RunView } from '../run-outcome.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

export interface StartOptions {
  input?: string;
  idempotencyKey?: string;
  delay?: string;
  ttl?: string;
  tag?: string[];
  priority?: string;
  concurrencyKey?: string;
  wait?: boolean;
  follow?: boolean;
  output?: string;
}

/** The trigger flags shared by `trigger` and `workflows run`. */
export function addStartOptions(command: Command): Command {
  return command
    .option('-i, --input <json|@file|@->', 'inputs: JSON, @file with JSON, or @- to read JSON from stdin')
    .option('--idempotency-key <key>', 'a second trigger with the same key returns the first run')
    .option('--delay <duration|iso>', 'start later: "30s", "5m" or an ISO time')
    .option('--ttl <duration>', 'expire the run if it has not started by then, e.g. "5m"')
    .option('--tag <tag>', 'tag the run (repeatable)', collect)
    .option('--priority <1-5|high|normal|low>', 'the order queued runs take a slot: 1 (high) first, 5 (low) last; default 3')
    .option('--wait', 'wait for the run to end; exit 0 only if it completed')
    .option('-f, --follow', 'stream the run\'s logs until it ends; exit 0 only if it completed')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'));
}

/** POSTs a start request, prints the run id and link, then waits or follows as asked. */
export async function startAndReport(command: Command, path: string, options: StartOptions): Promise<number> {
  const ctx = contextOf(command);
  const inputs = await readJsonInput(options.input);
  const body = {
    // No --input: an empty object, so a task whose input fields all have defaults runs as is.
    inputs: inputs ?? {},
    ...(options.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {}),
    ...(options.delay ? { delay: options.delay } : {}),
    ...(options.ttl ? { ttl: options.ttl } : {}),
    ...(options.tag?.length ? { tags: options.tag } : {}),
    ...(options.priority !== undefined ? { priority: priorityOption(options.priority) } : {}),
    ...(options.concurrencyKey !== undefined ? { concurrencyKey: options.concurrencyKey } : {}),
  };
  const run = await ctx.api.request<RunView>('POST', path, body);
  if (options.output === 'json' && !options.follow && !options.wait) {
    printJson(run);
    return EXIT.ok;
  }
  // The run id alone on stdout's first line, so `$(conveyor trigger x | head -1)` works.
  process.stdout.write(`${run.id}\n`);
  process.stdout.write(`${ctx.style.dim(`${run.status}  ${runLink(ctx, run)}`)}\n`);
  if (!options.follow && !options.wait) return EXIT.ok;
  return watchRun(ctx, run.id, { printLogs: options.follow === true });
}

export function triggerCommand(): Command {
  const command = new Command('trigger').description('start a run of a task; prints its id and dashboard link').argument('<task>', 'the task slug');
  addStartOptions(command)
    .option('--concurrency-key <key>', 'count the run against this concurrency key instead of the task\'s key expression')
    .action(async (task: string, options: StartOptions, self: Command) => {
      process.exitCode = await startAndReport(self, `/api/tasks/${encodeURIComponent(task)}`, options);
    });
  return withExamples(
    command,
    `conveyor trigger hello --input '{"name":"Ada"}' --follow`,
    `echo '{"name":"Ada"}' | conveyor trigger hello --input @- --tag demo`,
    'conveyor trigger resize-images --input @job.json --delay 5m --ttl 1h',
    'conveyor trigger sync-customer --input \'{"id":42}\' --priority high --concurrency-key customer-42',
  );
}
