// One outgoing HTTP exchange through the guarded agents, following redirects ourselves so
// every hop is checked again: its scheme (http/https only), its address (by the agent, at
// connect time), and its origin (credentials are not carried to another origin).
import http, { type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';
import { guardedAgents } from './guarded-agent.js';
import { OutboundError, toOutboundError } from './outbound-error.js';
import type { OutboundPolicy } from './address-policy.js';

export interface OutboundRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** How many redirects to follow; 0 returns a 3xx response as it is. */
  followRedirects: number;
  /** Aborts the exchange, body included. `timedOut()` tells a timeout from a cancellation. */
  signal?: AbortSignal;
  timedOut?: () => boolean;
  policy: OutboundPolicy;
  /** Told about each redirect followed, e.g. to log it. */
  onRedirect?: (status: number, to: URL, droppedHeaders: string[]) => void;
}

export interface OutboundResponse {
  status: number;
  statusText: string;
  headers: IncomingHttpHeaders;
  /** The URL that answered, after redirects. */
  url: URL;
  /** The body, unread: the caller reads it (with a cap) or streams it. */
  body: IncomingMessage;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Headers that carry credentials: kept only while redirects stay on the original origin. */
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];

export function parseOutboundUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new OutboundError(`not a valid URL: ${JSON.stringify(text)}`, 'protocol');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new OutboundError(`only http and https URLs are allowed, not ${url.protocol.slice(0, -1)}:`, 'protocol');
  }
  return url;
}

function exchange(url: URL, method: string, headers: OutgoingHttpHeaders, body: string | Buffer | undefined, request: OutboundRequest): Promise<IncomingMessage> {
  const agents = guardedAgents(request.policy);
  const send = url.protocol === 'https:' ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const req = send(url, { method, headers, agent: url.protocol === 'https:' ? agents.https : agents.http, signal: request.signal }, resolve);
    req.on('error', reject);
    req.end(body);
  });
}

/** Sends the request, following up to `followRedirects` redirects; throws OutboundError. */
export async function sendGuarded(request: OutboundRequest): Promise<OutboundResponse> {
  let url = parseOutboundUrl(request.url);
  let method = request.method.toUpperCase();
  let body = request.body;
  const headers: Record<string, string> = Object.fromEntries(Object.entries(request.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
  const originalOrigin = url.origin;
  for (let redirects = 0; ; redirects++) {
    let response: IncomingMessage;
    try {
      response = await exchange(url, method, { ...headers, ...(body === undefined ? {} : { 'content-length': Buffer.byteLength(body) }) }, body, request);
    } catch (error) {
      throw toOutboundError(error, url.origin, request.timedOut?.() ?? false, request.signal?.aborted ?? false);
    }
    const status = response.statusCode ?? 0;
    const location = response.headers.location;
    if (!REDIRECTS.has(status) || !location || request.followRedirects === 0) {
      return { status, statusText: response.statusMessage ?? '', headers: response.headers, url, body: response };
    }
    response.resume(); // the redirect's own body is not wanted; let the socket go back to the pool
    if (redirects >= request.followRedirects) {
      throw new OutboundError(`more than ${request.followRedirects} redirects (followRedirects); the last went to ${new URL(location, url).origin}`, 'redirect');
    }
    const next = parseOutboundUrl(new URL(location, url).toString());
    // As browsers and fetch do: 303 always, and 301/302 after a POST, continue as a GET without a body.
    if (status === 303 || ((status === 301 || status === 302) && method === 'POST')) {
      if (method !== 'HEAD') method = 'GET';
      body = undefined;
      delete headers['content-type'];
    }
    const dropped: string[] = [];
    if (next.origin !== originalOrigin) {
      for (const name of CREDENTIAL_HEADERS) if (name in headers) {
        delete headers[name];
        dropped.push(name);
      }
    }
    request.onRedirect?.(status, next, dropped);
    url = next;
  }
}

/** Reads a body whole, failing once it passes `maxBytes` (the stream is destroyed there, nothing more is read). */
export async function readCapped(body: IncomingMessage, maxBytes: number, onTooLarge: (readBytes: number, declaredBytes?: number) => Error): Promise<Buffer> {
  const declared = Number(body.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    body.destroy();
    throw onTooLarge(0, declared);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      body.destroy();
      throw onTooLarge(size);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}
