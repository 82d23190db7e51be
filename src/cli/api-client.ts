// The CLI's only way to Conveyor: its REST API (never Postgres).
import { CliError, EXIT } from './errors.js';

export interface ApiClientOptions {
  baseUrl: string;
  apiKey?: string;
}

interface ApiErrorBody {
  error?: { code?: string; message?: string; details?: unknown };
}

/** One line per detail: `field: message`, or `message (nodes: a, b)` for a workflow problem. */
export function detailLines(details: unknown): string[] {
  if (!Array.isArray(details)) return [];
  return details.map((d: unknown) => {
    if (typeof d !== 'object' || d === null) return String(d);
    const { field, message, nodes, index } = d as { field?: string; message?: string; nodes?: string[]; index?: number };
    if (nodes !== undefined) return `${message ?? ''}${nodes.length ? ` (nodes: ${nodes.join(', ')})` : ''}`;
    if (field !== undefined) return `${field}: ${message ?? ''}`;
    if (index !== undefined) return `item ${index}: ${message ?? JSON.stringify(d)}`;
    return message ?? JSON.stringify(d);
  });
}

/** The API's `{error: {code, message, details}}` as a CliError: a 400 is the caller's input (exit 2), anything else a failed request (exit 1). */
export function toCliError(status: number, body: unknown): CliError {
  const error = (body as ApiErrorBody | undefined)?.error;
  const code = error?.code ?? `http_${status}`;
  const message = error?.message ?? (typeof body === 'string' && body ? body.slice(0, 300) : `HTTP ${status}`);
  return new CliError(message, status === 400 ? EXIT.usage : EXIT.failed, code, detailLines(error?.details));
}

export class ApiClient {
  readonly baseUrl: string;
  constructor(private readonly options: ApiClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  url(path: string): string {
    return /^https?:\/\//.test(path) ? path : `${this.baseUrl}${path}`;
  }

  headers(extra: Record<string, string> = {}): Record<string, string> {
    return { ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}), ...extra };
  }

  /** Sends a request; any non-2xx answer throws a CliError carrying the API's code and message. */
  async request<T = unknown>(method: string, path: string, body?: unknown, query: Record<string, string | number | undefined> = {}): Promise<T> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
    const url = this.url(path) + (params.size ? `?${params.toString()}` : '');
    const init: RequestInit = { method, headers: this.headers(body === undefined ? {} : { 'content-type': 'application/json' }) };
    if (body !== undefined) init.body = JSON.stringify(body);
    const res = await this.fetch(url, init);
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text for the error line
    }
    if (!res.ok) throw toCliError(res.status, parsed);
    return parsed as T;
  }

  /** fetch, with "cannot reach the API" as one clear line instead of `fetch failed`. */
  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    try {
      return await fetch(url, init);
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw error;
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new CliError(`cannot reach the API at ${this.baseUrl} (${cause?.code ?? cause?.message ?? (error as Error).message}); is it running? (--api-url or CONVEYOR_API_URL)`, EXIT.failed, 'unreachable');
    }
  }
}
