import { Command } from 'commander';
import { withExamples } from '../context.js';

export function devCommand(): Command {
  const command = new Command('dev')
    .description('the whole local stack: Temporal dev server, Postgres, worker, API, and a console of run events')
    .option('--logs', "also print the tasks' log lines")
    .option('--log-format <format>', 'human (default) or json (structured logs, the production default; also CONVEYOR_LOG_FORMAT)')
    .action(async (options: { logs?: boolean; logFormat?: string }) => {
      const { runDevStack } = await import('../dev/stack.js');
      process.exitCode = await runDevStack({ logs: options.logs === true, logFormat: options.logFormat });
    });
  return withExamples(command, 'conveyor dev', 'conveyor dev --logs', 'conveyor dev --log-format json');
}
