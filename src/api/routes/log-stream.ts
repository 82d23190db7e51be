import type { Request, Response } from 'express';
import type { Kysely } from 'kysely';
import { listLogs } from '../../db/logs.repository.js';
import { findRun } from '../../db/runs.repository.js';
import type { Database } from '../../db/schema.js';
import { isTerminal } from '../../runs/states.js';
import { logView } from '../serialize.js';

const POLL_MS = 250;
const KEEPALIVE_MS = 15_000;

/**
 * Server-Sent Events of a run's log lines: `id` is the line's seq, so a reconnecting
 * EventSource resumes after the last line it saw (Last-Event-ID). Ends with an `end`
 * event once the run is terminal and every line has been sent.
 */
export async function logStream(db: Kysely<Database>, runId: string, after: string | undefined, req: Request, res: Response): Promise<void> {
  res.status(200).set({ 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
  res.flushHeaders();
  let closed = false;
  req.on('close', () => (closed = true));
  let cursor = after;
  let lastWrite = Date.now();
  while (!closed) {
    // Read the status before the lines: a run seen terminal has flushed all of its lines.
    const run = await findRun(db, runId);
    for (;;) {
      const lines = await listLogs(db, runId, cursor, 500);
      for (const line of lines) res.write(`id: ${line.position}\nevent: log\ndata: ${JSON.stringify(logView(line))}\n\n`);
      if (lines.length) {
        cursor = lines[lines.length - 1].position;
        lastWrite = Date.now();
      }
      if (lines.length < 500) break;
    }
    if (!run || isTerminal(run.status)) {
      res.write(`event: end\ndata: ${JSON.stringify({ status: run?.status ?? null })}\n\n`);
      break;
    }
    if (Date.now() - lastWrite > KEEPALIVE_MS) {
      res.write(': keep-alive\n\n');
      lastWrite = Date.now();
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  res.end();
}
