// A minimal Server-Sent Events reader for tests: collects events and waits for one that matches.
import assert from 'node:assert/strict';

export interface SseEvent {
  id?: string;
  event: string;
  data: any;
}

export interface SseReader {
  status: number;
  events: SseEvent[];
  /** Resolves with the first event (already received or to come) matching `match`; rejects if the stream ends first. */
  next(match: (e: SseEvent) => boolean, what?: string): Promise<SseEvent>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseReader> {
  const controller = new AbortController();
  const res = await fetch(url, { headers, signal: controller.signal });
  const events: SseEvent[] = [];
  const waiters = new Set<() => void>();
  let done = false;
  const notify = () => waiters.forEach((w) => w());
  const ended = (async () => {
    if (!res.ok || !res.body) return;
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const { value, done: finished } = await reader.read();
        if (finished) break;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const fields = Object.fromEntries(block.split('\n').filter((l) => l && !l.startsWith(':')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]));
          if (fields.event) events.push({ id: fields.id, event: fields.event, data: JSON.parse(fields.data) });
        }
        notify();
      }
    } catch {
      // aborted by close()
    } finally {
      done = true;
      notify();
    }
  })();
  return {
    status: res.status,
    events,
    ended,
    close: () => controller.abort(),
    next(match, what = 'event') {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = events.find(match);
          if (found) {
            waiters.delete(check);
            resolve(found);
          } else if (done) {
            waiters.delete(check);
            reject(new Error(`stream ended without ${what}; got ${JSON.stringify(events.map((e) => e.event))}`));
          }
        };
        waiters.add(check);
        check();
      });
    },
  };
}
