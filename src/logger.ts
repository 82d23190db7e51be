import pino, { type Logger } from 'pino';

export type { Logger };

/** Structured logs; anything that looks like a secret is redacted before it is written. */
export function createLogger(level = 'info', name = 'conveyor'): Logger {
  return pino({
    name,
    level,
    redact: {
      paths: ['password', '*.password', 'secret', '*.secret', 'authorization', '*.authorization', 'headers.authorization', 'databaseUrl', '*.databaseUrl', 'connectionString'],
      censor: '[redacted]',
    },
  });
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
