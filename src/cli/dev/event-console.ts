// `conveyor dev`'s console: LISTENs for run events (no polling per run) and, with --logs, tails the log lines of live runs.
import pg from 'pg';
import type { Kysely } from 'kysely';
import { listLogs } from '../../db/logs.repository.js';
import type { Database } from '../../db/schema.js';
import { formatLogLine } from '../log-line.js';
import { logView } from '../../api/serialize.js';
import type { Style } from '../style.js';
import { formatRunEvent, isTerminalEvent, RUN_EVENTS_CHANNEL, shortRunId, type RunEvent } from './run-events.js';

export interface EventConsoleOptions {
  databaseUrl: string;
  db: Kysely<Database>;
  style: Style;
  link(runId: string): string;
  logs: boolean;
  write(line: string): void;
}

export interface EventConsole {
  stop(): Promise<void>;
}

const LOG_POLL_MS = 250;

export async function startEventConsole(options: EventConsoleOptions): Promise<EventConsole> {
  const { db, style, write } = options;
  const listener = new pg.Client({ connectionString: options.databaseUrl });
  await listener.connect();
  // A lost listener connection ends the console with one line, not a crash.
  listener.on('error', (error) => write(style.red(`run events stopped: ${error.message}`)));
  // Runs whose logs are tailed (--logs): id → last position printed; `finishing` ones get one last read.
  // A run's last event line waits for its last log lines, so the console reads in order.
  const tailed = new Map<string, { after?: string; task: string; finishing: boolean; lastLine?: string }>();

  listener.on('notification', (message) => {
    if (message.channel !== RUN_EVENTS_CHANNEL || !message.payload) return;
    const event = JSON.parse(message.payload) as RunEvent;
    const line = formatRunEvent(event, options);
    const tail = options.logs ? tailed.get(event.id) : undefined;
    if (tail && isTerminalEvent(event)) {
      tail.finishing = true;
      tail.lastLine = line;
      return;
    }
    if (line) write(line);
    if (options.logs && !tail && event.status === 'running') tailed.set(event.id, { task: event.task, finishing: false });
  });
  await listener.query(`LISTEN ${RUN_EVENTS_CHANNEL}`);

  let stopped = false;
  let polling: Promise<void> = Promise.resolve();
  const pollLogs = async () => {
    for (const [runId, tail] of tailed) {
      const finishing = tail.finishing;
      for (;;) {
        const lines = await listLogs(db, runId, tail.after, 500);
        for (const line of lines) write(`  ${style.dim(`${tail.task} ${shortRunId(runId)}`)} ${formatLogLine(logView(line), style)}`);
        if (lines.length) tail.after = lines[lines.length - 1].position;
        if (lines.length < 500) break;
      }
      if (finishing) {
        tailed.delete(runId);
        if (tail.lastLine) write(tail.lastLine);
      }
    }
  };
  const timer = options.logs
    ? setInterval(() => {
        polling = polling.then(pollLogs).catch((error: unknown) => write(style.red(`reading task logs failed: ${(error as Error).message}`)));
      }, LOG_POLL_MS)
    : undefined;

  return {
    async stop() {
      if (stopped) return;
      stopped = true;
      if (timer) clearInterval(timer);
      await polling;
      for (const tail of tailed.values()) if (tail.lastLine) write(tail.lastLine);
      await listener.end().catch(() => undefined);
    },
  };
}
