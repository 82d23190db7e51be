// A kind node's rendered fields as its step record shows them (GET /api/runs/:id): every value
// under a name that says it is a secret (an Authorization header, a webhook `secret`, an env
// variable named *_TOKEN) replaced, at any depth. The kind itself gets the real values.
import { isSecretName, REDACTED } from './http-redact.js';

export function fieldsForRecord(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fieldsForRecord);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, isSecretName(key) ? REDACTED : fieldsForRecord(item)]));
}
