// The `http` kind: one HTTP request through the outgoing-HTTP guard (src/net), with a timeout,
// a response size cap, an expected status and redacted request/response log lines.
import { z } from 'zod';
import { durationMsSchema } from '../tasks/duration-schema.js';
import { parseOutboundUrl, readCapped, sendGuarded } from '../net/guarded-request.js';
import { toOutboundError } from '../net/outbound-error.js';
import { expectStatusSchema, isExpectedStatus, unexpectedStatusError } from './http-status.js';
import { redactHeaders, redactUrl } from './http-redact.js';
import { deadline, outboundPolicy, toKindError } from './http-outbound.js';
import { KindError, type KindContext, type TaskKind } from './types.js';

export const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;
const queryValue = z.union([z.string(), z.number(), z.boolean()]);

export const httpSpecSchema = z.strictObject({
  method: z.string().trim().regex(/^[A-Za-z]+$/, 'expected an HTTP method like GET or POST').transform((m) => m.toUpperCase()),
  url: z.string().trim().min(1, 'url is required'),
  headers: z.record(z.string(), z.string()).optional(),
  query: z.record(z.string(), z.union([queryValue, z.array(queryValue)])).optional(),
  /** A string is sent as it is; anything else as JSON (content-type application/json unless given). */
  body: z.unknown().optional(),
  timeout: durationMsSchema('timeout', 1).default(30_000),
  expectStatus: expectStatusSchema.optional(),
  maxResponseBytes: z.number().int().positive().default(DEFAULT_MAX_RESPONSE_BYTES),
  followRedirects: z.number().int().min(0).max(20).default(5),
});
export type HttpSpec = z.output<typeof httpSpecSchema>;
export type HttpSpecInput = z.input<typeof httpSpecSchema>;

export interface HttpResult {
  status: number;
  headers: Record<string, string>;
  /** Parsed when the response says it is JSON (and parses); text otherwise. */
  body: unknown;
}

function withQuery(url: string, query: HttpSpec['query']): string {
  if (!query) return url;
  const parsed = new URL(url);
  for (const [name, value] of Object.entries(query)) {
    for (const item of Array.isArray(value) ? value : [value]) parsed.searchParams.append(name, String(item));
  }
  return parsed.toString();
}

function encodeBody(spec: HttpSpec, headers: Record<string, string>): string | undefined {
  if (spec.body === undefined) return undefined;
  if (typeof spec.body === 'string') return spec.body;
  if (!Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
  return JSON.stringify(spec.body);
}

function decodeBody(bytes: Buffer, contentType: string | undefined): unknown {
  const text = bytes.toString('utf8');
  if (contentType && /[/+]json\b/i.test(contentType) && text.trim() !== '') {
    try {
      return JSON.parse(text);
    } catch {
      return text; // says JSON, is not: the text is still the best answer
    }
  }
  return text;
}

const flatHeaders = (headers: Record<string, string | string[] | undefined>) =>
  Object.fromEntries(Object.entries(headers).flatMap(([k, v]) => (v === undefined ? [] : [[k, Array.isArray(v) ? v.join(', ') : v]])));

/** Sends the request and returns the response; throws a KindError with its class. */
export async function executeHttp(spec: HttpSpec, ctx: KindContext): Promise<HttpResult> {
  const policy = outboundPolicy(ctx.env);
  const headers = { ...spec.headers };
  const body = encodeBody(spec, headers);
  let url: URL;
  try {
    url = parseOutboundUrl(withQuery(parseOutboundUrl(spec.url).toString(), spec.query));
  } catch (error) {
    throw toKindError(error);
  }
  const limit = deadline(ctx.signal, spec.timeout);
  const started = performance.now();
  try {
    ctx.log('info', `→ ${spec.method} ${redactUrl(url)} ${JSON.stringify(redactHeaders(headers))}${body === undefined ? '' : ` (${Buffer.byteLength(body)} bytes)`}`);
    const response = await sendGuarded({
      method: spec.method, url: url.toString(), headers, body, followRedirects: spec.followRedirects, policy, signal: limit.signal, timedOut: limit.timedOut,
      onRedirect: (status, to, dropped) =>
        ctx.log('info', `↪ ${status} redirect to ${redactUrl(to)}${dropped.length ? ` (cross-origin: dropped ${dropped.join(', ')})` : ''}`),
    });
    const bytes = await readCapped(response.body, spec.maxResponseBytes, (read, declared) =>
      new KindError(
        declared === undefined
          ? `response body passed maxResponseBytes (${spec.maxResponseBytes} bytes): cut after reading ${read} bytes`
          : `response body of ${declared} bytes (content-length) is over maxResponseBytes (${spec.maxResponseBytes} bytes): not read`,
        'permanent',
        { type: 'HttpResponseTooLarge' },
      ),
    ).catch((error: unknown) => {
      throw error instanceof KindError ? error : toOutboundError(error, response.url.origin, limit.timedOut(), ctx.signal.aborted);
    });
    const ms = Math.round(performance.now() - started);
    ctx.log('info', `← ${response.status} ${response.statusText} in ${ms} ms, ${bytes.length} bytes ${JSON.stringify(redactHeaders(response.headers))}`);
    const result: HttpResult = { status: response.status, headers: flatHeaders(response.headers), body: decodeBody(bytes, response.headers['content-type']) };
    if (!isExpectedStatus(response.status, spec.expectStatus)) {
      const detail = typeof result.body === 'string' ? result.body.slice(0, 200) : JSON.stringify(result.body).slice(0, 200);
      throw unexpectedStatusError(response.status, response.statusText, response.headers['retry-after'], detail);
    }
    return result;
  } catch (error) {
    throw toKindError(error);
  } finally {
    limit.clear();
  }
}

export const httpKind: TaskKind<HttpSpec> = {
  kind: 'http',
  schema: httpSpecSchema,
  execute: executeHttp,
};
