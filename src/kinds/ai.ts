// The `ai` kind: one chat completion from any OpenAI-compatible endpoint, through the openai
// package (6.x) with a fetch over the outgoing-HTTP guard, streamed into the run's log.
// Retries are Temporal's (maxRetries 0 here), so the error classes decide them.
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { z } from 'zod';
import { guardedFetch } from '../net/guarded-fetch.js';
import { parseOutboundUrl } from '../net/guarded-request.js';
import { OutboundError } from '../net/outbound-error.js';
import { resolveAiProvider } from './ai-provider.js';
import { aiCompletionTokens, aiPromptTokens, aiRequests } from './ai-metrics.js';
import { TokenLog } from './ai-token-log.js';
import { retryAfterMs } from './http-status.js';
import { outboundPolicy, toKindError } from './http-outbound.js';
import { KindError, type KindContext, type TaskKind } from './types.js';

export const aiSpecSchema = z.strictObject({
  model: z.string().trim().min(1, 'model is required'),
  prompt: z.string().min(1, 'prompt is required'),
  system: z.string().optional(),
  temperature: z.number().min(0).max(2).optional(),
  maxTokens: z.number().int().positive().optional(),
  /** Values the prompt works on; sent after the prompt as JSON. */
  context: z.record(z.string(), z.unknown()).optional(),
  responseFormat: z.enum(['text', 'json']).default('text'),
  /** A name from CONVEYOR_AI_PROVIDERS; the default endpoint when absent. */
  provider: z.string().min(1).optional(),
});
export type AiSpec = z.output<typeof aiSpecSchema>;
export type AiSpecInput = z.input<typeof aiSpecSchema>;

export interface AiResult {
  text: string;
  json?: unknown;
  model: string;
  finishReason: string | null;
  usage: { promptTokens: number; completionTokens: number };
}

/** OpenAI's json_object mode needs the word JSON in the messages; this line also tells other models. */
const JSON_INSTRUCTION = 'Reply with one valid JSON value and nothing else.';

function messages(spec: AiSpec): OpenAI.ChatCompletionMessageParam[] {
  const system = spec.responseFormat === 'json' ? [spec.system, JSON_INSTRUCTION].filter(Boolean).join('\n\n') : spec.system;
  const context = spec.context === undefined ? '' : `\n\nContext (JSON):\n${JSON.stringify(spec.context, null, 2)}`;
  return [...(system ? [{ role: 'system' as const, content: system }] : []), { role: 'user', content: spec.prompt + context }];
}

/** The reply as JSON; a reply wrapped in one ```json fence is accepted, as models often add it. */
function parseJsonReply(text: string): unknown {
  const fenced = /^\s*```(?:json)?\s*\n([\s\S]*?)\n\s*```\s*$/i.exec(text);
  try {
    return JSON.parse(fenced ? fenced[1] : text);
  } catch {
    throw new KindError(`the reply is not valid JSON (responseFormat "json"): ${JSON.stringify(text.slice(0, 200))}`, 'transient', { type: 'AiInvalidJson' });
  }
}

/** The openai package's errors as KindErrors (seed 003 classes). Messages carry no key: the package never puts one in them. */
function classify(error: unknown, provider: string): unknown {
  if (error instanceof KindError) return error;
  if (error instanceof APIUserAbortError) return new KindError(`request to AI provider ${provider} cancelled`, 'transient', { type: 'AiCancelled' });
  if (error instanceof APIConnectionTimeoutError) return new KindError(`request to AI provider ${provider} timed out`, 'transient', { type: 'AiTimeout' });
  if (error instanceof APIConnectionError) {
    const cause = (error as { cause?: unknown }).cause;
    if (cause instanceof OutboundError) return toKindError(cause);
    return new KindError(`AI provider ${provider} unreachable: ${error.message}`, 'transient', { type: 'AiNetwork' });
  }
  if (error instanceof OutboundError) return toKindError(error);
  if (error instanceof APIError) {
    const status = error.status ?? 0;
    const message = `AI provider ${provider} answered ${status || 'an error'}: ${error.message}`;
    if (status === 429) {
      const header = error.headers?.get('retry-after-ms');
      const after = header && /^\d+$/.test(header) ? Number(header) : retryAfterMs(error.headers?.get('retry-after') ?? undefined);
      return new KindError(message, 'resource', { retryAfterMs: after, type: 'AiRateLimited' });
    }
    if (status >= 500 || status === 408 || status === 409 || status === 0) return new KindError(message, 'transient', { type: `AiStatus${status}` });
    return new KindError(message, 'permanent', { type: `AiStatus${status}` });
  }
  // The connection died mid-stream ("aborted", ECONNRESET): asking again may well work.
  const message = error instanceof Error ? error.message : String(error);
  return new KindError(`AI provider ${provider}: the reply stream broke off: ${message}`, 'transient', { type: 'AiStream' });
}

export async function executeAi(spec: AiSpec, ctx: KindContext): Promise<AiResult> {
  const provider = resolveAiProvider(spec.provider, ctx.env);
  const policy = outboundPolicy(ctx.env);
  try {
    parseOutboundUrl(provider.baseUrl);
  } catch (error) {
    throw toKindError(error);
  }
  const client = new OpenAI({ apiKey: provider.apiKey, baseURL: provider.baseUrl, fetch: guardedFetch({ policy }), maxRetries: 0, timeout: 10 * 60_000 });
  ctx.log('info', `→ ${spec.model} via ${provider.name === 'default' ? '' : `provider ${provider.name}, `}${new URL(provider.baseUrl).origin}${spec.responseFormat === 'json' ? ' (JSON reply)' : ''}`);
  const tokens = new TokenLog(ctx);
  let text = '';
  let model = spec.model;
  let finishReason: string | null = null;
  let usage = { promptTokens: 0, completionTokens: 0 };
  try {
    const stream = await client.chat.completions.create(
      {
        model: spec.model,
        messages: messages(spec),
        stream: true,
        stream_options: { include_usage: true },
        ...(spec.temperature === undefined ? {} : { temperature: spec.temperature }),
        ...(spec.maxTokens === undefined ? {} : { max_tokens: spec.maxTokens }),
        ...(spec.responseFormat === 'json' ? { response_format: { type: 'json_object' as const } } : {}),
      },
      { signal: ctx.signal },
    );
    for await (const chunk of stream) {
      if (chunk.model) model = chunk.model;
      if (chunk.usage) usage = { promptTokens: chunk.usage.prompt_tokens, completionTokens: chunk.usage.completion_tokens };
      const choice = chunk.choices[0];
      if (choice?.delta?.content) {
        text += choice.delta.content;
        tokens.write(choice.delta.content);
      }
      if (choice?.finish_reason) finishReason = choice.finish_reason;
    }
    tokens.end();
    aiPromptTokens.inc({ model }, usage.promptTokens);
    aiCompletionTokens.inc({ model }, usage.completionTokens);
    ctx.log('info', `← ${model}: ${finishReason ?? 'no finish reason'}, ${usage.promptTokens} prompt + ${usage.completionTokens} completion tokens`);
    const result: AiResult = { text, model, finishReason, usage };
    if (spec.responseFormat === 'json') result.json = parseJsonReply(text);
    aiRequests.inc({ model: spec.model, outcome: 'ok' });
    return result;
  } catch (error) {
    tokens.end();
    const failure = classify(error, provider.name);
    aiRequests.inc({ model: spec.model, outcome: failure instanceof KindError ? failure.errorClass : 'error' });
    throw failure;
  }
}

export const aiKind: TaskKind<AiSpec> = {
  kind: 'ai',
  schema: aiSpecSchema,
  execute: executeAi,
};
