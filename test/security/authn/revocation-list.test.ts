// Revocation lists: the in-process one (expiry, sweeping, bounds) and the Redis one (another
// instance refuses within 1 s, late starters and reconnects load what they missed).
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { InvalidOptionError, RevocationStoreError } from '../../../src/security/authn/errors.ts';
import { createMemoryRevocationList } from '../../../src/security/authn/revocation-list-memory.ts';
import { createRedisRevocationList } from '../../../src/security/authn/revocation-list-redis.ts';
import type { RevocationList } from '../../../src/security/authn/revocation-list.ts';
import { fakeClock } from './helpers.ts';

describe('memory revocation list', () => {
  it('refuses a revoked id until untilMs, then forgets it', async () => {
    const clock = fakeClock();
    const list = createMemoryRevocationList({ clock });
    await list.revoke('session-1', clock.now + 1000);
    expect(list.isRevoked('session-1')).toBe(true);
    expect(list.isRevoked('session-2')).toBe(false);
    clock.advance(999);
    expect(list.isRevoked('session-1')).toBe(true);
    clock.advance(1);
    expect(list.isRevoked('session-1')).toBe(false);
    expect(list.size).toBe(0);
  });

  it('keeps the later of two revocations of one id', async () => {
    const clock = fakeClock();
    const list = createMemoryRevocationList({ clock });
    await list.revoke('s', clock.now + 5000);
    await list.revoke('s', clock.now + 1000);
    clock.advance(2000);
    expect(list.isRevoked('s')).toBe(true);
  });

  it('ignores revocations already past and clamps far-future ones', async () => {
    const clock = fakeClock();
    const list = createMemoryRevocationList({ clock, maxRevocationMs: 60_000 });
    await list.revoke('old', clock.now);
    expect(list.size).toBe(0);
    await list.revoke('forever', Number.POSITIVE_INFINITY);
    clock.advance(60_000);
    expect(list.isRevoked('forever')).toBe(false);
  });

  it('sweeps expired entries as new revocations arrive, without a timer per entry', async () => {
    const clock = fakeClock();
    const list = createMemoryRevocationList({ clock, sweepIntervalMs: 1000 });
    for (let index = 0; index < 1000; index += 1) await list.revoke(`s-${index}`, clock.now + 500);
    expect(list.size).toBe(1000);
    clock.advance(1000);
    await list.revoke('fresh', clock.now + 500);
    expect(list.size).toBe(1);
  });

  it('rejects ids that are not short printable strings, and a non-numeric untilMs', async () => {
    const list = createMemoryRevocationList();
    for (const id of ['', 'a b', 'x'.repeat(257), 'line\nbreak', 7]) {
      await expect(list.revoke(id as string, Date.now() + 1000)).rejects.toThrow(
        InvalidOptionError,
      );
    }
    await expect(list.revoke('ok', Number.NaN)).rejects.toThrow(InvalidOptionError);
  });
});

const redisUrl = inject('redisUrl');

describe.skipIf(redisUrl === null)('redis revocation list', () => {
  const namespace = `gh-test-${randomUUID()}`;
  const clients: Redis[] = [];
  const lists: RevocationList[] = [];

  const connect = (): Redis => {
    const client = new Redis(redisUrl ?? '', {
      connectionName: namespace,
      maxRetriesPerRequest: 2,
    });
    clients.push(client);
    return client;
  };

  const open = async (): Promise<RevocationList> => {
    const list = await createRedisRevocationList({ redis: connect(), namespace });
    lists.push(list);
    return list;
  };

  afterAll(async () => {
    await Promise.all(lists.map((list) => list.close()));
    const cleaner = connect();
    const keys = await cleaner.keys(`${namespace}:*`);
    if (keys.length > 0) await cleaner.del(...keys);
    for (const client of clients) {
      if (client.status === 'end') continue;
      await client.quit().catch(() => {
        client.disconnect();
      });
    }
  });

  it('refuses on another instance within 1 s of a revocation', async () => {
    const [a, b] = await Promise.all([open(), open()]);
    const id = randomUUID();
    expect(b.isRevoked(id)).toBe(false);
    const started = Date.now();
    await a.revoke(id, Date.now() + 60_000);
    expect(a.isRevoked(id)).toBe(true);
    await expect.poll(() => b.isRevoked(id), { timeout: 1000, interval: 5 }).toBe(true);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('stores each revocation with an expiry and never shortens one', async () => {
    const a = await open();
    const id = randomUUID();
    const reader = connect();
    await a.revoke(id, Date.now() + 60_000);
    const ttl = await reader.pttl(`${namespace}:revoked:${id}`);
    expect(ttl).toBeGreaterThan(55_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
    await a.revoke(id, Date.now() + 5_000);
    expect(await reader.pttl(`${namespace}:revoked:${id}`)).toBeGreaterThan(50_000);
  });

  it('loads existing revocations when an instance starts late', async () => {
    const a = await open();
    const ids = Array.from({ length: 25 }, () => randomUUID());
    for (const id of ids) await a.revoke(id, Date.now() + 60_000);
    const late = await open();
    for (const id of ids) expect(late.isRevoked(id)).toBe(true);
    expect(late.isRevoked(randomUUID())).toBe(false);
  });

  it('reloads revocations it missed while its subscription was down', async () => {
    const b = await open();
    const admin = connect();
    const missed = randomUUID();
    // A revocation whose message b never hears: only the key is written.
    await admin.set(`${namespace}:revoked:${missed}`, String(Date.now() + 60_000), 'PX', 60_000);
    const listing = await admin.client('LIST');
    const subscriberIds = String(listing)
      .split('\n')
      .filter((line) => line.includes(`name=${namespace}`) && /\bsub=[1-9]/.test(line))
      .map((line) => /\bid=(\d+)/.exec(line)?.[1])
      .filter((id): id is string => id !== undefined);
    expect(subscriberIds.length).toBeGreaterThan(0);
    for (const id of subscriberIds) await admin.client('KILL', 'ID', id);
    await expect.poll(() => b.isRevoked(missed), { timeout: 5000 }).toBe(true);
  });

  it('ignores malformed messages on the channel', async () => {
    const b = await open();
    const admin = connect();
    await admin.publish(`${namespace}:revocations`, 'not json');
    await admin.publish(`${namespace}:revocations`, JSON.stringify({ id: 'x y', until: 1e15 }));
    await admin.publish(`${namespace}:revocations`, JSON.stringify({ id: 'ok', until: 'soon' }));
    const id = randomUUID();
    await admin.publish(
      `${namespace}:revocations`,
      JSON.stringify({ id, until: Date.now() + 60_000 }),
    );
    await expect.poll(() => b.isRevoked(id), { timeout: 1000 }).toBe(true);
    expect(b.isRevoked('x y')).toBe(false);
    expect(b.isRevoked('ok')).toBe(false);
  });

  it('reports a failed write as RevocationStoreError but still refuses locally', async () => {
    const client = connect();
    const list = await createRedisRevocationList({ redis: client, namespace, timeoutMs: 200 });
    lists.push(list);
    client.disconnect();
    const id = randomUUID();
    await expect(list.revoke(id, Date.now() + 60_000)).rejects.toThrow(RevocationStoreError);
    expect(list.isRevoked(id)).toBe(true);
  });

  it('refuses a bad namespace or a client with keyPrefix at set-up', async () => {
    await expect(createRedisRevocationList({ redis: connect(), namespace: 'a*b' })).rejects.toThrow(
      InvalidOptionError,
    );
    const prefixed = new Redis(redisUrl ?? '', { keyPrefix: 'x:', lazyConnect: true });
    await expect(createRedisRevocationList({ redis: prefixed })).rejects.toThrow(
      InvalidOptionError,
    );
    prefixed.disconnect();
  });
});
