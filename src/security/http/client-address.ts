// The client's address for every request, once: the socket address unless TRUST_PROXY lists the
// peer, then the right-most untrusted X-Forwarded-For entry (rate-limit/client-ip.ts has the rules).
import fp from 'fastify-plugin';
import type { FastifyPluginAsync } from 'fastify';
import { createClientIpResolver, type ClientIdentity } from '../rate-limit/index.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** `ip` for logs and sessions, `key` (IPv6 grouped by prefix) for rate limits. */
    clientAddress: ClientIdentity;
  }
}

export interface ClientAddressOptions {
  readonly trustProxy: string | null;
  readonly ipv6PrefixLength: number;
}

const UNKNOWN: ClientIdentity = { ip: 'unknown', key: 'unknown' };

const clientAddressPlugin: FastifyPluginAsync<ClientAddressOptions> = (app, options) => {
  const resolve = createClientIpResolver({
    ...(options.trustProxy === null ? {} : { trustProxy: options.trustProxy }),
    ipv6PrefixLength: options.ipv6PrefixLength,
  });
  // Set by the hook below before anything reads it; null is only the decorator's initial shape.
  app.decorateRequest('clientAddress', null as unknown as ClientIdentity);
  app.addHook('onRequest', (request, _reply, done) => {
    request.clientAddress =
      resolve(request.raw.socket.remoteAddress, request.headers['x-forwarded-for']) ?? UNKNOWN;
    done();
  });
  return Promise.resolve();
};

export const clientAddress = fp(clientAddressPlugin, {
  fastify: '5.x',
  name: 'gatehouse-client-address',
});
