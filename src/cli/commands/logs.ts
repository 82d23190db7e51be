import { Command } from 'commander';
import { contextOf, withExamples } from '../context.js';
import { formatLogLine, type LogLineView } from '../log-line.js';
import { watchRun } from '../run-outcome.js';

export function logsCommand(): Command {
  const command = new Command('logs')
    .description("a run's log lines, in order; --follow streams them until the run ends")
    .argument('<id>', 'the run id')
    .option('-f, --follow', 'stream new lines until the run ends; exit 0 only if it completed')
    .option('--node <nodeId>', 'workflow runs: only the lines of this node')
    .action(async (id: string, options: { follow?: boolean; node?: string }, self: Command) => {
      const ctx = contextOf(self);
      if (options.follow) {
        process.exitCode = await watchRun(ctx, id, { printLogs: true, nodeId: options.node });
        return;
      }
      let after: number | undefined;
      for (;;) {
        const page = await ctx.api.request<{ lines: LogLineView[]; nextAfter: number | null }>('GET', `/api/runs/${encodeURIComponent(id)}/logs`, undefined, { after, limit: 1000 });
        for (const line of page.lines) if (options.node === undefined || line.nodeId === options.node) process.stdout.write(`${formatLogLine(line, ctx.style)}\n`);
        if (page.lines.length < 1000) return;
        after = page.nextAfter ?? undefined;
      }
    });
  return withExamples(command, 'conveyor logs run_01h…', 'conveyor logs run_01h… --follow --node fetch');
}
