import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

export const LOG_FORMATS = ['human', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** `--log-format`, else CONVEYOR_LOG_FORMAT, else JSON in production and human lines on a developer's machine. */
export function resolveLogFormat(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): LogFormat {
  const value = flag ?? env.CONVEYOR_LOG_FORMAT ?? (env.NODE_ENV === 'production' ? 'json' : 'human');
  if ((LOG_FORMATS as readonly string[]).includes(value)) return value as LogFormat;
  throw new Error(`log format must be ${LOG_FORMATS.join(' or ')} (got ${JSON.stringify(value)} from ${flag !== undefined ? '--log-format' : 'CONVEYOR_LOG_FORMAT'})`);
}

const LEVEL_NAMES: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
const HIDDEN_KEYS = new Set(['level', 'time', 'pid', 'hostname', 'name', 'msg', 'err']);

/** One pino record as one readable line; an error at level error or above keeps its stack (an internal error), below that its message only. */
export function humanLogLine(record: Record<string, unknown>): string {
  const time = new Date(typeof record.time === 'number' ? record.time : Date.now()).toTimeString().slice(0, 8);
  const level = LEVEL_NAMES[Number(record.level)] ?? String(record.level);
  const extras = Object.entries(record)
    .filter(([key, value]) => !HIDDEN_KEYS.has(key) && value !== undefined && value !== null)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  const err = record.err as { message?: string; stack?: string } | undefined;
  let line = `${time} ${level.padEnd(5)} ${String(record.msg ?? '')}${extras.length ? ` ${extras.join(' ')}` : ''}`;
  if (err) line += Number(record.level) >= 50 && err.stack ? `\n${err.stack}` : `: ${err.message ?? ''}`;
  return line;
}

function humanDestination(write: (line: string) => void): DestinationStream {
  return {
    write(json: string) {
      try {
        write(humanLogLine(JSON.parse(json) as Record<string, unknown>));
      } catch {
        write(json.trimEnd());
      }
    },
  };
}

/** Structured logs; anything that looks like a secret is redacted before it is written. */
export function createLogger(level = 'info', name = 'conveyor', format: LogFormat = 'json', write: (line: string) => void = (line) => void process.stdout.write(`${line}\n`)): Logger {
  const options = {
    name,
    level,
    redact: {
      paths: ['password', '*.password', 'secret', '*.secret', 'authorization', '*.authorization', 'headers.authorization', 'databaseUrl', '*.databaseUrl', 'connectionString'],
      censor: '[redacted]',
    },
  };
  return format === 'human' ? pino(options, humanDestination(write)) : pino(options);
}

/** A database URL safe to print: the password replaced. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '[unparseable url]';
  }
}
