// A fake OpenAI-compatible server (node:http, 127.0.0.1) speaking the real Chat Completions wire
// format: a chat.completion object, or with `stream: true` server-sent events of
// chat.completion.chunk objects (`data: {...}\n\n`, then `data: [DONE]\n\n`), usage in a last chunk
// when `stream_options.include_usage` asks for it. It records every request it receives, and
// answers from a queue of scripted replies (a default reply when the queue is empty).
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeReply =
  | { kind: 'completion'; pieces: string[]; finishReason?: string; usage?: { prompt: number; completion: number }; model?: string }
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: unknown }
  /** A stream that breaks off after its pieces: the connection is destroyed without [DONE]. */
  | { kind: 'broken-stream'; pieces: string[] };

export interface FakeRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: {
    model: string;
    messages: { role: string; content: string }[];
    temperature?: number;
    max_tokens?: number;
    stream?: boolean;
    stream_options?: { include_usage?: boolean };
    response_format?: { type: string };
  };
}

export interface FakeOpenAi {
  /** The base URL to give a client: http://127.0.0.1:<port>/v1 */
  baseUrl: string;
  requests: FakeRequest[];
  replies: FakeReply[];
  close(): Promise<void>;
}

const DEFAULT_REPLY: FakeReply = { kind: 'completion', pieces: ['Hello', ' from', ' the', ' fake', '.'], usage: { prompt: 12, completion: 5 } };

function chunk(id: string, model: string, choices: unknown[], usage?: unknown): string {
  return `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model, choices, ...(usage ? { usage } : {}) })}\n\n`;
}

function reply(request: FakeRequest, script: FakeReply, res: http.ServerResponse): void {
  if (script.kind === 'status') {
    const body = script.body ?? { error: { message: `fake error ${script.status}`, type: 'fake_error', code: null } };
    res.writeHead(script.status, { 'content-type': 'application/json', ...script.headers }).end(JSON.stringify(body));
    return;
  }
  const id = `chatcmpl-fake${Date.now()}`;
  const model = (script.kind === 'completion' && script.model) || request.body.model;
  const usage = script.kind === 'completion' && script.usage
    ? { prompt_tokens: script.usage.prompt, completion_tokens: script.usage.completion, total_tokens: script.usage.prompt + script.usage.completion }
    : undefined;
  const finishReason = (script.kind === 'completion' && script.finishReason) || 'stop';
  if (!request.body.stream) {
    const message = { role: 'assistant', content: script.pieces.join(''), refusal: null };
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id, object: 'chat.completion', created: Math.floor(Date.now() / 1000), model, choices: [{ index: 0, message, finish_reason: finishReason, logprobs: null }], usage }));
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  res.write(chunk(id, model, [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null, logprobs: null }]));
  for (const piece of script.pieces) res.write(chunk(id, model, [{ index: 0, delta: { content: piece }, finish_reason: null, logprobs: null }]));
  if (script.kind === 'broken-stream') {
    // Once what was written has gone out, so the client is mid-stream when the connection dies.
    res.write('', () => res.socket?.destroy());
    return;
  }
  res.write(chunk(id, model, [{ index: 0, delta: {}, finish_reason: finishReason, logprobs: null }]));
  if (request.body.stream_options?.include_usage && usage) res.write(chunk(id, model, [], usage));
  res.end('data: [DONE]\n\n');
}

export async function startFakeOpenAi(): Promise<FakeOpenAi> {
  const requests: FakeRequest[] = [];
  const replies: FakeReply[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `no route ${req.method} ${req.url}` } }));
        return;
      }
      let body: FakeRequest['body'];
      try {
        body = JSON.parse(Buffer.concat(chunks).toString());
      } catch {
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'body is not JSON' } }));
        return;
      }
      const request = { path: req.url, headers: req.headers, body };
      requests.push(request);
      reply(request, replies.shift() ?? DEFAULT_REPLY, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    replies,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
