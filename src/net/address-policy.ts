// Which addresses outgoing HTTP (the http, webhook and ai kinds, ml.http, ml.ai) may connect to.
// Everything that is not a public unicast address is refused, unless CONVEYOR_HTTP_ALLOW lists
// the host name or an address/CIDR covering it. The table below is the one the README and the
// unit tests show; request-filtering-agent enforces the same classes at connect time
// (see guarded-agent.ts), so a name that resolves into one of them is refused too.
import { BlockList, isIP } from 'node:net';

export interface RefusedRange {
  cidr: string;
  family: 'ipv4' | 'ipv6';
  why: string;
}

const IPV4_MAPPED_CIDR = '::ffff:0:0/96';

/** First match names the reason, so the specific ranges come before the ranges containing them. */
export const REFUSED_RANGES: readonly RefusedRange[] = [
  { cidr: '0.0.0.0/8', family: 'ipv4', why: 'unspecified ("this network")' },
  { cidr: '10.0.0.0/8', family: 'ipv4', why: 'private (RFC 1918)' },
  { cidr: '100.64.0.0/10', family: 'ipv4', why: 'carrier-grade NAT (RFC 6598)' },
  { cidr: '127.0.0.0/8', family: 'ipv4', why: 'loopback' },
  { cidr: '169.254.169.254/32', family: 'ipv4', why: 'cloud metadata service' },
  { cidr: '169.254.0.0/16', family: 'ipv4', why: 'link-local' },
  { cidr: '172.16.0.0/12', family: 'ipv4', why: 'private (RFC 1918)' },
  { cidr: '192.0.0.0/24', family: 'ipv4', why: 'IETF protocol assignments' },
  { cidr: '192.0.2.0/24', family: 'ipv4', why: 'documentation (TEST-NET-1)' },
  { cidr: '192.168.0.0/16', family: 'ipv4', why: 'private (RFC 1918)' },
  { cidr: '198.18.0.0/15', family: 'ipv4', why: 'benchmarking' },
  { cidr: '198.51.100.0/24', family: 'ipv4', why: 'documentation (TEST-NET-2)' },
  { cidr: '203.0.113.0/24', family: 'ipv4', why: 'documentation (TEST-NET-3)' },
  { cidr: '224.0.0.0/4', family: 'ipv4', why: 'multicast' },
  { cidr: '240.0.0.0/4', family: 'ipv4', why: 'reserved (includes broadcast 255.255.255.255)' },
  { cidr: '::/128', family: 'ipv6', why: 'unspecified' },
  { cidr: '::1/128', family: 'ipv6', why: 'loopback' },
  { cidr: IPV4_MAPPED_CIDR, family: 'ipv6', why: 'IPv4-mapped IPv6' },
  { cidr: '64:ff9b::/96', family: 'ipv6', why: 'NAT64 (embeds an IPv4 address)' },
  { cidr: '2001::/32', family: 'ipv6', why: 'Teredo (embeds an IPv4 address)' },
  { cidr: '2001:db8::/32', family: 'ipv6', why: 'documentation' },
  { cidr: '2002::/16', family: 'ipv6', why: '6to4 (embeds an IPv4 address)' },
  { cidr: 'fc00::/7', family: 'ipv6', why: 'unique local (ULA)' },
  { cidr: 'fe80::/10', family: 'ipv6', why: 'link-local' },
  { cidr: 'ff00::/8', family: 'ipv6', why: 'multicast' },
];

function blockListOf(cidr: string, family: 'ipv4' | 'ipv6'): BlockList {
  const list = new BlockList();
  const [network, prefix] = cidr.split('/');
  list.addSubnet(network, Number(prefix), family);
  return list;
}

const RANGE_LISTS = REFUSED_RANGES.map((range) => ({ range, list: blockListOf(range.cidr, range.family) }));

/** `[::1]` (a URL's hostname) → `::1`; anything else unchanged. */
export function unbracket(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

function familyOf(address: string): 'ipv4' | 'ipv6' | undefined {
  const version = isIP(address);
  return version === 4 ? 'ipv4' : version === 6 ? 'ipv6' : undefined;
}

/** The refused range an IP literal falls in; undefined for a public unicast address (or a name). */
export function refusedRangeOf(address: string): RefusedRange | undefined {
  const ip = unbracket(address);
  const family = familyOf(ip);
  if (!family) return undefined;
  return RANGE_LISTS.find(({ range, list }) => range.family === family && list.check(ip, family))?.range;
}

/** CONVEYOR_HTTP_ALLOW, parsed: host names (exact, case-insensitive) and addresses or CIDRs. */
export interface OutboundPolicy {
  /** The variable as given; agents are cached per policy text. */
  readonly source: string;
  readonly hosts: ReadonlySet<string>;
  readonly addresses: BlockList;
  /** True when anything at all is allowed beyond public unicast addresses. */
  readonly hasAllowances: boolean;
}

export class PolicyError extends Error {
  override name = 'PolicyError';
}

/** Parses CONVEYOR_HTTP_ALLOW ("api.internal, 127.0.0.1, 10.1.0.0/16"); a bad CIDR names itself. */
export function parseOutboundPolicy(value: string | undefined): OutboundPolicy {
  const hosts = new Set<string>();
  const addresses = new BlockList();
  const entries = (value ?? '').split(',').map((entry) => entry.trim()).filter(Boolean);
  for (const entry of entries) {
    const slash = entry.indexOf('/');
    const ip = unbracket(slash < 0 ? entry : entry.slice(0, slash));
    const family = familyOf(ip);
    if (slash >= 0) {
      const prefix = Number(entry.slice(slash + 1));
      const max = family === 'ipv4' ? 32 : 128;
      if (!family || !/^\d{1,3}$/.test(entry.slice(slash + 1)) || prefix > max) {
        throw new PolicyError(`CONVEYOR_HTTP_ALLOW: ${JSON.stringify(entry)} is not a valid CIDR (like 10.1.0.0/16 or fd00::/8)`);
      }
      addresses.addSubnet(ip, prefix, family);
    } else if (family) addresses.addAddress(ip, family);
    else if (/^[a-z0-9.-]+$/i.test(entry)) hosts.add(entry.toLowerCase());
    else throw new PolicyError(`CONVEYOR_HTTP_ALLOW: ${JSON.stringify(entry)} is neither a host name, an address nor a CIDR`);
  }
  return { source: value ?? '', hosts, addresses, hasAllowances: entries.length > 0 };
}

/**
 * Why connecting to `address` (reached through the name `host`) is refused, or undefined when
 * it is allowed: a listed host name or a listed address/CIDR, else any public unicast address.
 */
export function refusalOf(address: string, host: string, policy: OutboundPolicy): string | undefined {
  const ip = unbracket(address);
  const family = familyOf(ip);
  if (!family) return `${JSON.stringify(address)} is not an IP address`;
  const name = unbracket(host).toLowerCase();
  const range = refusedRangeOf(ip);
  if (policy.hosts.has(name)) return undefined;
  // node's BlockList matches ::ffff:a.b.c.d against IPv4 rules; a mapped address stays refused.
  if (range?.cidr !== IPV4_MAPPED_CIDR && policy.addresses.check(ip, family)) return undefined;
  if (!range) return undefined;
  const via = name === ip.toLowerCase() ? '' : ` (${name} resolved to it)`;
  return `refused to connect to ${ip}${via}: ${range.why} address, in ${range.cidr}; list the host or address in CONVEYOR_HTTP_ALLOW to allow it`;
}
