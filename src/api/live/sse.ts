// Server-Sent Events plumbing shared by the live streams: headers, framing, keep-alive comments.
import type { Response } from 'express';

export const KEEPALIVE_MS = 15_000;

export interface SseStream {
  /** One event; `id` becomes the client's Last-Event-ID. */
  send(event: string, data: unknown, id?: string): void;
  readonly closed: boolean;
  /** Resolves when the client goes away. */
  readonly gone: Promise<void>;
  end(): void;
}

export function openSse(res: Response): SseStream {
  res.status(200).set({ 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
  res.flushHeaders();
  let closed = false;
  let lastWrite = Date.now();
  const write = (text: string) => {
    if (closed) return;
    res.write(text);
    lastWrite = Date.now();
  };
  // Comments keep proxies and the browser from timing an idle stream out.
  const keepAlive = setInterval(() => Date.now() - lastWrite >= KEEPALIVE_MS - 100 && write(': keep-alive\n\n'), KEEPALIVE_MS / 3);
  keepAlive.unref();
  const gone = new Promise<void>((resolve) =>
    res.on('close', () => {
      closed = true;
      clearInterval(keepAlive);
      resolve();
    }),
  );
  return {
    send(event, data, id) {
      write(`${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    get closed() {
      return closed;
    },
    gone,
    end() {
      clearInterval(keepAlive);
      closed = true;
      res.end();
    },
  };
}
