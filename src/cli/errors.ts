// Exit codes and the one-line error every command prints to stderr.
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A failure a command reports: one line (`conveyor: <code>: <message>`), then optional detail lines. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: ExitCode = EXIT.failed,
    readonly code = 'error',
    readonly detailLines: string[] = [],
  ) {
    super(message);
  }
}

export const usageError = (message: string) => new CliError(message, EXIT.usage, 'usage');

const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' ').trim();

/** The lines written to stderr for an error; anything but a CliError is unexpected and keeps its stack. */
export function errorLines(error: unknown): string[] {
  if (error instanceof CliError) return [`conveyor: ${error.code}: ${oneLine(error.message)}`, ...error.detailLines.map((line) => `  ${oneLine(line)}`)];
  if (error instanceof Error) return [`conveyor: internal: ${oneLine(error.message)}`, ...(error.stack ? [error.stack] : [])];
  return [`conveyor: internal: ${String(error)}`];
}
