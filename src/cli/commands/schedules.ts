import { Command, Option } from 'commander';
import { contextOf, withExamples } from '../context.js';
import { usageError } from '../errors.js';
import { priorityOption, readJsonInput } from '../input.js';
import { fields, print, printJson, printList, shortTime, textOrJsonOption } from '../output.js';

interface ScheduleView {
  id: string;
  task?: string | null;
  workflow?: string | null;
  cron: string | null;
  every: string | null;
  timezone: string;
  paused: boolean;
  nextActionTimes: string[];
  recentRuns: Array<{ id: string; startedAt: string }>;
  [key: string]: unknown;
}

const OVERLAPS = ['skip', 'buffer_one', 'buffer_all', 'cancel_other', 'allow_all'];
const path = (id: string, rest = '') => `/api/schedules/${encodeURIComponent(id)}${rest}`;

function printSchedule(format: string, schedule: ScheduleView): void {
  if (format === 'json') return printJson(schedule);
  print(fields([
    ['id', schedule.id],
    [schedule.workflow ? 'workflow' : 'task', schedule.workflow ?? schedule.task],
    ['cron', schedule.cron ?? undefined],
    ['every', schedule.every ?? undefined],
    ['timezone', schedule.timezone],
    ['overlap', schedule.overlap],
    ['catchup window', schedule.catchupWindow],
    ['paused', schedule.paused],
    ['priority', schedule.priority],
    ['concurrency key', schedule.concurrencyKey ?? undefined],
    ['inputs', schedule.inputs],
    ['next', schedule.nextActionTimes.map(shortTime).join(', ') || '-'],
    ['recent runs', schedule.recentRuns.map((r) => r.id).join(', ') || '-'],
  ]));
}

function listCommand(): Command {
  const command = new Command('list')
    .description('schedules, with their next action times')
    .addOption(textOrJsonOption())
    .action(async (options: { output: string }, self: Command) => {
      const { schedules } = await contextOf(self).api.request<{ schedules: ScheduleView[] }>('GET', '/api/schedules');
      printList(options.output, schedules, 'no schedules', ['ID', 'TARGET', 'WHEN', 'PAUSED', 'NEXT'], (s) => [s.id, s.workflow ? `workflow ${s.workflow}` : String(s.task), s.cron ?? `every ${s.every}`, s.paused ? 'yes' : 'no', shortTime(s.nextActionTimes[0])]);
    });
  return withExamples(command, 'conveyor schedules list');
}

function getCommand(): Command {
  const command = new Command('get')
    .description('one schedule with its next action times and recent runs')
    .argument('<id>')
    .addOption(textOrJsonOption())
    .action(async (id: string, options: { output: string }, self: Command) => {
      printSchedule(options.output, await contextOf(self).api.request<ScheduleView>('GET', path(id)));
    });
  return withExamples(command, 'conveyor schedules get nightly-report -o json');
}

interface SpecOptions {
  cron?: string;
  every?: string;
  timezone?: string;
  input?: string;
  overlap?: string;
  catchupWindow?: string;
  priority?: string;
  concurrencyKey?: string;
  output: string;
}

/** The flags `create` and `update` share: when, inputs and policies. */
function addSpecOptions(command: Command): Command {
  return command
    .option('--cron <expression>', 'when, as cron: "0 3 * * *"')
    .option('--every <duration>', 'or every duration: "15m"')
    .option('--timezone <tz>', 'time zone of the cron expression, e.g. Europe/Paris')
    .option('-i, --input <json|@file|@->', 'inputs of every run')
    .addOption(new Option('--overlap <policy>', 'when a run is still going').choices(OVERLAPS))
    .option('--catchup-window <duration>', 'how late a missed action may still start')
    .option('--priority <1-5|high|normal|low>', "the runs' order for a concurrency slot: 1 (high) first, 5 (low) last; default 3")
    .option('--concurrency-key <key>', 'count the runs against this key instead of the concurrency key expression')
    .addOption(textOrJsonOption());
}

/** The request body: the flags given, nothing else (absent means "unchanged" to PATCH). */
async function specBody(options: SpecOptions, extra: Record<string, unknown>): Promise<Record<string, unknown>> {
  const inputs = await readJsonInput(options.input);
  const { cron, every, timezone, overlap, catchupWindow, concurrencyKey } = options;
  const priority = options.priority === undefined ? undefined : priorityOption(options.priority);
  return Object.fromEntries(Object.entries({ ...extra, cron, every, timezone, inputs, overlap, catchupWindow, priority, concurrencyKey }).filter(([, v]) => v !== undefined));
}

function createCommand(): Command {
  const command = new Command('create')
    .description('a Temporal Schedule that starts runs of a task (or of a workflow\'s active version)')
    .option('--id <id>', 'the schedule id (generated unless given)')
    .option('--task <slug>', 'run this task')
    .option('--workflow <slug>', 'run this workflow')
    .option('--paused', 'create it paused');
  addSpecOptions(command).action(async (options: SpecOptions & { id?: string; task?: string; workflow?: string; paused?: boolean }, self: Command) => {
    if ((options.task === undefined) === (options.workflow === undefined)) throw usageError('give exactly one of --task and --workflow');
    if ((options.cron === undefined) === (options.every === undefined)) throw usageError('give exactly one of --cron and --every');
    const body = await specBody(options, { id: options.id, task: options.task, workflow: options.workflow, paused: options.paused });
    printSchedule(options.output, await contextOf(self).api.request<ScheduleView>('POST', '/api/schedules', body));
  });
  return withExamples(command, `conveyor schedules create --id nightly --task report --cron '0 3 * * *' --timezone Europe/Paris`, 'conveyor schedules create --task hello --every 15m --input \'{"name":"Ada"}\'', 'conveyor schedules create --workflow onboard --every 1h --priority low --concurrency-key nightly');
}

function updateCommand(): Command {
  const command = new Command('update').description('change when a schedule fires, its inputs or its policies (its id and target stay)').argument('<id>');
  addSpecOptions(command).action(async (id: string, options: SpecOptions, self: Command) => {
    if (options.cron !== undefined && options.every !== undefined) throw usageError('give --cron or --every, not both');
    printSchedule(options.output, await contextOf(self).api.request<ScheduleView>('PATCH', path(id), await specBody(options, {})));
  });
  return withExamples(command, 'conveyor schedules update nightly --cron \'0 4 * * *\' --overlap buffer_one');
}

function simpleCommand(name: 'pause' | 'unpause' | 'trigger' | 'delete', description: string, done: string): Command {
  const command = new Command(name)
    .description(description)
    .argument('<id>')
    .action(async (id: string, _options: unknown, self: Command) => {
      const api = contextOf(self).api;
      if (name === 'delete') await api.request('DELETE', path(id));
      else await api.request('POST', path(id, `/${name}`), {});
      print(`${done}: ${id}`);
    });
  return withExamples(command, `conveyor schedules ${name} nightly`);
}

function backfillCommand(): Command {
  const command = new Command('backfill')
    .description('start the runs a past window would have started')
    .argument('<id>')
    .requiredOption('--start <iso>', 'window start, e.g. 2025-01-01T00:00:00Z')
    .requiredOption('--end <iso>', 'window end')
    .addOption(new Option('--overlap <policy>', 'overlap policy for the backfill').choices(OVERLAPS))
    .action(async (id: string, options: { start: string; end: string; overlap?: string }, self: Command) => {
      await contextOf(self).api.request('POST', path(id, '/backfill'), { start: options.start, end: options.end, ...(options.overlap ? { overlap: options.overlap } : {}) });
      print(`backfill started: ${id} ${options.start} → ${options.end}`);
    });
  return withExamples(command, 'conveyor schedules backfill nightly --start 2025-01-01T00:00:00Z --end 2025-01-08T00:00:00Z');
}

export function schedulesCommand(): Command {
  const command = new Command('schedules').description('Temporal Schedules of tasks and workflows');
  for (const sub of [
    listCommand(),
    getCommand(),
    createCommand(),
    updateCommand(),
    simpleCommand('pause', 'pause a schedule', 'paused'),
    simpleCommand('unpause', 'resume a paused schedule', 'unpaused'),
    simpleCommand('trigger', 'start a run now', 'triggered'),
    backfillCommand(),
    simpleCommand('delete', 'delete a schedule', 'deleted'),
  ]) command.addCommand(sub);
  return withExamples(command, 'conveyor schedules create --task hello --every 1h', 'conveyor schedules list');
}
