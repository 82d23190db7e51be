// What outgoing-HTTP log lines may show: header values and query parameters whose names say
// they carry a secret are replaced, so a log never holds a token, a cookie or a key.
import type { IncomingHttpHeaders } from 'node:http';

const SECRET_NAMES = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key']);
const SECRET_PATTERN = /token|secret|key|password|passwd|auth|session|signature|credential/i;
export const REDACTED = '[redacted]';

export function isSecretName(name: string): boolean {
  return SECRET_NAMES.has(name.toLowerCase()) || SECRET_PATTERN.test(name);
}

export function redactHeaders(headers: Record<string, string> | IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name] = isSecretName(name) ? REDACTED : Array.isArray(value) ? value.join(', ') : String(value);
  }
  return out;
}

/** The URL as a log line shows it: credentials in the userinfo and secret query values replaced. */
export function redactUrl(url: URL): string {
  const copy = new URL(url);
  if (copy.username) copy.username = REDACTED;
  if (copy.password) copy.password = REDACTED;
  for (const name of [...new Set(copy.searchParams.keys())]) {
    if (isSecretName(name)) copy.searchParams.set(name, REDACTED);
  }
  return copy.toString();
}
