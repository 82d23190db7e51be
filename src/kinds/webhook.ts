// The `webhook` kind: a JSON POST signed as Conveyor signs webhooks (src/api/signature.ts, the
// one home of the scheme): `Conveyor-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`.
// It goes out through the http kind, so it gets the same guard, logging and error classes:
// 5xx, 429 and network failures are retried; other 4xx are not.
import { z } from 'zod';
import { SIGNATURE_HEADER, signPayload } from '../api/signature.js';
import { durationMsSchema } from '../tasks/duration-schema.js';
import { DEFAULT_MAX_RESPONSE_BYTES, executeHttp, type HttpResult } from './http.js';
import { KindError, type KindContext, type TaskKind } from './types.js';

export const webhookSpecSchema = z
  .strictObject({
    url: z.string().trim().min(1, 'url is required'),
    /** Sent as JSON; the signature covers exactly the bytes sent. */
    body: z.unknown().optional(),
    headers: z.record(z.string(), z.string()).optional(),
    /** The signing secret itself (it is then stored with the definition: prefer secretEnv). */
    secret: z.string().min(1).optional(),
    /** The CONVEYOR_* variable holding the signing secret. */
    secretEnv: z.string().regex(/^CONVEYOR_[A-Z0-9_]+$/, 'must name a CONVEYOR_* variable (the only ones kinds can read)').optional(),
    timeout: durationMsSchema('timeout', 1).default(30_000),
    maxResponseBytes: z.number().int().positive().default(DEFAULT_MAX_RESPONSE_BYTES),
  })
  .refine((spec) => (spec.secret === undefined) !== (spec.secretEnv === undefined), { message: 'give exactly one of secret and secretEnv', path: ['secret'] });
export type WebhookSpec = z.output<typeof webhookSpecSchema>;
export type WebhookSpecInput = z.input<typeof webhookSpecSchema>;

function signingSecret(spec: WebhookSpec, env: KindContext['env']): string {
  if (spec.secret !== undefined) return spec.secret;
  const secret = env[spec.secretEnv!];
  if (!secret) throw new KindError(`secretEnv: ${spec.secretEnv} is not set (it holds the webhook signing secret)`, 'permanent', { type: 'WebhookSecret' });
  return secret;
}

export async function executeWebhook(spec: WebhookSpec, ctx: KindContext): Promise<HttpResult> {
  const secret = signingSecret(spec, ctx.env);
  const body = JSON.stringify(spec.body ?? null);
  const timestamp = Math.floor(Date.now() / 1000);
  const headers = {
    'user-agent': 'Conveyor-Webhook',
    ...spec.headers,
    'content-type': 'application/json',
    [SIGNATURE_HEADER]: `t=${timestamp},v1=${signPayload(secret, timestamp, body)}`,
  };
  // No redirects: following one would turn the POST into a GET or re-send it somewhere unsigned-for.
  return executeHttp(
    { method: 'POST', url: spec.url, headers, body, timeout: spec.timeout, maxResponseBytes: spec.maxResponseBytes, followRedirects: 0 },
    ctx,
  );
}

export const webhookKind: TaskKind<WebhookSpec> = {
  kind: 'webhook',
  schema: webhookSpecSchema,
  execute: executeWebhook,
};
