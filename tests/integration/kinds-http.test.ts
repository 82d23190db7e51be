// The http kind against real servers on 127.0.0.1 (allowed explicitly with CONVEYOR_HTTP_ALLOW).
// Refused destinations in these tests are loopback addresses too (127.0.0.2, [::1]), so even
// a broken guard would send nothing off this machine.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { executeHttp, httpSpecSchema, type HttpSpecInput } from '../../src/kinds/http.js';
import { failsWith, recordingContext } from '../support/recording-kind-context.js';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

async function listen(handler: (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void) {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handler(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, seen, base: `http://127.0.0.1:${port}`, port };
}

const ALLOW = { CONVEYOR_HTTP_ALLOW: '127.0.0.1' };
const run = (spec: HttpSpecInput, env: Record<string, string> = ALLOW) => {
  const ctx = recordingContext(env);
  return { ctx, result: executeHttp(httpSpecSchema.parse(spec), ctx) };
};

describe('http kind (real servers on 127.0.0.1)', () => {
  let main: Awaited<ReturnType<typeof listen>>;
  let other: Awaited<ReturnType<typeof listen>>;
  let flakyCalls = 0;
  let bigBytesWritten = 0;

  before(async () => {
    other = await listen((_req, res, _body) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ other: true })));
    main = await listen((req, res, body) => {
      const url = new URL(req.url ?? '/', 'http://x');
      switch (url.pathname) {
        case '/echo':
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ method: req.method, query: url.search, body }));
          return;
        case '/text':
          res.writeHead(200, { 'content-type': 'text/plain' }).end('plain words');
          return;
        case '/redirect-same':
          res.writeHead(302, { location: '/echo' }).end();
          return;
        case '/redirect-other':
          res.writeHead(307, { location: `${other.base}/landed` }).end();
          return;
        case '/redirect-refused':
          res.writeHead(302, { location: `http://127.0.0.2:${main.port}/echo` }).end();
          return;
        case '/redirect-v6':
          res.writeHead(302, { location: `http://[::1]:${main.port}/echo` }).end();
          return;
        case '/redirect-file':
          res.writeHead(302, { location: 'file:///etc/passwd' }).end();
          return;
        case '/loop':
          res.writeHead(302, { location: '/loop' }).end();
          return;
        case '/see-other':
          res.writeHead(303, { location: '/echo' }).end();
          return;
        case '/slow':
          return; // never answers
        case '/reset':
          req.socket.destroy();
          return;
        case '/flaky':
          if (++flakyCalls === 1) res.writeHead(503, { 'content-type': 'text/plain' }).end('try later');
          else res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
          return;
        case '/limited':
          res.writeHead(429, { 'retry-after': url.searchParams.get('after') ?? '7' }).end('slow down');
          return;
        case '/missing':
          res.writeHead(404).end('no such thing');
          return;
        case '/big': {
          // 20 MB in 64 KB chunks, without content-length: only the reader's cap can stop it.
          const chunk = Buffer.alloc(64 * 1024, 'x');
          let left = 320;
          res.writeHead(200, { 'content-type': 'application/octet-stream' });
          const write = () => {
            while (left > 0) {
              left--;
              bigBytesWritten += chunk.length;
              if (!res.write(chunk)) return void res.once('drain', write);
            }
            res.end();
          };
          res.on('error', () => undefined);
          write();
          return;
        }
        case '/big-declared':
          res.writeHead(200, { 'content-length': String(20 * 1024 * 1024) });
          res.write('x');
          return; // the declared length alone refuses it; the rest never comes
        default:
          res.writeHead(500).end();
      }
    });
  });
  after(async () => {
    main.server.closeAllConnections();
    other.server.closeAllConnections();
    await Promise.all([main, other].map(({ server }) => new Promise((resolve) => server.close(resolve))));
  });

  it('sends method, query, headers and a JSON body; parses a JSON response', async () => {
    const { result, ctx } = run({ method: 'post', url: `${main.base}/echo`, query: { q: 'a b', n: [1, 2] }, headers: { 'x-trace': 't1' }, body: { hello: 'world' } });
    const { status, headers, body } = await result;
    assert.equal(status, 200);
    assert.equal(headers['content-type'], 'application/json');
    assert.deepEqual(body, { method: 'POST', query: '?q=a+b&n=1&n=2', body: '{"hello":"world"}' });
    const seen = main.seen.at(-1)!;
    assert.equal(seen.headers['content-type'], 'application/json');
    assert.equal(seen.headers['x-trace'], 't1');
    assert.match(ctx.lines[0].message, /^→ POST http:\/\/127\.0\.0\.1:\d+\/echo\?q=a\+b&n=1&n=2/);
    assert.match(ctx.lines.at(-1)!.message, /^← 200 OK in \d+ ms, \d+ bytes/);
  });

  it('returns text as text', async () => {
    assert.equal((await run({ method: 'GET', url: `${main.base}/text` }).result).body, 'plain words');
  });

  it('redacts secret headers and query values in its log lines', async () => {
    const secrets = ['Bearer sk-live-123', 'session=abc', 'k-999', 'tok-777', 'pw-555'];
    const { ctx, result } = run({
      method: 'GET',
      url: `${main.base}/echo?access_token=tok-777`,
      query: { password: 'pw-555', page: 2 },
      headers: { Authorization: secrets[0], Cookie: secrets[1], 'X-Api-Key': secrets[2], 'X-Request-Id': 'visible' },
    });
    await result;
    const log = ctx.lines.map((l) => l.message).join('\n');
    for (const secret of secrets) assert.ok(!log.includes(secret), `${secret} leaked into the log:\n${log}`);
    assert.match(log, /"Authorization":"\[redacted\]"/);
    assert.match(log, /"X-Request-Id":"visible"/);
    assert.match(log, /page=2/);
    // What was sent is untouched.
    assert.equal(main.seen.at(-1)!.headers.authorization, secrets[0]);
  });

  it('follows a same-origin redirect with credentials', async () => {
    const { result, ctx } = run({ method: 'GET', url: `${main.base}/redirect-same`, headers: { authorization: 'Bearer same' } });
    assert.equal((await result).status, 200);
    assert.equal(main.seen.at(-1)!.url, '/echo');
    assert.equal(main.seen.at(-1)!.headers.authorization, 'Bearer same');
    assert.ok(ctx.lines.some((l) => /↪ 302 redirect to/.test(l.message)));
  });

  it('drops Authorization and Cookie on a cross-origin redirect', async () => {
    const { result, ctx } = run({ method: 'GET', url: `${main.base}/redirect-other`, headers: { Authorization: 'Bearer mine', Cookie: 'a=b', 'X-Keep': 'kept' } });
    assert.deepEqual((await result).body, { other: true });
    const landed = other.seen.at(-1)!;
    assert.equal(landed.url, '/landed');
    assert.equal(landed.headers.authorization, undefined);
    assert.equal(landed.headers.cookie, undefined);
    assert.equal(landed.headers['x-keep'], 'kept');
    assert.ok(ctx.lines.some((l) => /cross-origin: dropped authorization, cookie/.test(l.message)));
  });

  it('turns a POST into a GET without a body on 303', async () => {
    const { result } = run({ method: 'POST', url: `${main.base}/see-other`, body: 'data' });
    assert.deepEqual((await result).body, { method: 'GET', query: '', body: '' });
  });

  it('refuses a redirect to an address that is not allowed (checked on every hop), and to another scheme', async () => {
    const before = main.seen.length;
    await assert.rejects(run({ method: 'GET', url: `${main.base}/redirect-refused` }).result, failsWith('permanent', /127\.0\.0\.2: loopback/));
    await assert.rejects(run({ method: 'GET', url: `${main.base}/redirect-v6` }).result, failsWith('permanent', /::1: loopback/));
    await assert.rejects(run({ method: 'GET', url: `${main.base}/redirect-file` }).result, failsWith('permanent', /only http and https/));
    // Each request reached the first hop only.
    assert.deepEqual(main.seen.slice(before).map((s) => s.url), ['/redirect-refused', '/redirect-v6', '/redirect-file']);
  });

  it('refuses 127.0.0.1 itself when CONVEYOR_HTTP_ALLOW does not list it', async () => {
    const before = main.seen.length;
    await assert.rejects(run({ method: 'GET', url: `${main.base}/echo` }, {}).result, failsWith('permanent', /loopback address/, (e) => assert.equal(e.options.type, 'HttpRefused')));
    assert.equal(main.seen.length, before);
  });

  it('refuses a URL that does not parse or is not http(s), permanently', async () => {
    await assert.rejects(run({ method: 'GET', url: 'not a url' }).result, failsWith('permanent', /not a valid URL/));
    await assert.rejects(run({ method: 'GET', url: 'ftp://127.0.0.1/file', query: { a: 1 } }).result, failsWith('permanent', /only http and https/));
  });

  it('stops after followRedirects redirects; 0 returns the redirect itself', async () => {
    await assert.rejects(run({ method: 'GET', url: `${main.base}/loop`, followRedirects: 3 }).result, failsWith('permanent', /more than 3 redirects/));
    const { result } = run({ method: 'GET', url: `${main.base}/redirect-same`, followRedirects: 0, expectStatus: 302 });
    assert.equal((await result).headers.location, '/echo');
  });

  it('times out as transient', async () => {
    await assert.rejects(run({ method: 'GET', url: `${main.base}/slow`, timeout: '300ms' }).result, failsWith('transient', /timed out/));
  });

  it('a cancelled attempt aborts the request', async () => {
    const { ctx, result } = run({ method: 'GET', url: `${main.base}/slow` });
    setTimeout(() => ctx.cancel(), 100);
    await assert.rejects(result, failsWith('transient', /cancelled/));
  });

  it('a connection reset is transient', async () => {
    await assert.rejects(run({ method: 'GET', url: `${main.base}/reset` }).result, failsWith('transient', /ECONNRESET|socket hang up/));
  });

  it('5xx is transient; the retried call gets the 200', async () => {
    await assert.rejects(run({ method: 'GET', url: `${main.base}/flaky` }).result, failsWith('transient', /503 Service Unavailable: try later/));
    assert.deepEqual((await run({ method: 'GET', url: `${main.base}/flaky` }).result).body, { ok: true });
  });

  it('429 is a resource error carrying Retry-After (seconds or an HTTP date)', async () => {
    await assert.rejects(run({ method: 'GET', url: `${main.base}/limited?after=7` }).result, failsWith('resource', /429/, (e) => assert.equal(e.options.retryAfterMs, 7000)));
    const date = new Date(Date.now() + 60_000).toUTCString();
    await assert.rejects(run({ method: 'GET', url: `${main.base}/limited?after=${encodeURIComponent(date)}` }).result, failsWith('resource', /429/, (e) => {
      assert.ok(e.options.retryAfterMs! > 50_000 && e.options.retryAfterMs! <= 60_000, String(e.options.retryAfterMs));
    }));
  });

  it('other 4xx is permanent unless expected', async () => {
    await assert.rejects(run({ method: 'GET', url: `${main.base}/missing` }).result, failsWith('permanent', /404 Not Found/));
    for (const expectStatus of [404, '4xx', '400-404', [200, 404]] as const) {
      assert.equal((await run({ method: 'GET', url: `${main.base}/missing`, expectStatus: expectStatus as never }).result).status, 404);
    }
  });

  it('cuts a 20 MB response at maxResponseBytes (10 MB by default), permanent', async () => {
    await assert.rejects(run({ method: 'GET', url: `${main.base}/big` }).result, failsWith('permanent', /passed maxResponseBytes \(10485760 bytes\): cut after reading 10\d{6} bytes/));
    await assert.rejects(run({ method: 'GET', url: `${main.base}/big-declared`, maxResponseBytes: 1000 }).result, failsWith('permanent', /20971520 bytes \(content-length\) is over maxResponseBytes \(1000 bytes\)/));
    assert.ok(bigBytesWritten < 20 * 1024 * 1024, `the server wrote all ${bigBytesWritten} bytes: the reader did not stop`);
  });

  it('rejects bad specs naming the field', () => {
    const problems = httpSpecSchema.safeParse({ method: 'GET', url: 'http://x', expectStatus: 'teapot', timeout: 'soon', extra: 1 });
    assert.equal(problems.success, false);
    const fields = problems.error!.issues.map((i) => i.path.join('.') || i.message).join(' ');
    for (const field of ['expectStatus', 'timeout']) assert.match(fields, new RegExp(field));
    assert.match(JSON.stringify(problems.error!.issues), /extra/);
  });
});
