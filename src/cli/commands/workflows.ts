import { Command } from 'commander';
import { contextOf, withExamples } from '../context.js';
import { CliError, usageError } from '../errors.js';
import { readDefinitionFile } from '../definition-file.js';
import { fields, print, printJson, printList, shortTime, textOrJsonOption } from '../output.js';
import { addStartOptions, startAndReport, type StartOptions } from './trigger.js';

interface WorkflowView {
  slug: string;
  version: number;
  status: string;
  createdAt: string;
  definition?: unknown;
  versions?: number[];
  name?: string | null;
  latestVersion?: number;
  activeVersion?: number | null;
}

const path = (slug: string, rest = '') => `/api/workflows/${encodeURIComponent(slug)}${rest}`;

function pushCommand(): Command {
  const command = new Command('push')
    .description('create a workflow from a definition file, or add a version to an existing one')
    .argument('<file>', 'a .json, .yaml or .yml definition')
    .addOption(textOrJsonOption())
    .action(async (file: string, options: { output: string }, self: Command) => {
      const ctx = contextOf(self);
      const definition = await readDefinitionFile(file);
      let created: WorkflowView;
      try {
        created = await ctx.api.request<WorkflowView>('POST', '/api/workflows', definition);
      } catch (error) {
        if (!(error instanceof CliError && error.code === 'workflow_exists')) throw error;
        created = await ctx.api.request<WorkflowView>('PUT', path(String(definition.slug)), definition);
      }
      if (options.output === 'json') return printJson(created);
      print(`${created.slug} version ${created.version} (${created.status})${created.status === 'draft' ? `; activate it: conveyor workflows activate ${created.slug} ${created.version}` : ''}`);
    });
  return withExamples(command, 'conveyor workflows push onboard.yaml');
}

function listCommand(): Command {
  const command = new Command('list')
    .description('workflows with their latest and active versions')
    .addOption(textOrJsonOption())
    .action(async (options: { output: string }, self: Command) => {
      const { workflows } = await contextOf(self).api.request<{ workflows: WorkflowView[] }>('GET', '/api/workflows');
      printList(options.output, workflows, 'no workflows', ['SLUG', 'NAME', 'LATEST', 'ACTIVE'], (w) => [w.slug, w.name ?? '', String(w.latestVersion ?? '-'), String(w.activeVersion ?? '-')]);
    });
  return withExamples(command, 'conveyor workflows list -o json');
}

function showCommand(): Command {
  const command = new Command('show')
    .description('one version of a workflow (the latest unless --version) with its definition')
    .argument('<slug>')
    .option('--version <n>', 'this version')
    .addOption(textOrJsonOption())
    .action(async (slug: string, options: { version?: string; output: string }, self: Command) => {
      const workflow = await contextOf(self).api.request<WorkflowView>('GET', path(slug), undefined, { version: options.version });
      if (options.output === 'json') return printJson(workflow);
      print(fields([['slug', workflow.slug], ['version', workflow.version], ['status', workflow.status], ['versions', workflow.versions?.join(', ')], ['created', shortTime(workflow.createdAt)]]));
      print(JSON.stringify(workflow.definition, null, 2));
    });
  return withExamples(command, 'conveyor workflows show onboard --version 2');
}

function activateCommand(): Command {
  const command = new Command('activate')
    .description('make a version the one new runs use (validated again)')
    .argument('<slug>')
    .argument('<version>')
    .action(async (slug: string, version: string, _options: unknown, self: Command) => {
      const n = Number(version);
      if (!Number.isInteger(n) || n < 1) throw usageError('<version> must be a positive integer');
      await contextOf(self).api.request('POST', path(slug, '/activate'), { version: n });
      print(`${slug} version ${n} is active`);
    });
  return withExamples(command, 'conveyor workflows activate onboard 2');
}

function runCommand(): Command {
  const command = new Command('run').description("start a run of the workflow's active version").argument('<slug>');
  addStartOptions(command)
    .option('--concurrency-key <key>', "count the run against this key instead of the workflow's concurrency key expression")
    .action(async (slug: string, options: StartOptions, self: Command) => {
      process.exitCode = await startAndReport(self, path(slug, '/execute'), options);
    });
  return withExamples(command, `conveyor workflows run onboard --input '{"userId":"u1"}' --follow`);
}

function approveCommand(): Command {
  const command = new Command('approve')
    .description('approve (or --reject) a waiting approval node')
    .argument('<runId>')
    .argument('<nodeId>')
    .option('--reject', 'reject instead of approving')
    .option('--comment <text>', 'a comment kept with the decision')
    .action(async (runId: string, nodeId: string, options: { reject?: boolean; comment?: string }, self: Command) => {
      const body = { approved: !options.reject, ...(options.comment ? { comment: options.comment } : {}) };
      await contextOf(self).api.request('POST', `/api/runs/${encodeURIComponent(runId)}/nodes/${encodeURIComponent(nodeId)}/approve`, body);
      print(`${options.reject ? 'rejected' : 'approved'}: ${runId} ${nodeId}`);
    });
  return withExamples(command, 'conveyor workflows approve run_01h… review --comment "looks good"', 'conveyor workflows approve run_01h… review --reject');
}

function pauseResumeCommand(action: 'pause' | 'resume'): Command {
  const command = new Command(action)
    .description(action === 'pause' ? 'start no new node of a workflow run (running ones finish)' : 'let a paused workflow run go on')
    .argument('<runId>')
    .action(async (runId: string, _options: unknown, self: Command) => {
      await contextOf(self).api.request('POST', `/api/runs/${encodeURIComponent(runId)}/${action}`, {});
      print(`${action === 'pause' ? 'paused' : 'resumed'}: ${runId}`);
    });
  return withExamples(command, `conveyor workflows ${action} run_01h…`);
}

export function workflowsCommand(): Command {
  const command = new Command('workflows').description('DAG workflows: push definitions, activate versions, run, approve, pause');
  for (const sub of [pushCommand(), listCommand(), showCommand(), activateCommand(), runCommand(), approveCommand(), pauseResumeCommand('pause'), pauseResumeCommand('resume')]) command.addCommand(sub);
  return withExamples(command, 'conveyor workflows push onboard.json', 'conveyor workflows run onboard --follow');
}
