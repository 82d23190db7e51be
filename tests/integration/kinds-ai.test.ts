// The ai kind against a fake OpenAI-compatible server on 127.0.0.1 speaking the real wire
// format (tests/support/fake-openai.ts); the openai package does the talking, through our guard.
import assert from 'node:assert/strict';
import { aiSpecSchema, executeAi, type AiSpecInput } from '../../src/kinds/ai.js';
import { kindMetricsRegistry } from '../../src/kinds/ai-metrics.js';
import { startFakeOpenAi, type FakeOpenAi } from '../support/fake-openai.js';
import { failsWith, recordingContext } from '../support/recording-kind-context.js';

const KEY = 'sk-test-very-secret-key';

describe('ai kind (fake OpenAI-compatible server on 127.0.0.1)', () => {
  let fake: FakeOpenAi;
  let env: Record<string, string>;
  before(async () => {
    fake = await startFakeOpenAi();
    env = { CONVEYOR_HTTP_ALLOW: '127.0.0.1', CONVEYOR_AI_BASE_URL: fake.baseUrl, CONVEYOR_AI_API_KEY: KEY };
  });
  after(() => fake.close());
  beforeEach(() => {
    fake.requests.length = 0;
    fake.replies.length = 0;
  });

  const run = (spec: AiSpecInput, settings = env) => {
    const ctx = recordingContext(settings);
    return { ctx, result: executeAi(aiSpecSchema.parse(spec), ctx) };
  };

  it('streams a completion: sends model, temperature, max_tokens and messages; returns text, model, finish reason and usage', async () => {
    fake.replies.push({ kind: 'completion', pieces: ['The ', 'answer', ' is', ' 42.'], finishReason: 'stop', usage: { prompt: 31, completion: 4 }, model: 'fake-model-2026' });
    const { result, ctx } = run({ model: 'fake-model', prompt: 'What is the answer?', system: 'Be brief.', temperature: 0.2, maxTokens: 64, context: { doc: 'Deep Thought' } });
    assert.deepEqual(await result, { text: 'The answer is 42.', model: 'fake-model-2026', finishReason: 'stop', usage: { promptTokens: 31, completionTokens: 4 } });
    assert.equal(fake.requests.length, 1);
    const { body, headers } = fake.requests[0];
    assert.equal(body.model, 'fake-model');
    assert.equal(body.temperature, 0.2);
    assert.equal(body.max_tokens, 64);
    assert.equal(body.stream, true);
    assert.deepEqual(body.stream_options, { include_usage: true });
    assert.equal(body.response_format, undefined);
    assert.deepEqual(body.messages, [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'What is the answer?\n\nContext (JSON):\n{\n  "doc": "Deep Thought"\n}' },
    ]);
    assert.equal(headers.authorization, `Bearer ${KEY}`);
    // Tokens are batched into lines: the four pieces make one line, not four.
    const messages = ctx.lines.map((l) => l.message);
    assert.ok(messages.includes('The answer is 42.'), messages.join('\n'));
    assert.ok(!messages.includes('answer'));
    assert.ok(!messages.join('\n').includes(KEY), 'the API key reached the log');
  });

  it('writes streamed text a line at a time', async () => {
    fake.replies.push({ kind: 'completion', pieces: ['one', '\ntw', 'o\nthr', 'ee'], usage: { prompt: 1, completion: 3 } });
    const { result, ctx } = run({ model: 'fake-model', prompt: 'count' });
    assert.equal((await result).text, 'one\ntwo\nthree');
    const lines = ctx.lines.map((l) => l.message);
    const first = lines.indexOf('one');
    assert.deepEqual(lines.slice(first, first + 3), ['one', 'two', 'three']);
  });

  it('responseFormat json: asks for a JSON object and returns it parsed', async () => {
    fake.replies.push({ kind: 'completion', pieces: ['{"sentiment":', ' "positive", "score": 0.9}'], usage: { prompt: 5, completion: 9 } });
    const out = await run({ model: 'fake-model', prompt: 'Rate this', responseFormat: 'json' }).result;
    assert.deepEqual(out.json, { sentiment: 'positive', score: 0.9 });
    const { body } = fake.requests[0];
    assert.deepEqual(body.response_format, { type: 'json_object' });
    assert.match(body.messages[0].content, /JSON/);
  });

  it('responseFormat json: a reply that does not parse fails the attempt as transient (so it is retried)', async () => {
    fake.replies.push({ kind: 'completion', pieces: ['{"sentiment": posi', 'tive'], usage: { prompt: 5, completion: 4 } });
    await assert.rejects(run({ model: 'fake-model', prompt: 'Rate this', responseFormat: 'json' }).result, failsWith('transient', /not valid JSON/, (e) => assert.equal(e.options.type, 'AiInvalidJson')));
  });

  it('429 is a resource error with Retry-After as retryAfterMs', async () => {
    fake.replies.push({ kind: 'status', status: 429, headers: { 'retry-after': '12' }, body: { error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } } });
    await assert.rejects(run({ model: 'fake-model', prompt: 'hi' }).result, failsWith('resource', /429.*Rate limit reached/, (e) => assert.equal(e.options.retryAfterMs, 12_000)));
    assert.equal(fake.requests.length, 1, 'the client retried by itself; Temporal should');
  });

  it('500 is transient, 400 and 401 permanent; the key is in no message', async () => {
    fake.replies.push({ kind: 'status', status: 500 }, { kind: 'status', status: 400, body: { error: { message: 'max_tokens is too large' } } }, { kind: 'status', status: 401, body: { error: { message: 'Incorrect API key provided' } } });
    await assert.rejects(run({ model: 'fake-model', prompt: 'hi' }).result, failsWith('transient', /500/));
    await assert.rejects(run({ model: 'fake-model', prompt: 'hi' }).result, failsWith('permanent', /400.*max_tokens is too large/));
    await assert.rejects(run({ model: 'fake-model', prompt: 'hi' }).result, (e: Error) => failsWith('permanent', /401/)(e) && !e.message.includes(KEY));
  });

  it('a stream that breaks off is transient', async () => {
    fake.replies.push({ kind: 'broken-stream', pieces: ['half a'] });
    const { result, ctx } = run({ model: 'fake-model', prompt: 'hi' });
    await assert.rejects(result, failsWith('transient', /stream broke off/));
    assert.ok(ctx.lines.some((l) => l.message === 'half a'), 'the text that did arrive is in the log');
  });

  it('a named provider from CONVEYOR_AI_PROVIDERS, with its own key variable', async () => {
    const settings = {
      CONVEYOR_HTTP_ALLOW: '127.0.0.1',
      CONVEYOR_AI_PROVIDERS: JSON.stringify({ local: { baseUrl: fake.baseUrl, apiKeyEnv: 'CONVEYOR_LOCAL_AI_KEY' } }),
      CONVEYOR_LOCAL_AI_KEY: 'local-key',
    };
    await run({ model: 'fake-model', prompt: 'hi', provider: 'local' }, settings).result;
    assert.equal(fake.requests[0].headers.authorization, 'Bearer local-key');
    await assert.rejects(run({ model: 'm', prompt: 'hi', provider: 'elsewhere' }, settings).result, failsWith('permanent', /unknown AI provider "elsewhere" \(known: local\)/));
    await assert.rejects(run({ model: 'm', prompt: 'hi', provider: 'local' }, { ...settings, CONVEYOR_LOCAL_AI_KEY: '' }).result, failsWith('permanent', /set CONVEYOR_LOCAL_AI_KEY/));
  });

  it('the base URL goes through the outgoing-HTTP guard', async () => {
    await assert.rejects(run({ model: 'fake-model', prompt: 'hi' }, { ...env, CONVEYOR_HTTP_ALLOW: '' }).result, failsWith('permanent', /127\.0\.0\.1: loopback/, (e) => assert.equal(e.options.type, 'HttpRefused')));
    assert.equal(fake.requests.length, 0);
  });

  it('without a key it fails permanently, naming the variable', async () => {
    await assert.rejects(run({ model: 'fake-model', prompt: 'hi' }, { ...env, CONVEYOR_AI_API_KEY: '' }).result, failsWith('permanent', /CONVEYOR_AI_API_KEY/));
  });

  it('counts tokens per model in Prometheus counters', async () => {
    const value = async (name: string, model: string) =>
      (await kindMetricsRegistry.getSingleMetric(name)!.get()).values.find((v) => v.labels.model === model)?.value ?? 0;
    const before = [await value('conveyor_ai_prompt_tokens_total', 'metered-model'), await value('conveyor_ai_completion_tokens_total', 'metered-model')];
    fake.replies.push({ kind: 'completion', pieces: ['a'], usage: { prompt: 100, completion: 7 }, model: 'metered-model' });
    await run({ model: 'metered-model', prompt: 'hi' }).result;
    assert.equal(await value('conveyor_ai_prompt_tokens_total', 'metered-model'), before[0] + 100);
    assert.equal(await value('conveyor_ai_completion_tokens_total', 'metered-model'), before[1] + 7);
    assert.match(await kindMetricsRegistry.metrics(), /conveyor_ai_requests_total\{model="metered-model",outcome="ok"\} 1/);
  });

  it('rejects bad specs naming the field', () => {
    const parsed = aiSpecSchema.safeParse({ model: '', prompt: 'x', temperature: 3, responseFormat: 'xml' });
    assert.equal(parsed.success, false);
    const fields = parsed.error!.issues.map((i) => i.path.join('.')).sort();
    assert.deepEqual(fields, ['model', 'responseFormat', 'temperature']);
  });
});
