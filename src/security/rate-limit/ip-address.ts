// IP address normalisation for rate-limit keys: validation by node:net, IPv4-mapped IPv6 folded to
// IPv4 (in any spelling), and IPv6 masked to a network prefix, since one host owns a whole /64.
import net from 'node:net';

export interface IpAddress {
  readonly family: 4 | 6;
  /** Canonical text: dotted IPv4, or compressed lower-case IPv6 without a zone. */
  readonly address: string;
}

/** Expands a valid IPv6 address (as net.isIP accepts it, zone removed) into its 8 16-bit groups. */
export function ipv6Groups(address: string): number[] {
  const toGroups = (part: string): number[] =>
    part === ''
      ? []
      : part.split(':').flatMap((piece) => {
          if (!piece.includes('.')) return [Number.parseInt(piece, 16)];
          // An embedded IPv4 tail (::ffff:1.2.3.4) is two groups.
          const [a = 0, b = 0, c = 0, d = 0] = piece.split('.').map(Number);
          return [(a << 8) | b, (c << 8) | d];
        });
  const [head = '', tail] = address.split('::');
  const headGroups = toGroups(head);
  if (tail === undefined) return headGroups;
  const tailGroups = toGroups(tail);
  return [
    ...headGroups,
    ...Array<number>(8 - headGroups.length - tailGroups.length).fill(0),
    ...tailGroups,
  ];
}

/** Compresses 8 groups into the canonical text form (RFC 5952, as the platform prints it). */
function formatIpv6(groups: readonly number[]): string {
  const text = groups.map((group) => group.toString(16)).join(':');
  return new net.SocketAddress({ address: text, family: 'ipv6' }).address;
}

/**
 * Parses and normalises an IP address; null if it is not one. `::ffff:1.2.3.4`,
 * `::ffff:0102:0304` and `0:0:0:0:0:ffff:1.2.3.4` all become `{family: 4, address: '1.2.3.4'}`.
 */
export function parseIpAddress(text: string): IpAddress | null {
  const family = net.isIP(text);
  if (family === 4) return { family, address: text };
  if (family !== 6) return null;
  const groups = ipv6Groups(text.split('%')[0] ?? '');
  const [g0, g1, g2, g3, g4, g5, g6 = 0, g7 = 0] = groups;
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0xffff) {
    return { family: 4, address: [g6 >> 8, g6 & 0xff, g7 >> 8, g7 & 0xff].join('.') };
  }
  return { family: 6, address: formatIpv6(groups) };
}

/** The IPv6 network of `address` with `prefixLength` bits, e.g. `2001:db8:1:2::/64`. */
export function ipv6Network(address: string, prefixLength: number): string {
  const masked = ipv6Groups(address).map((group, index) => {
    const bits = Math.min(16, Math.max(0, prefixLength - index * 16));
    return bits === 0 ? 0 : group & (0xffff << (16 - bits)) & 0xffff;
  });
  return `${formatIpv6(masked)}/${prefixLength}`;
}
