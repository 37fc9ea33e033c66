// Which address a request comes from, for rate limiting: the socket peer, or, behind a trusted
// proxy, the right-most X-Forwarded-For hop that is not a trusted proxy; then a key per network.
import { RateLimitConfigError } from './errors.ts';
import { ipv6Network, parseIpAddress, type IpAddress } from './ip-address.ts';
import { parseTrustProxy, type TrustedProxies } from './trust-proxy.ts';

const BRACKETED = /^\[([^\]]+)\](?::\d{1,5})?$/;
const IPV4_WITH_PORT = /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/;

/** One X-Forwarded-For hop: an address, optionally `[v6]`, `[v6]:port` or `v4:port`. */
function parseHop(hop: string): IpAddress | null {
  const text = hop.trim();
  const inner = BRACKETED.exec(text)?.[1] ?? IPV4_WITH_PORT.exec(text)?.[1] ?? text;
  return parseIpAddress(inner);
}

/**
 * The client address. The socket peer, unless it is a trusted proxy: then X-Forwarded-For (all
 * header lines, in order) is walked from the right, skipping trusted proxies, and the first
 * untrusted hop is the client. If every hop is trusted, the left-most is. A hop that is not an
 * address stops the walk: the trusted proxy that wrote it is taken as the client, because nothing
 * left of a garbled hop can be believed. null only when the socket address is unusable.
 */
export function resolveClientIp(
  socketAddress: string | undefined,
  forwardedFor: string | readonly string[] | undefined,
  trustedProxies: TrustedProxies,
): IpAddress | null {
  const socket = socketAddress === undefined ? null : parseIpAddress(socketAddress);
  if (socket === null || !trustedProxies.contains(socket)) return socket;
  const lines =
    forwardedFor === undefined
      ? []
      : typeof forwardedFor === 'string'
        ? [forwardedFor]
        : forwardedFor;
  // Empty list elements ("a, , b") are ignored, as RFC 9110 asks of every list-valued field.
  const hops = lines
    .join(',')
    .split(',')
    .filter((hop) => hop.trim() !== '');
  let client = socket;
  for (let index = hops.length - 1; index >= 0; index -= 1) {
    const hop = parseHop(hops[index] ?? '');
    if (hop === null) break;
    client = hop;
    if (!trustedProxies.contains(hop)) break;
  }
  return client;
}

export const DEFAULT_IPV6_PREFIX_LENGTH = 64;

/**
 * The rate-limit key of an address: `4:203.0.113.7`, or the IPv6 network, `6:2001:db8:1:2::/64`,
 * because one subscriber usually gets a whole /64 (or /56, /48) and could rotate through it.
 */
export function clientIpKey(ip: IpAddress, ipv6PrefixLength = DEFAULT_IPV6_PREFIX_LENGTH): string {
  return ip.family === 4 ? `4:${ip.address}` : `6:${ipv6Network(ip.address, ipv6PrefixLength)}`;
}

export interface ClientIpOptions {
  /** TRUST_PROXY: comma-separated addresses and CIDR ranges. Default: none. */
  readonly trustProxy?: string | readonly string[];
  /** 48 to 64; default 64. */
  readonly ipv6PrefixLength?: number;
}

export interface ClientIdentity {
  readonly ip: string;
  readonly key: string;
}

/**
 * Validates the options once and returns a function for each request.
 * @example
 * const identify = createClientIpResolver({ trustProxy: process.env.TRUST_PROXY });
 * const client = identify(request.socket.remoteAddress, request.headers['x-forwarded-for']);
 */
export function createClientIpResolver(
  options: ClientIpOptions = {},
): (
  socketAddress: string | undefined,
  forwardedFor: string | readonly string[] | undefined,
) => ClientIdentity | null {
  const trusted = parseTrustProxy(options.trustProxy);
  const prefixLength = options.ipv6PrefixLength ?? DEFAULT_IPV6_PREFIX_LENGTH;
  if (!Number.isInteger(prefixLength) || prefixLength < 48 || prefixLength > 64) {
    throw new RateLimitConfigError(
      `The IPv6 prefix length must be 48 to 64, got ${String(prefixLength)}`,
    );
  }
  return (socketAddress, forwardedFor) => {
    const ip = resolveClientIp(socketAddress, forwardedFor, trusted);
    return ip === null ? null : { ip: ip.address, key: clientIpKey(ip, prefixLength) };
  };
}
