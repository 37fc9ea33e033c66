import { describe, expect, it } from 'vitest';
import {
  clientIpKey,
  createClientIpResolver,
  resolveClientIp,
} from '../../../src/security/rate-limit/client-ip.ts';
import {
  ipv6Groups,
  ipv6Network,
  parseIpAddress,
} from '../../../src/security/rate-limit/ip-address.ts';
import { parseTrustProxy } from '../../../src/security/rate-limit/trust-proxy.ts';
import { RateLimitConfigError } from '../../../src/security/rate-limit/errors.ts';

const none = parseTrustProxy('');
const proxies = parseTrustProxy('10.0.0.0/8, 127.0.0.1, 2001:db8:ffff::/48');
const ip = (socket: string, xff?: string | string[], trusted = proxies) =>
  resolveClientIp(socket, xff, trusted)?.address ?? null;

describe('parseIpAddress', () => {
  it.each([
    '::ffff:1.2.3.4',
    '::FFFF:1.2.3.4',
    '::ffff:0102:0304',
    '::ffff:102:304',
    '0:0:0:0:0:ffff:1.2.3.4',
    '0000:0000:0000:0000:0000:FFFF:0102:0304',
    '0:0:0:0:0:ffff:0102:0304',
  ])('folds the IPv4-mapped %s to 1.2.3.4', (text) => {
    expect(parseIpAddress(text)).toEqual({ family: 4, address: '1.2.3.4' });
  });

  it('canonicalises IPv6 and drops a zone', () => {
    expect(parseIpAddress('2001:0DB8:0000:0000:0000:0000:0000:0001')).toEqual({
      family: 6,
      address: '2001:db8::1',
    });
    expect(parseIpAddress('fe80::1%eth0')).toEqual({ family: 6, address: 'fe80::1' });
  });

  it.each([
    '',
    'localhost',
    '1.2.3',
    '01.2.3.4',
    '1.2.3.256',
    '1.2.3.4:80',
    '[::1]',
    ' 1.2.3.4',
    '::ffff:1.2.3.4.5',
  ])('refuses %j', (text) => {
    expect(parseIpAddress(text)).toBeNull();
  });

  it('expands IPv6 into eight groups', () => {
    expect(ipv6Groups('2001:db8::1')).toEqual([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]);
    expect(ipv6Groups('::')).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(ipv6Groups('1::')).toEqual([1, 0, 0, 0, 0, 0, 0, 0]);
    expect(ipv6Groups('::ffff:1.2.3.4')).toEqual([0, 0, 0, 0, 0, 0xffff, 0x102, 0x304]);
    expect(ipv6Groups('1:2:3:4:5:6:7:8')).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('masks IPv6 to a network prefix', () => {
    expect(ipv6Network('2001:db8:1:2:3:4:5:6', 64)).toBe('2001:db8:1:2::/64');
    expect(ipv6Network('2001:db8:1:2:3:4:5:6', 48)).toBe('2001:db8:1::/48');
    expect(ipv6Network('2001:db8:1:2ff:3:4:5:6', 56)).toBe('2001:db8:1:200::/56');
    expect(ipv6Network('2001:db8:abcd:ffff::1', 52)).toBe('2001:db8:abcd:f000::/52');
  });
});

describe('parseTrustProxy', () => {
  it('accepts addresses and CIDR ranges of both families', () => {
    expect(proxies.entries).toEqual(['10.0.0.0/8', '127.0.0.1', '2001:db8:ffff::/48']);
    expect(proxies.contains({ family: 4, address: '10.200.1.1' })).toBe(true);
    expect(proxies.contains({ family: 4, address: '127.0.0.2' })).toBe(false);
    expect(proxies.contains({ family: 6, address: '2001:db8:ffff:1::1' })).toBe(true);
    expect(
      parseTrustProxy(['::ffff:10.0.0.0/104']).contains({ family: 4, address: '10.9.9.9' }),
    ).toBe(true);
    expect(parseTrustProxy().entries).toEqual([]);
  });

  it.each([
    '10.0.0.0/33',
    '10.0.0/8',
    'proxy.local',
    '10.0.0.0/8/8',
    '::1/129',
    '10.0.0.0/-1',
    '10.0.0.0/',
  ])('refuses %j, naming it', (entry) => {
    expect(() => parseTrustProxy(`127.0.0.1, ${entry}`)).toThrow(RateLimitConfigError);
    expect(() => parseTrustProxy(`127.0.0.1, ${entry}`)).toThrow(`"${entry}"`);
  });
});

describe('resolveClientIp', () => {
  it('ignores X-Forwarded-For from a peer that is not a trusted proxy (spoofing)', () => {
    expect(ip('203.0.113.9', '1.1.1.1')).toBe('203.0.113.9');
    expect(ip('10.0.0.1', '1.1.1.1', none)).toBe('10.0.0.1');
  });

  it('takes the right-most untrusted hop behind trusted proxies', () => {
    // The client forged "6.6.6.6"; the trusted proxy appended the real peer, 198.51.100.7.
    expect(ip('10.0.0.1', '6.6.6.6, 198.51.100.7')).toBe('198.51.100.7');
    expect(ip('10.0.0.1', '6.6.6.6, 198.51.100.7, 10.1.2.3, 127.0.0.1')).toBe('198.51.100.7');
  });

  it('reads several header lines in order', () => {
    expect(ip('10.0.0.1', ['6.6.6.6', '198.51.100.7, 10.0.0.2'])).toBe('198.51.100.7');
  });

  it('takes the left-most hop when every hop is trusted, and the proxy itself without a header', () => {
    expect(ip('10.0.0.1', '10.0.0.3, 10.0.0.2')).toBe('10.0.0.3');
    expect(ip('10.0.0.1', undefined)).toBe('10.0.0.1');
    expect(ip('10.0.0.1', '')).toBe('10.0.0.1');
  });

  it('ignores empty list elements', () => {
    expect(ip('10.0.0.1', '198.51.100.7, , ')).toBe('198.51.100.7');
  });

  it('stops at an invalid hop and keeps the trusted proxy that wrote it', () => {
    expect(ip('10.0.0.1', '198.51.100.7, unknown')).toBe('10.0.0.1');
    expect(ip('10.0.0.1', '198.51.100.7, garbage, 10.0.0.2')).toBe('10.0.0.2');
    // Garbage left of the first untrusted hop is never reached.
    expect(ip('10.0.0.1', 'garbage, 198.51.100.7')).toBe('198.51.100.7');
  });

  it('accepts ports and brackets in hops', () => {
    expect(ip('10.0.0.1', '198.51.100.7:5555')).toBe('198.51.100.7');
    expect(ip('10.0.0.1', '[2001:db8::7]:443')).toBe('2001:db8::7');
    expect(ip('10.0.0.1', '[2001:db8::7]')).toBe('2001:db8::7');
  });

  it('normalises IPv4-mapped socket and hop addresses before matching', () => {
    expect(ip('::ffff:10.0.0.1', '::ffff:c633:6407')).toBe('198.51.100.7');
    expect(ip('::ffff:203.0.113.9', '1.1.1.1')).toBe('203.0.113.9');
  });

  it('returns null without a usable socket address', () => {
    expect(ip('nonsense')).toBeNull();
    expect(resolveClientIp(undefined, '1.1.1.1', proxies)).toBeNull();
  });
});

describe('client IP keys', () => {
  it('keys IPv4 by address and IPv6 by network', () => {
    expect(clientIpKey({ family: 4, address: '1.2.3.4' })).toBe('4:1.2.3.4');
    expect(clientIpKey({ family: 6, address: '2001:db8:1:2:aaaa::1' })).toBe('6:2001:db8:1:2::/64');
    expect(clientIpKey({ family: 6, address: '2001:db8:1:2:aaaa::1' }, 48)).toBe(
      '6:2001:db8:1::/48',
    );
  });

  it('gives every IPv4-mapped spelling the same key as plain IPv4', () => {
    const identify = createClientIpResolver();
    const keys = ['1.2.3.4', '::ffff:1.2.3.4', '::ffff:0102:0304', '0:0:0:0:0:FFFF:1.2.3.4'].map(
      (socket) => identify(socket, undefined)?.key,
    );
    expect(new Set(keys)).toEqual(new Set(['4:1.2.3.4']));
  });

  it('groups one /64 together and separates neighbouring /64s', () => {
    const identify = createClientIpResolver();
    expect(identify('2001:db8:1:2::1', undefined)?.key).toBe(
      identify('2001:db8:1:2:ffff::9', undefined)?.key,
    );
    expect(identify('2001:db8:1:3::1', undefined)?.key).not.toBe(
      identify('2001:db8:1:2::1', undefined)?.key,
    );
    const wide = createClientIpResolver({ ipv6PrefixLength: 48 });
    expect(wide('2001:db8:1:3::1', undefined)).toEqual({
      ip: '2001:db8:1:3::1',
      key: '6:2001:db8:1::/48',
    });
  });

  it('resolves through trusted proxies', () => {
    const identify = createClientIpResolver({ trustProxy: '10.0.0.0/8' });
    expect(identify('10.0.0.1', '2001:db8:9:9::5, 10.0.0.7')).toEqual({
      ip: '2001:db8:9:9::5',
      key: '6:2001:db8:9:9::/64',
    });
  });

  it('validates its options at set-up', () => {
    expect(() => createClientIpResolver({ ipv6PrefixLength: 47 })).toThrow(RateLimitConfigError);
    expect(() => createClientIpResolver({ ipv6PrefixLength: 65 })).toThrow(RateLimitConfigError);
    expect(() => createClientIpResolver({ trustProxy: '10.0.0.0/99' })).toThrow(
      RateLimitConfigError,
    );
  });
});
