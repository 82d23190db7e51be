// Token usage of the `ai` kind, per model, as Prometheus counters. They live in the worker
// process (where kinds run), in a registry of their own: the API's registry (src/api/metrics.ts)
// is another process's. `kindMetricsRegistry.metrics()` renders them for whoever serves them.
import { Counter, Registry } from 'prom-client';

export const kindMetricsRegistry = new Registry();

export const aiPromptTokens = new Counter({
  name: 'conveyor_ai_prompt_tokens_total',
  help: 'Prompt tokens used by ai tasks and ml.ai, by model',
  labelNames: ['model'] as const,
  registers: [kindMetricsRegistry],
});
export const aiCompletionTokens = new Counter({
  name: 'conveyor_ai_completion_tokens_total',
  help: 'Completion tokens used by ai tasks and ml.ai, by model',
  labelNames: ['model'] as const,
  registers: [kindMetricsRegistry],
});
export const aiRequests = new Counter({
  name: 'conveyor_ai_requests_total',
  help: 'Chat completion requests of ai tasks and ml.ai, by model and outcome (ok, or the error class)',
  labelNames: ['model', 'outcome'] as const,
  registers: [kindMetricsRegistry],
});
