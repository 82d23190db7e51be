// `conveyor …`: parses the command line, runs the command, maps every failure to one line and an exit code.
import { CommanderError } from 'commander';
import { errorLines, EXIT } from './errors.js';
import { buildProgram, fromCommanderError, versionFlagFirst } from './program.js';
import { exitOnInterrupt } from './signals.js';

export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(versionFlagFirst(argv), { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) return fromCommanderError(error);
    for (const line of errorLines(error)) process.stderr.write(`${line}\n`);
    return (error as { exitCode?: number }).exitCode ?? EXIT.failed;
  }
}

exitOnInterrupt();
process.exit(await runCli(process.argv.slice(2)));
