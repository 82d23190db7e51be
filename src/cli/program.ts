import { createRequire } from 'node:module';
// The `conveyor` command tree. Client commands talk to the REST API only.
import { Command, CommanderError, Option } from 'commander';
import { DEFAULT_API_URL, withExamples } from './context.js';
import { EXIT } from './errors.js';
import { devCommand } from './commands/dev.js';
import { keysCommand } from './commands/keys.js';
import { logsCommand } from './commands/logs.js';
import { processCommands } from './commands/processes.js';
import { runsCommand } from './commands/runs.js';
import { schedulesCommand } from './commands/schedules.js';
import { triggerCommand } from './commands/trigger.js';
import { workflowsCommand } from './commands/workflows.js';

const VERSION = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

/** Every (sub)command: usage errors become CliErrors (exit 2) instead of commander exiting on its own. */
function configure(command: Command): void {
  command.exitOverride();
  command.configureOutput({ outputError: (text, write) => write(text.replace(/^error: /, 'conveyor: usage: ')) });
  command.showHelpAfterError('(add --help for usage and examples)');
  for (const sub of command.commands) configure(sub);
}

export function buildProgram(): Command {
  const program = new Command('conveyor')
    .description('Durable task and workflow runs on Temporal: run the local stack, trigger and follow runs, manage workflows, schedules and keys.')
    .addOption(new Option('--api-url <url>', 'the Conveyor API').env('CONVEYOR_API_URL').default(DEFAULT_API_URL))
    .addOption(new Option('--api-key <key>', 'API key (Authorization: Bearer)').env('CONVEYOR_API_KEY'))
    // Only -V: the root consumes its options wherever they stand, and `--version` would swallow
    // `workflows show <slug> --version 2`. `conveyor --version` still works (versionFlagFirst).
    .version(VERSION, '-V', 'output the version number (also: conveyor --version)')
    .showSuggestionAfterError(true);
  for (const command of [devCommand(), triggerCommand(), runsCommand(), logsCommand(), workflowsCommand(), schedulesCommand(), keysCommand(), ...processCommands()]) program.addCommand(command);
  withExamples(program, 'conveyor dev', `conveyor trigger hello --input '{"name":"Ada"}' --follow`, 'conveyor runs list --status failed --since 1h');
  configure(program);
  return program;
}

/** `conveyor --version` as the first argument means the program's version (-V). */
export const versionFlagFirst = (argv: string[]): string[] => (argv[0] === '--version' ? ['-V', ...argv.slice(1)] : argv);

/** Help and version are a success; any other commander error (already printed by commander) is a usage error. */
export function fromCommanderError(error: CommanderError): number {
  if (['commander.helpDisplayed', 'commander.help', 'commander.version'].includes(error.code)) return EXIT.ok;
  return EXIT.usage;
}
