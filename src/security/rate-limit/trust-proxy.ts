// The TRUST_PROXY list: the proxies whose X-Forwarded-For is believed. Validated once at start-up
// and matched with node:net's BlockList.
import net from 'node:net';
import { RateLimitConfigError } from './errors.ts';
import { parseIpAddress, type IpAddress } from './ip-address.ts';

export interface TrustedProxies {
  /** The entries as given, for logs and docs. */
  readonly entries: readonly string[];
  contains(ip: IpAddress): boolean;
}

const PREFIX = /^\d{1,3}$/;

function addEntry(list: net.BlockList, entry: string): void {
  const fail = (): never => {
    throw new RateLimitConfigError(
      `"${entry}" is not an IP address or CIDR range (such as 10.0.0.0/8, 127.0.0.1 or 2001:db8::/32)`,
    );
  };
  const [addressText = '', prefixText, extra] = entry.split('/');
  const ip = parseIpAddress(addressText);
  if (ip === null || extra !== undefined) return fail();
  const maxBits = ip.family === 4 ? 32 : 128;
  if (prefixText !== undefined && !PREFIX.test(prefixText)) return fail();
  let bits = prefixText === undefined ? maxBits : Number(prefixText);
  // An IPv4-mapped range (::ffff:10.0.0.0/104) is folded to IPv4 like the addresses it matches.
  if (ip.family === 4 && net.isIP(addressText) === 6 && prefixText !== undefined) bits -= 96;
  if (bits < 0 || bits > maxBits) return fail();
  list.addSubnet(ip.address, bits, ip.family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * Parses a comma-separated list of addresses and CIDR ranges. Empty means no proxy is trusted.
 * @throws RateLimitConfigError naming the bad entry.
 * @example parseTrustProxy('10.0.0.0/8, 127.0.0.1')
 */
export function parseTrustProxy(value: string | readonly string[] = ''): TrustedProxies {
  const entries = (typeof value === 'string' ? value.split(',') : value)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  const list = new net.BlockList();
  for (const entry of entries) addEntry(list, entry);
  return {
    entries: Object.freeze(entries),
    contains: (ip) => list.check(ip.address, ip.family === 4 ? 'ipv4' : 'ipv6'),
  };
}
