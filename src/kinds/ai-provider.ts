// Which OpenAI-compatible endpoint an `ai` spec talks to: the default one
// (CONVEYOR_AI_BASE_URL, CONVEYOR_AI_API_KEY) or a named provider from CONVEYOR_AI_PROVIDERS,
// a JSON object {"<name>": {"baseUrl": "...", "apiKeyEnv": "CONVEYOR_..."}}. Keys are read from
// the kind's settings (CONVEYOR_* variables only), never from the spec, and never logged.
import { z } from 'zod';
import { KindError, type KindContext } from './types.js';

export const DEFAULT_AI_BASE_URL = 'https://api.openai.com/v1';

export interface AiProvider {
  name: string;
  baseUrl: string;
  apiKey: string;
}

const providersSchema = z.record(
  z.string(),
  z.strictObject({
    baseUrl: z.string().url(),
    apiKeyEnv: z.string().regex(/^CONVEYOR_[A-Z0-9_]+$/, 'must name a CONVEYOR_* variable (the only ones kinds can read)'),
  }),
);

const invalid = (message: string) => new KindError(message, 'permanent', { type: 'AiProvider' });

function namedProviders(env: KindContext['env']): z.infer<typeof providersSchema> {
  const text = env.CONVEYOR_AI_PROVIDERS;
  if (!text) return {};
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw invalid('CONVEYOR_AI_PROVIDERS is not valid JSON (expected {"name": {"baseUrl": "...", "apiKeyEnv": "CONVEYOR_..."}})');
  }
  const parsed = providersSchema.safeParse(json);
  if (!parsed.success) {
    throw invalid(`CONVEYOR_AI_PROVIDERS: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

export function resolveAiProvider(name: string | undefined, env: KindContext['env']): AiProvider {
  if (name === undefined || name === 'default') {
    const apiKey = env.CONVEYOR_AI_API_KEY;
    if (!apiKey) throw invalid('no API key for the default AI provider: set CONVEYOR_AI_API_KEY (and CONVEYOR_AI_BASE_URL for an endpoint other than OpenAI)');
    return { name: 'default', baseUrl: env.CONVEYOR_AI_BASE_URL || DEFAULT_AI_BASE_URL, apiKey };
  }
  const providers = namedProviders(env);
  const provider = Object.hasOwn(providers, name) ? providers[name] : undefined;
  if (!provider) {
    const known = Object.keys(providers);
    throw invalid(`provider: unknown AI provider ${JSON.stringify(name)} (${known.length ? `known: ${known.join(', ')}` : 'CONVEYOR_AI_PROVIDERS names none'})`);
  }
  const apiKey = env[provider.apiKeyEnv];
  if (!apiKey) throw invalid(`no API key for AI provider ${JSON.stringify(name)}: set ${provider.apiKeyEnv}`);
  return { name, baseUrl: provider.baseUrl, apiKey };
}
