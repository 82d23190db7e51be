// The outgoing-HTTP guard's classification, on literal addresses only: no test here sends a
// packet anywhere but the loopback interface, whatever the guard decides.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseOutboundPolicy, PolicyError, refusalOf, refusedRangeOf } from '../../src/net/address-policy.js';
import { guardedAgents } from '../../src/net/guarded-agent.js';
import { OutboundError } from '../../src/net/outbound-error.js';
import { sendGuarded } from '../../src/net/guarded-request.js';

const NOTHING_ALLOWED = parseOutboundPolicy(undefined);

describe('outgoing HTTP guard: address classification', () => {
  const refused: [string, RegExp][] = [
    ['10.0.0.1', /private/],
    ['172.16.5.4', /private/],
    ['192.168.1.1', /private/],
    ['100.64.0.1', /carrier-grade NAT/],
    ['169.254.169.254', /metadata/],
    ['169.254.1.1', /link-local/],
    ['127.0.0.1', /loopback/],
    ['::1', /loopback/],
    ['fc00::1', /unique local/],
    ['fe80::1', /link-local/],
    ['[::ffff:127.0.0.1]', /IPv4-mapped/],
    ['::ffff:10.0.0.1', /IPv4-mapped/],
    ['224.0.0.1', /multicast/],
    ['ff02::1', /multicast/],
    ['0.0.0.0', /unspecified/],
    ['::', /unspecified/],
    ['255.255.255.255', /reserved/],
  ];
  for (const [address, why] of refused) {
    it(`refuses ${address}`, () => {
      const range = refusedRangeOf(address);
      assert.ok(range, `${address} should be refused`);
      assert.match(range.why, why);
      const refusal = refusalOf(address, address, NOTHING_ALLOWED);
      assert.match(refusal ?? '', /refused to connect/);
      assert.match(refusal ?? '', /CONVEYOR_HTTP_ALLOW/);
    });
  }

  it('allows public unicast literals', () => {
    for (const address of ['93.184.216.34', '8.8.8.8', '2606:2800:220:1:248:1893:25c8:1946']) {
      assert.equal(refusedRangeOf(address), undefined, address);
      assert.equal(refusalOf(address, address, NOTHING_ALLOWED), undefined, address);
    }
  });

  it('classifies the address a URL really names (hex, integer and mapped forms are normalised first)', () => {
    for (const url of ['http://0x7f.1/', 'http://2130706433/', 'http://[::ffff:127.0.0.1]/', 'http://[::ffff:a00:1]/']) {
      assert.ok(refusedRangeOf(new URL(url).hostname), url);
    }
  });

  it('allows what CONVEYOR_HTTP_ALLOW lists: an address, a CIDR, a host name', () => {
    const policy = parseOutboundPolicy(' 127.0.0.1, 10.1.0.0/16 ,fd00::/8, Internal.Example ');
    assert.equal(refusalOf('127.0.0.1', '127.0.0.1', policy), undefined);
    assert.equal(refusalOf('10.1.200.3', '10.1.200.3', policy), undefined);
    assert.match(refusalOf('10.2.0.1', '10.2.0.1', policy) ?? '', /private/);
    assert.equal(refusalOf('fd00::5', 'fd00::5', policy), undefined);
    assert.match(refusalOf('127.0.0.2', '127.0.0.2', policy) ?? '', /loopback/);
    // A listed name may resolve anywhere; another name resolving to the same address may not.
    assert.equal(refusalOf('192.168.1.1', 'internal.example', policy), undefined);
    assert.match(refusalOf('192.168.1.1', 'other.example', policy) ?? '', /other\.example resolved to it/);
    // The IPv4-mapped form of an allowed IPv4 address is still refused.
    assert.match(refusalOf('::ffff:127.0.0.1', '::ffff:127.0.0.1', policy) ?? '', /IPv4-mapped/);
  });

  it('names a bad CONVEYOR_HTTP_ALLOW entry', () => {
    assert.throws(() => parseOutboundPolicy('10.0.0.0/33'), (e: Error) => e instanceof PolicyError && /"10\.0\.0\.0\/33" is not a valid CIDR/.test(e.message));
    assert.throws(() => parseOutboundPolicy('host name with spaces'), /CONVEYOR_HTTP_ALLOW: "host name with spaces"/);
    assert.throws(() => parseOutboundPolicy('nothost/8'), /not a valid CIDR/);
  });
});

describe('outgoing HTTP guard: the agents check the address connected to (loopback only)', () => {
  let server: http.Server;
  let port: number;
  let hits = 0;
  before(async () => {
    server = http.createServer((_req, res) => {
      hits++;
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** A GET through the guarded agent; `lookup` stands in for DNS, as a rebinding resolver would answer. */
  function get(url: string, policy = NOTHING_ALLOWED, lookup?: (host: string, options: object, cb: (...args: unknown[]) => void) => void) {
    return new Promise<number>((resolve, reject) => {
      const req = http.get(url, { agent: guardedAgents(policy).http, ...(lookup ? { lookup: lookup as never } : {}) }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
    });
  }

  it('refuses a host name that resolves to 127.0.0.1 (localhost) at connect time', async () => {
    const before = hits;
    await assert.rejects(get(`http://localhost:${port}/`), (e: Error) => e instanceof OutboundError && e.failure === 'refused' && /loopback/.test(e.message));
    assert.equal(hits, before);
  });

  it('refuses a name whose lookup answers a refused address, and allows it once the address is listed', async () => {
    const rebinding = (_host: string, options: object, cb: (...args: unknown[]) => void) =>
      (options as { all?: boolean }).all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4);
    const before = hits;
    await assert.rejects(get(`http://public.example:${port}/`, NOTHING_ALLOWED, rebinding), /public\.example resolved to it/);
    assert.equal(hits, before);
    assert.equal(await get(`http://public.example:${port}/`, parseOutboundPolicy('127.0.0.1'), rebinding), 200);
    assert.equal(hits, before + 1);
  });

  it('refuses loopback literals in every spelling unless listed', async () => {
    for (const url of [`http://127.0.0.1:${port}/`, `http://[::1]:${port}/`, `http://[::ffff:127.0.0.1]:${port}/`, `http://0x7f.1:${port}/`]) {
      await assert.rejects(sendGuarded({ method: 'GET', url, followRedirects: 0, policy: NOTHING_ALLOWED }), (e: Error) => e instanceof OutboundError && e.failure === 'refused', url);
    }
    // The https agent guards the same way (refused before any TLS handshake could start).
    const before = hits;
    for (const url of [`https://localhost:${port}/`, `https://127.0.0.1:${port}/`]) {
      await assert.rejects(sendGuarded({ method: 'GET', url, followRedirects: 0, policy: NOTHING_ALLOWED }), (e: Error) => e instanceof OutboundError && e.failure === 'refused', url);
    }
    assert.equal(hits, before);
    const ok = await sendGuarded({ method: 'GET', url: `http://127.0.0.1:${port}/`, followRedirects: 0, policy: parseOutboundPolicy('127.0.0.1') });
    ok.body.resume();
    assert.equal(ok.status, 200);
  });

  it('only speaks http and https', async () => {
    for (const url of ['file:///etc/passwd', 'ftp://127.0.0.1/', 'gopher://127.0.0.1/']) {
      await assert.rejects(sendGuarded({ method: 'GET', url, followRedirects: 0, policy: parseOutboundPolicy('127.0.0.1') }), (e: Error) => e instanceof OutboundError && e.failure === 'protocol');
    }
  });
});
