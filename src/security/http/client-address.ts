// The client's address, resolved on first use and cached for the request: the socket address
// unless TRUST_PROXY lists the peer, then the right-most untrusted X-Forwarded-For entry
// (rate-limit/client-ip.ts has the rules). Routes that never ask pay nothing.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createClientIpResolver, type ClientIdentity } from '../rate-limit/index.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** `ip` for logs and sessions, `key` (IPv6 grouped by prefix) for rate limits. */
    readonly clientAddress: ClientIdentity;
  }
}

export interface ClientAddressOptions {
  readonly trustProxy: string | null;
  readonly ipv6PrefixLength: number;
}

const UNKNOWN: ClientIdentity = { ip: 'unknown', key: 'unknown' };

export function decorateClientAddress(app: FastifyInstance, options: ClientAddressOptions): void {
  const resolve = createClientIpResolver({
    ...(options.trustProxy === null ? {} : { trustProxy: options.trustProxy }),
    ipv6PrefixLength: options.ipv6PrefixLength,
  });
  const cache = new WeakMap<FastifyRequest, ClientIdentity>();
  app.decorateRequest('clientAddress', {
    getter(this: FastifyRequest): ClientIdentity {
      let identity = cache.get(this);
      if (identity === undefined) {
        identity =
          resolve(this.raw.socket.remoteAddress, this.headers['x-forwarded-for']) ?? UNKNOWN;
        cache.set(this, identity);
      }
      return identity;
    },
  });
}
