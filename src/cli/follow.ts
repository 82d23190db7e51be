// `--follow`: a run's logs over Server-Sent Events, resumed with Last-Event-ID after a dropped connection.
import { toCliError, type ApiClient } from './api-client.js';
import { CliError, EXIT } from './errors.js';
import type { LogLineView } from './log-line.js';

export interface FollowOptions {
  onLine(line: LogLineView): void;
  /** Called when a dropped stream is being resumed (for a notice on stderr). */
  onReconnect?(attempt: number, reason: string): void;
  /** Consecutive failed reconnects before giving up; default 20 (about a minute). */
  maxReconnects?: number;
}

interface SseEvent {
  id?: string;
  event: string;
  data: string;
}

/** Splits an SSE byte stream into events; comments (keep-alives) are skipped. */
export async function* sseEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let boundary: number;
    while ((boundary = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, boundary);
      buffer = buffer.slice(boundary + 2);
      const event: SseEvent = { event: 'message', data: '' };
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (!line || line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'id') event.id = value;
        else if (field === 'event') event.event = value;
        else if (field === 'data') data.push(value);
      }
      if (data.length === 0 && event.id === undefined) continue;
      event.data = data.join('\n');
      yield event;
    }
  }
}

/** Streams until the API sends `end`; returns the run's final status. */
export async function followLogs(client: ApiClient, runId: string, options: FollowOptions): Promise<string | null> {
  let lastId: string | undefined;
  let failures = 0;
  const maxReconnects = options.maxReconnects ?? 20;
  for (;;) {
    let reason: string;
    try {
      const res = await client.fetch(client.url(`/api/runs/${encodeURIComponent(runId)}/logs/stream`), {
        headers: client.headers({ accept: 'text/event-stream', ...(lastId ? { 'last-event-id': lastId } : {}) }),
      });
      if (!res.ok || !res.body) {
        const text = await res.text();
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // keep the text
        }
        const error = toCliError(res.status, body);
        // The run is gone or the request is wrong: resuming cannot help. A 5xx may pass.
        if (res.status < 500) throw error;
        reason = error.message;
      } else {
        for await (const event of sseEvents(res.body)) {
          failures = 0;
          if (event.event === 'log') {
            options.onLine(JSON.parse(event.data) as LogLineView);
            if (event.id !== undefined) lastId = event.id;
          } else if (event.event === 'end') {
            return (JSON.parse(event.data) as { status: string | null }).status;
          }
        }
        reason = 'the stream closed before the run ended';
      }
    } catch (error) {
      if (error instanceof CliError && error.code !== 'unreachable') throw error;
      reason = error instanceof Error ? error.message : String(error);
    }
    failures += 1;
    if (failures > maxReconnects) throw new CliError(`lost the log stream of ${runId}: ${reason}`, EXIT.failed, 'stream_lost');
    options.onReconnect?.(failures, reason);
    await new Promise((resolve) => setTimeout(resolve, Math.min(250 * 2 ** (failures - 1), 5_000)));
  }
}
