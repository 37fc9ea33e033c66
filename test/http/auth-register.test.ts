// POST /v1/auth/register through the HTTP layer (API.md section 3, Auth): the public user shape,
// email normalisation and uniqueness, the password policy with its pointer, closed bodies and
// display-name rules.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { strongPassword } from '../helpers/auth.ts';
import { DIALECTS } from '../helpers/databases.ts';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({
    env: { RATE_LIMIT_REGISTER: '10000/hour', RATE_LIMIT_IP: '10000/minute' },
  });
});
afterAll(() => t.close());

interface Problem {
  type: string;
  status: number;
  errors?: Array<{ pointer: string; detail: string }>;
}

interface UserBody {
  id: string;
  email: string;
  displayName: string;
  role: string;
  createdAt: string;
  updatedAt: string;
}

const uniqueEmail = (label = 'reg'): string => `${label}-${randomUUID().slice(0, 8)}@example.com`;

function register(body: unknown) {
  return t.app.inject({ method: 'POST', url: '/v1/auth/register', payload: body as object });
}

async function storedUser(email: string) {
  return t.app.services.users.findByEmailWithSecret(email);
}

function pointers(res: { body: string }): string[] {
  return ((JSON.parse(res.body) as Problem).errors ?? []).map((e) => e.pointer);
}

async function expectPasswordRejected(email: string, password: string): Promise<void> {
  const res = await register({ email, password, displayName: 'Pat' });
  expect(res.statusCode, `password of ${password.length} UTF-16 units`).toBe(400);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(pointers(res)).toEqual(['/body/password']);
  expect(res.body).not.toContain(password);
  expect(await storedUser(email.toLowerCase())).toBeNull();
}

describe('success', () => {
  it('answers 201 {user} with only the public fields, not cached', async () => {
    const email = uniqueEmail();
    const before = Date.now();
    const res = await register({ email, password: strongPassword(), displayName: 'Pat Doe' });
    expect(res.statusCode).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.json<{ user: UserBody }>();
    expect(Object.keys(body)).toEqual(['user']);
    expect(Object.keys(body.user).sort()).toEqual(
      ['createdAt', 'displayName', 'email', 'id', 'role', 'updatedAt'].sort(),
    );
    expect(body.user).toMatchObject({ email, displayName: 'Pat Doe', role: 'user' });
    expect(body.user.id).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[47][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(body.user.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    expect(Date.parse(body.user.createdAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(res.body).not.toMatch(/password|hash|argon|disabled/i);
  });

  it('stores the password only as an argon2id hash and lets the user log in', async () => {
    const email = uniqueEmail();
    const password = strongPassword();
    expect((await register({ email, password, displayName: 'Pat' })).statusCode).toBe(201);
    const stored = await storedUser(email);
    expect(stored?.passwordHash).toMatch(/^\$argon2id\$/);
    expect(stored?.passwordHash).not.toContain(password);
    const login = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email, password },
    });
    expect(login.statusCode).toBe(200);
  });

  it('normalises the email to lower case, and then logs in under any casing', async () => {
    const local = `Mixed.Case-${randomUUID().slice(0, 8)}`;
    const password = strongPassword();
    const res = await register({ email: `${local}@Example.COM`, password, displayName: 'Pat' });
    expect(res.statusCode).toBe(201);
    const normalised = `${local.toLowerCase()}@example.com`;
    expect(res.json<{ user: UserBody }>().user.email).toBe(normalised);
    expect(await storedUser(normalised)).not.toBeNull();
    const login = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email: `${local.toUpperCase()}@EXAMPLE.com`, password },
    });
    expect(login.statusCode).toBe(200);
  });

  it('refuses an email with surrounding whitespace at /body/email (it is not an address) and stores nothing', async () => {
    const email = uniqueEmail('spaced');
    for (const variant of [`  ${email}`, `${email}\t`, ` ${email.toUpperCase()} `]) {
      const res = await register({
        email: variant,
        password: strongPassword(),
        displayName: 'Pat',
      });
      expect(res.statusCode, JSON.stringify(variant)).toBe(400);
      expect(pointers(res)).toEqual(['/body/email']);
    }
    expect(await storedUser(email)).toBeNull();
  });

  it('records user.registered in the audit log', async () => {
    const email = uniqueEmail();
    const res = await register({ email, password: strongPassword(), displayName: 'Pat' });
    const id = res.json<{ user: UserBody }>().user.id;
    const events = await t.app.services.auditEvents.list({ limit: 100, type: 'user.registered' });
    expect(events.items).toContainEqual(
      expect.objectContaining({ actorId: id, targetId: id, outcome: 'success' }),
    );
  });
});

describe('duplicates', () => {
  it('answers 409 for an email already taken, also in another casing, and keeps the first account', async () => {
    const email = uniqueEmail('dup');
    const first = strongPassword();
    expect((await register({ email, password: first, displayName: 'First' })).statusCode).toBe(201);
    const original = await storedUser(email);
    for (const variant of [
      email,
      email.toUpperCase(),
      `${email.slice(0, 3).toUpperCase()}${email.slice(3)}`,
    ]) {
      const res = await register({
        email: variant,
        password: strongPassword(),
        displayName: 'Second',
      });
      expect(res.statusCode, variant).toBe(409);
      expect(res.json<Problem>().type).toMatch(/conflict$/);
    }
    const after = await storedUser(email);
    expect(after).toEqual(original);
  });
});

describe.each(DIALECTS)('two concurrent registrations of one email ($name)', (dialect) => {
  it.skipIf(dialect.url === null)(
    'create exactly one account: one 201, one 409, never a 500',
    async () => {
      const d = await createTestApp({
        dialect,
        env: { RATE_LIMIT_REGISTER: '10000/hour', RATE_LIMIT_IP: '10000/minute' },
      });
      try {
        for (let round = 0; round < 3; round += 1) {
          const email = uniqueEmail('race');
          const results = await Promise.all(
            [email, email.toUpperCase()].map((variant) =>
              d.app.inject({
                method: 'POST',
                url: '/v1/auth/register',
                payload: { email: variant, password: strongPassword(), displayName: 'Racer' },
              }),
            ),
          );
          expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409]);
          const page = await d.app.services.users.list({ limit: 10, email });
          expect(page.items).toHaveLength(1);
        }
      } finally {
        await d.close();
      }
    },
  );
});

describe('password policy', () => {
  it('refuses fewer than 12 code points, counting code points rather than UTF-16 units', async () => {
    await expectPasswordRejected(uniqueEmail(), 'Tq9!abcdefg');
    // 11 code points but 18 UTF-16 units: still too short.
    await expectPasswordRejected(uniqueEmail(), `Tq9!${'😀'.repeat(7)}`);
    expect(
      (await register({ email: uniqueEmail(), password: 'Tq9!abcdefgh', displayName: 'Pat' }))
        .statusCode,
    ).toBe(201);
  });

  it('accepts 1024 code points and refuses 1025 (also when they are astral)', async () => {
    const base = 'Tq9!';
    expect(
      (
        await register({
          email: uniqueEmail(),
          password: base + 'x'.repeat(1020),
          displayName: 'Pat',
        })
      ).statusCode,
    ).toBe(201);
    await expectPasswordRejected(uniqueEmail(), base + 'x'.repeat(1021));
    // 1024 code points, 2044 UTF-16 units: allowed by the contract's character count.
    expect(
      (
        await register({
          email: uniqueEmail(),
          password: base + '😀'.repeat(1020),
          displayName: 'Pat',
        })
      ).statusCode,
    ).toBe(201);
    await expectPasswordRejected(uniqueEmail(), base + '😀'.repeat(1021));
  });

  it('refuses passwords from the common/breached list, whatever their case or outer spaces', async () => {
    for (const password of [
      'password1234',
      'PassWord1234',
      '  password1234  ',
      'qwertyuiop12',
      // Full-width letters and digits fold to the listed entry under NFKC.
      'ＰＡＳＳＷＯＲＤ１２３４',
    ]) {
      await expectPasswordRejected(uniqueEmail(), password);
    }
  });

  it('refuses the email as the password, in any casing', async () => {
    const email = uniqueEmail('same-as-password');
    await expectPasswordRejected(email, email);
    await expectPasswordRejected(email, email.toUpperCase());
  });

  it('refuses a password that is not a string with 400 and creates nothing', async () => {
    const email = uniqueEmail();
    for (const password of [123456789012345, null, ['Tq9!abcdefgh'], { p: 'x' }]) {
      const res = await register({ email, password, displayName: 'Pat' });
      expect(res.statusCode).toBe(400);
      expect(pointers(res)).toContain('/body/password');
    }
    expect(await storedUser(email)).toBeNull();
  });
});

describe('closed body', () => {
  it.each([
    ['role', { role: 'admin' }, '/body/role'],
    ['id', { id: randomUUID() }, '/body/id'],
    ['disabled', { disabled: false }, '/body/disabled'],
    ['passwordHash', { passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$x$y' }, '/body/passwordHash'],
    ['__proto__-free extra', { isAdmin: true }, '/body/isAdmin'],
  ])(
    'refuses an unknown field (%s) with 400 and creates nothing',
    async (_name, extra, pointer) => {
      const email = uniqueEmail();
      const res = await register({
        email,
        password: strongPassword(),
        displayName: 'Pat',
        ...extra,
      });
      expect(res.statusCode).toBe(400);
      expect(pointers(res)).toEqual([pointer]);
      expect(await storedUser(email)).toBeNull();
    },
  );

  it('refuses missing fields with a pointer to each', async () => {
    const res = await register({});
    expect(res.statusCode).toBe(400);
    expect(pointers(res).sort()).toEqual(['/body/displayName', '/body/email', '/body/password']);
  });

  it('refuses an invalid email with a pointer to /body/email', async () => {
    for (const email of ['not-an-email', '@example.com', 'a@', `${'a'.repeat(250)}@example.com`]) {
      const res = await register({ email, password: strongPassword(), displayName: 'Pat' });
      expect(res.statusCode, email).toBe(400);
      expect(pointers(res)).toContain('/body/email');
    }
  });
});

describe('display name', () => {
  it.each([
    ['a bell (C0)', 'Pat\u0007'],
    ['a newline', 'Pat\nDoe'],
    ['a NUL', 'Pat\u0000'],
    ['DEL', 'Pat\u007f'],
    ['a C1 control (NEL)', 'Pat\u0085Doe'],
    ['an escape sequence', '\u001b[31mPat'],
    ['a right-to-left override (spoofing)', 'Pat\u202eeoD'],
    ['a line separator', 'Pat\u2028Doe'],
    ['a zero-width space (look-alike names)', 'Pa\u200bt'],
    ['a soft hyphen', 'Pa\u00adt'],
    ['a word joiner', 'Pa\u2060t'],
    ['a byte order mark', '\ufeffPat'],
  ])('refuses %s with 400 at /body/displayName', async (_name, displayName) => {
    const email = uniqueEmail();
    const res = await register({ email, password: strongPassword(), displayName });
    expect(res.statusCode).toBe(400);
    expect(pointers(res)).toEqual(['/body/displayName']);
    expect(await storedUser(email)).toBeNull();
  });

  it('refuses an empty, a null and a 101-character display name', async () => {
    for (const displayName of ['', null, 'x'.repeat(101)]) {
      const res = await register({ email: uniqueEmail(), password: strongPassword(), displayName });
      expect(res.statusCode).toBe(400);
      expect(new Set(pointers(res))).toEqual(new Set(['/body/displayName']));
    }
  });

  it('accepts zero-width joiners and non-joiners (emoji sequences, Persian names)', async () => {
    for (const displayName of ['👩\u200d💻 Pat', 'می\u200cخواهم']) {
      const email = uniqueEmail();
      const res = await register({ email, password: strongPassword(), displayName });
      expect(res.statusCode, displayName).toBe(201);
      expect((await storedUser(email))?.displayName).toBe(displayName);
    }
  });

  it('accepts 100 code points even when they are astral', async () => {
    const res = await register({
      email: uniqueEmail(),
      password: strongPassword(),
      displayName: '🦊'.repeat(100),
    });
    expect(res.statusCode).toBe(201);
  });

  it('stores and returns the display name in NFC', async () => {
    const email = uniqueEmail();
    const decomposed = 'Zoe\u0301 Ame\u0301lie';
    const res = await register({ email, password: strongPassword(), displayName: decomposed });
    expect(res.statusCode).toBe(201);
    const composed = 'Zoé Amélie';
    expect(composed).toBe(decomposed.normalize('NFC'));
    expect(res.json<{ user: UserBody }>().user.displayName).toBe(composed);
    expect((await storedUser(email))?.displayName).toBe(composed);
  });
});
