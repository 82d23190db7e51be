// The node:http(s) agents every outgoing request uses. request-filtering-agent checks the
// address actually connected to: a literal host before connecting, a name in the DNS lookup
// that the socket itself performs, so a name that resolves (or re-resolves: DNS rebinding)
// into a refused range is caught on the address used, not on an earlier lookup.
// Our policy (address-policy.ts: the named ranges and CONVEYOR_HTTP_ALLOW) runs at the same
// two points. With nothing allowed, both layers refuse; with allowances the library only keeps
// refusing 0.0.0.0/:: and our policy decides the rest (the library's allow list cannot name hosts).
import dns from 'node:dns';
import net, { isIP, type LookupFunction, type TcpNetConnectOpts } from 'node:net';
import type { Duplex } from 'node:stream';
import { RequestFilteringHttpAgent, RequestFilteringHttpsAgent } from 'request-filtering-agent';
import { refusalOf, type OutboundPolicy } from './address-policy.js';
import { OutboundError } from './outbound-error.js';

type ConnectionListener = (error: Error | null, socket: Duplex) => void;
type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;

/** A lookup that refuses as soon as any resolved address is refused (as the library does). */
function guardedLookup(inner: LookupFunction, host: string, policy: OutboundPolicy): LookupFunction {
  return ((hostname: string, options: dns.LookupOptions, callback: LookupCallback) => {
    inner(hostname, options, ((error: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => {
      if (error) return callback(error, address, family);
      const addresses = typeof address === 'string' ? [address] : address.map((entry) => entry.address);
      for (const candidate of addresses) {
        const refusal = refusalOf(candidate, host, policy);
        if (refusal) return callback(new OutboundError(refusal, 'refused'), address, family);
      }
      callback(null, address, family);
    }) as LookupCallback);
  }) as LookupFunction;
}

/** Checks a literal host at once, and wraps the lookup a name goes through. */
function guardConnection(options: TcpNetConnectOpts, policy: OutboundPolicy): { options: TcpNetConnectOpts } | { refused: OutboundError } {
  const host = options.host ?? 'localhost';
  if (isIP(host)) {
    const refusal = refusalOf(host, host, policy);
    if (refusal) return { refused: new OutboundError(refusal, 'refused') };
    return { options };
  }
  return { options: { ...options, lookup: guardedLookup(options.lookup ?? (dns.lookup as LookupFunction), host, policy) } };
}

function refusedSocket(error: Error, listener?: ConnectionListener): net.Socket {
  const socket = new net.Socket();
  if (listener) listener(error, socket);
  else process.nextTick(() => socket.destroy(error));
  return socket;
}

const libraryOptions = (policy: OutboundPolicy) => ({ keepAlive: true, allowPrivateIPAddress: policy.hasAllowances, allowMetaIPAddress: false });

class GuardedHttpAgent extends RequestFilteringHttpAgent {
  constructor(private readonly policy: OutboundPolicy) {
    super(libraryOptions(policy));
  }

  override createConnection(options: TcpNetConnectOpts, listener?: ConnectionListener): Duplex | net.Socket {
    const guarded = guardConnection(options, this.policy);
    return 'refused' in guarded ? refusedSocket(guarded.refused, listener) : super.createConnection(guarded.options, listener);
  }
}

class GuardedHttpsAgent extends RequestFilteringHttpsAgent {
  constructor(private readonly policy: OutboundPolicy) {
    super(libraryOptions(policy));
  }

  override createConnection(options: TcpNetConnectOpts, listener?: ConnectionListener): Duplex | net.Socket {
    const guarded = guardConnection(options, this.policy);
    return 'refused' in guarded ? refusedSocket(guarded.refused, listener) : super.createConnection(guarded.options, listener);
  }
}

export interface GuardedAgents {
  http: RequestFilteringHttpAgent;
  https: RequestFilteringHttpsAgent;
}

// Keep-alive pools are per policy; the policy text rarely changes, so this stays tiny.
const agentsByPolicy = new Map<string, GuardedAgents>();

export function guardedAgents(policy: OutboundPolicy): GuardedAgents {
  let agents = agentsByPolicy.get(policy.source);
  if (!agents) {
    agents = { http: new GuardedHttpAgent(policy), https: new GuardedHttpsAgent(policy) };
    agentsByPolicy.set(policy.source, agents);
  }
  return agents;
}
