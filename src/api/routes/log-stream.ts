import type { Response } from 'express';
import type { Kysely } from 'kysely';
import { listLogs } from '../../db/logs.repository.js';
import { findRun } from '../../db/runs.repository.js';
import type { Database } from '../../db/schema.js';
import { isTerminal } from '../../runs/states.js';
import type { LiveHub } from '../live/hub.js';
import { openSse } from '../live/sse.js';
import type { RunDetail } from '../run-detail.js';
import { logView } from '../serialize.js';

/** Without a live hub (an app built without one), the stream looks again this often. */
const POLL_MS = 250;
const PAGE = 500;

export interface LogStreamOptions {
  db: Kysely<Database>;
  live?: LiveHub;
  detail: RunDetail;
  runId: string;
  /** Resume after this line (Last-Event-ID). */
  after?: string;
  /** Only this DAG node's lines. */
  node?: string;
}

/**
 * Server-Sent Events of a run's log lines: `id` is the line's seq, so a reconnecting
 * EventSource resumes after the last line it saw (Last-Event-ID). Reads wake on the live hub's
 * NOTIFYs (lines flushed, status or steps changed), not on a timer. A `status` event carries
 * the run (GET /api/runs/:id's body) whenever its status, attempt or steps change; the stream
 * ends with an `end` event once the run is terminal and every line has been sent.
 */
export async function logStream(options: LogStreamOptions, res: Response): Promise<void> {
  const { db, live, detail, runId, node } = options;
  const stream = openSse(res);
  let dirty: boolean;
  let statusChanged = false;
  let wakeUp: (() => void) | undefined;
  let stopping = false;
  const unwatch = live?.watchRun(runId, (change) => {
    if (change === 'closed') stopping = true;
    dirty = true;
    if (change !== 'logs') statusChanged = true;
    wakeUp?.();
  });
  void stream.gone.then(() => wakeUp?.());
  let cursor = options.after;
  let seen: string | undefined;
  try {
    while (!stream.closed && !stopping) {
      dirty = false;
      // Streams of one run at the same place share each read (see LiveHub.shared).
      const since = live?.changes() ?? 0;
      const share = <T>(key: string, read: () => Promise<T>) => (live ? live.shared(`${runId}\n${key}`, since, read) : read());
      // The status before the lines, in one shared unit: a run seen terminal has flushed all of its lines.
      const first = cursor;
      const [run, firstPage] = await share(`tail\n${first ?? ''}\n${node ?? ''}`, async () => [await findRun(db, runId), await listLogs(db, runId, first, PAGE, node)] as const);
      for (let lines = firstPage; ; ) {
        for (const line of lines) stream.send('log', logView(line), line.position);
        if (lines.length) cursor = lines[lines.length - 1].position;
        if (lines.length < PAGE) break;
        const after = cursor;
        lines = await share(`logs\n${after ?? ''}\n${node ?? ''}`, () => listLogs(db, runId, after, PAGE, node));
      }
      const now = run ? `${run.status}:${run.attempt}` : 'gone';
      if (run && (statusChanged || (seen !== undefined && seen !== now))) stream.send('status', await share('detail', () => detail(run)));
      statusChanged = false;
      seen = now;
      if (!run || isTerminal(run.status)) {
        stream.send('end', { status: run?.status ?? null });
        break;
      }
      if (dirty || stream.closed || stopping) continue;
      await new Promise<void>((resolve) => {
        const timer = live ? undefined : setTimeout(resolve, POLL_MS);
        wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wakeUp = undefined;
    }
  } catch {
    // The database went away mid-stream: close it; the EventSource reconnects with Last-Event-ID.
  } finally {
    unwatch?.();
    stream.end();
  }
}
