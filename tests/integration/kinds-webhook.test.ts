// The webhook kind against a receiver on 127.0.0.1 that checks the signature with our own
// inbound verifier (src/api/signature.ts), exactly as a Conveyor receiving it would.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySignature } from '../../src/api/signature.js';
import { executeWebhook, webhookSpecSchema, type WebhookSpecInput } from '../../src/kinds/webhook.js';
import { KindError } from '../../src/kinds/types.js';
import { failsWith, recordingContext } from '../support/recording-kind-context.js';

const SECRET = 'whsec_test_0123456789';

describe('webhook kind (receiver on 127.0.0.1)', () => {
  let server: http.Server;
  let base: string;
  const received: { url: string; headers: http.IncomingHttpHeaders; body: Buffer; verified: string }[] = [];
  /** Statuses to answer with, in order; 200 when empty. */
  const statuses: number[] = [];

  before(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        let verified = 'ok';
        try {
          verifySignature(req.headers['conveyor-signature'] as string | undefined, SECRET, body);
        } catch (error) {
          verified = (error as Error).message;
        }
        received.push({ url: req.url ?? '', headers: req.headers, body, verified });
        const status = statuses.shift() ?? (verified === 'ok' ? 200 : 401);
        res.writeHead(status, { 'content-type': 'application/json', ...(status === 429 ? { 'retry-after': '3' } : {}) }).end(JSON.stringify({ received: true }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    received.length = 0;
    statuses.length = 0;
  });

  const env = { CONVEYOR_HTTP_ALLOW: '127.0.0.1', CONVEYOR_HOOK_SECRET: SECRET };
  const run = (spec: WebhookSpecInput, settings: Record<string, string> = env) => {
    const ctx = recordingContext(settings);
    return { ctx, result: executeWebhook(webhookSpecSchema.parse(spec), ctx) };
  };

  it('POSTs JSON signed so that our own verifier accepts it', async () => {
    const { result, ctx } = run({ url: `${base}/hook`, body: { event: 'run.completed', id: 'run_1', n: [1, 2] }, secret: SECRET, headers: { 'x-delivery': 'd1' } });
    const { status, body } = await result;
    assert.equal(status, 200);
    assert.deepEqual(body, { received: true });
    const [delivery] = received;
    assert.equal(delivery.verified, 'ok');
    assert.deepEqual(JSON.parse(delivery.body.toString()), { event: 'run.completed', id: 'run_1', n: [1, 2] });
    assert.equal(delivery.headers['content-type'], 'application/json');
    assert.equal(delivery.headers['x-delivery'], 'd1');
    assert.match(delivery.headers['conveyor-signature'] as string, /^t=\d+,v1=[0-9a-f]{64}$/);
    // The log shows the request but neither the secret nor the signature.
    const log = ctx.lines.map((l) => l.message).join('\n');
    assert.ok(!log.includes(SECRET));
    assert.ok(!log.includes((delivery.headers['conveyor-signature'] as string).split('v1=')[1]));
    assert.match(log, /→ POST http:\/\/127\.0\.0\.1:\d+\/hook/);
  });

  it('signs with the secret named by secretEnv; a receiver with another secret rejects it', async () => {
    await run({ url: `${base}/hook`, body: { a: 1 }, secretEnv: 'CONVEYOR_HOOK_SECRET' }).result;
    assert.equal(received[0].verified, 'ok');
    await assert.rejects(run({ url: `${base}/hook`, body: { a: 1 }, secret: 'another-secret' }).result, failsWith('permanent', /401/));
    assert.match(received[1].verified, /signature does not match/);
  });

  it('5xx, 429 and network failures are retried (transient, resource); other 4xx are not', async () => {
    statuses.push(503, 429, 400);
    const spec = { url: `${base}/hook`, body: {}, secret: SECRET };
    await assert.rejects(run(spec).result, failsWith('transient', /503/));
    await assert.rejects(run(spec).result, (e: unknown) => failsWith('resource', /429/)(e) && (e as KindError).options.retryAfterMs === 3000);
    await assert.rejects(run(spec).result, failsWith('permanent', /400/));
    await assert.rejects(run({ ...spec, url: 'http://127.0.0.1:1/hook' }).result, failsWith('transient', /ECONNREFUSED/));
  });

  it('goes through the outgoing-HTTP guard', async () => {
    await assert.rejects(run({ url: `${base}/hook`, secret: SECRET }, { CONVEYOR_HOOK_SECRET: SECRET }).result, failsWith('permanent', /loopback/));
    assert.equal(received.length, 0);
  });

  it('needs exactly one of secret and secretEnv, and the variable set', async () => {
    assert.equal(webhookSpecSchema.safeParse({ url: base }).success, false);
    assert.equal(webhookSpecSchema.safeParse({ url: base, secret: 'a', secretEnv: 'CONVEYOR_X' }).success, false);
    assert.match(JSON.stringify(webhookSpecSchema.safeParse({ url: base, secretEnv: 'HOME' }).error?.issues), /CONVEYOR_\*/);
    await assert.rejects(run({ url: `${base}/hook`, secretEnv: 'CONVEYOR_UNSET_SECRET' }).result, failsWith('permanent', /CONVEYOR_UNSET_SECRET is not set/));
  });
});
