// A `fetch` over node:http and the guarded agents, for clients that take a fetch function
// (the openai package: Node's own fetch is undici, which request-filtering-agent cannot guard).
// The response body streams, so server-sent events arrive as they are sent.
import { Readable } from 'node:stream';
import type { OutboundPolicy } from './address-policy.js';
import { sendGuarded } from './guarded-request.js';
import { OutboundError } from './outbound-error.js';

export interface GuardedFetchOptions {
  policy: OutboundPolicy;
  followRedirects?: number;
}

async function bodyText(body: RequestInit['body']): Promise<string | Buffer | undefined> {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof URLSearchParams) return body.toString();
  // FormData, Blob, streams: read through a Response, which knows every body type.
  return Buffer.from(await new Response(body).arrayBuffer());
}

export function guardedFetch({ policy, followRedirects = 5 }: GuardedFetchOptions): typeof fetch {
  return async (input, init = {}) => {
    const url = input instanceof Request ? input.url : String(input);
    const headers: Record<string, string> = {};
    new Headers(input instanceof Request ? input.headers : undefined).forEach((value, name) => (headers[name] = value));
    new Headers(init.headers).forEach((value, name) => (headers[name] = value));
    const signal = init.signal ?? undefined;
    const response = await sendGuarded({
      method: init.method ?? (input instanceof Request ? input.method : 'GET'),
      url,
      headers,
      body: await bodyText(init.body),
      followRedirects,
      signal,
      policy,
    }).catch((error: unknown) => {
      // fetch rejects with a TypeError on network failure and an AbortError on abort; keep ours as the cause.
      if (signal?.aborted) throw signal.reason ?? new DOMException('aborted', 'AbortError');
      throw error instanceof OutboundError ? error : new TypeError('fetch failed', { cause: error });
    });
    const responseHeaders = new Headers();
    for (const [name, value] of Object.entries(response.headers)) {
      for (const item of Array.isArray(value) ? value : value === undefined ? [] : [value]) responseHeaders.append(name, item);
    }
    const nullBody = response.status === 204 || response.status === 304 || init.method === 'HEAD';
    const body = nullBody ? null : (Readable.toWeb(response.body) as ReadableStream<Uint8Array>);
    if (nullBody) response.body.resume();
    return new Response(body, { status: response.status, statusText: response.statusText, headers: responseHeaders });
  };
}
