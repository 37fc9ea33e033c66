// Cursors: round trip, and every way an attacker could bend one is refused.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createCursorCodec } from '../../../src/security/pagination/cursor.ts';

const codec = createCursorCodec(randomBytes(32));
const position = {
  createdAt: '2026-01-01T00:00:00.000Z',
  id: '0b7c6a4e-1d1e-4f7a-9d6a-0c2d3e4f5a6b',
};
const binding = ['GET /v1/notes', 'user-a', null, 'tag-x'];

describe('cursor codec', () => {
  it('round-trips a position for the same binding', () => {
    expect(codec.decode(codec.encode(position, binding), binding)).toEqual(position);
  });

  it('refuses a cursor of another caller or another query', () => {
    const cursor = codec.encode(position, binding);
    expect(codec.decode(cursor, ['GET /v1/notes', 'user-b', null, 'tag-x'])).toBeNull();
    expect(codec.decode(cursor, ['GET /v1/notes', 'user-a', 'q', 'tag-x'])).toBeNull();
    expect(codec.decode(cursor, ['GET /v1/admin/users', 'user-a', null, 'tag-x'])).toBeNull();
  });

  it('refuses an edited position, a forged or stripped tag, and junk', () => {
    const cursor = codec.encode(position, binding);
    const [, tag] = cursor.split('.');
    const edited = Buffer.from(JSON.stringify(['2099-01-01T00:00:00.000Z', position.id])).toString(
      'base64url',
    );
    for (const bad of [
      `${edited}.${tag ?? ''}`,
      cursor.slice(0, -2) + (cursor.endsWith('AA') ? 'BB' : 'AA'),
      cursor.split('.')[0] ?? '',
      `${cursor}.x`,
      '',
      '..',
      'x'.repeat(600),
      createCursorCodec(randomBytes(32)).encode(position, binding),
    ]) {
      expect(codec.decode(bad, binding), bad).toBeNull();
    }
  });

  it('refuses a second spelling of the tag (the unused bits of its last character)', () => {
    const cursor = codec.encode(position, binding);
    const last = cursor.at(-1) ?? 'A';
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    // 16 bytes in base64url leave 4 unused bits in the last character: flip one of them.
    const twin = alphabet[alphabet.indexOf(last) ^ 1] ?? last;
    const tagOf = (c: string) => Buffer.from(c.split('.')[1] ?? '', 'base64url');
    expect(tagOf(cursor.slice(0, -1) + twin)).toEqual(tagOf(cursor));
    expect(codec.decode(cursor.slice(0, -1) + twin, binding)).toBeNull();
  });

  it('refuses a short key at set-up', () => {
    expect(() => createCursorCodec(randomBytes(16))).toThrow(/32 bytes/);
  });
});
