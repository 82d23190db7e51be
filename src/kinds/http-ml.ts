// `ml.http(spec)` and `ml.ai(spec)`: a code task calls the http and ai kinds with the same
// guard, logging and error classes as a task file or DAG node, through a KindContext over `ml`.
import type { z } from 'zod';
import type { Ml } from '../tasks/ml.types.js';
import { aiSpecSchema, executeAi, type AiResult, type AiSpecInput } from './ai.js';
import { executeHttp, httpSpecSchema, type HttpResult, type HttpSpecInput } from './http.js';
import { kindContextFromMl } from './ml-context.js';
import { KindError, type KindContext } from './types.js';

function parseSpec<S extends z.ZodType>(schema: S, spec: unknown, helper: string): z.output<S> {
  const parsed = schema.safeParse(spec);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.map(String).join('.') || 'spec'}: ${issue.message}`);
  throw new KindError(`${helper}: invalid spec: ${problems.join('; ')}`, 'permanent', { type: 'InvalidSpec' });
}

export interface OutboundHelpers {
  http(spec: HttpSpecInput): Promise<HttpResult>;
  ai(spec: AiSpecInput): Promise<AiResult>;
}

/** The helpers for one `ml`; `env` gives the kinds' settings (CONVEYOR_* variables) when a helper is called. */
export function outboundHelpers(ml: () => Ml, env: () => KindContext['env']): OutboundHelpers {
  return {
    http: async (spec) => executeHttp(parseSpec(httpSpecSchema, spec, 'ml.http'), kindContextFromMl(ml(), env())),
    ai: async (spec) => executeAi(parseSpec(aiSpecSchema, spec, 'ml.ai'), kindContextFromMl(ml(), env())),
  };
}
