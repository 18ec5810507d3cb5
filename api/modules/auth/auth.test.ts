// Login, sessions, CSRF, throttling by back-off, password change — against the real database.
import { systemCtx } from '../../context.ts';
import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../../seeds/demo-accounts.ts';
import { getTestDb, unique } from '../../test/db.ts';
import { newAccount as makeAccount } from '../../test/factories.ts';
import { anonymous, loginAs } from '../../test/http.ts';
import { Scope } from './scope.ts';
import type { AppError } from '../../errors.ts';
import { changePassword, createAccount, login, tokenHash } from './auth.ts';
import { verificationCount } from './passwords.ts';
import { BACKOFF_MAX_SECONDS, BACKOFF_POLICY, backoffSeconds, pruneBackoff } from './backoff.ts';

const newAccount = (role: 'village_cadre' | 'county_official' = 'village_cadre', area = '522324101209') => makeAccount({ role, area });

describe('login', () => {
  it('logs in, sets an HTTP-only SameSite session cookie and returns the account with its area', async () => {
    const a = await anonymous();
    const res = await a.post('/api/auth/login', { username: 'qinglong_county', password: DEMO_PASSWORD });
    expect(res.status).toBe(200);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('dl_session='));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const body = (await res.json()) as { account: Record<string, unknown>; csrfToken: string };
    expect(body.account).toMatchObject({ username: 'qinglong_county', role: 'county_official', areaCode: '522324', areaName: '晴隆县', canWrite: true });
    expect(body.csrfToken.length).toBeGreaterThan(20);
    a.csrf = body.csrfToken;
    const me = await a.get('/api/auth/me');
    expect(me.status).toBe(200);
  });

  it('slides the session’s expiry at most once a minute, once for requests in flight together', async () => {
    const { db } = await getTestDb();
    const a = await loginAs('qinglong_county');
    const id = tokenHash(a.cookies.get('dl_session') as string);
    const seen = async () => await db.selectFrom('sessions').select(['last_seen_at', 'expires_at']).where('id', '=', id).executeTakeFirstOrThrow();
    const fresh = await seen();
    expect((await a.get('/api/auth/me')).status).toBe(200);
    expect(await seen()).toEqual(fresh); // within the minute: not written
    const old = new Date(Date.now() - 5 * 60_000);
    await db.updateTable('sessions').set({ last_seen_at: old }).where('id', '=', id).execute();
    const all = await Promise.all(Array.from({ length: 8 }, () => a.get('/api/auth/me')));
    expect(all.map((r) => r.status)).toEqual(Array(8).fill(200));
    const slid = await seen();
    expect(new Date(slid.last_seen_at).getTime()).toBeGreaterThan(old.getTime() + 60_000);
    expect(new Date(slid.expires_at).getTime()).toBeGreaterThanOrEqual(new Date(fresh.expires_at).getTime());
    // This process slid it a moment ago: an older last_seen_at now is not written again.
    await db.updateTable('sessions').set({ last_seen_at: old }).where('id', '=', id).execute();
    expect((await a.get('/api/auth/me')).status).toBe(200);
    expect(new Date((await seen()).last_seen_at).getTime()).toBe(old.getTime());
  });

  it('gives one generic message for an unknown user and a wrong password (zh-CN and en)', async () => {
    const a = await anonymous({ ip: '10.1.0.1' });
    const wrong = await a.post('/api/auth/login', { username: 'qinglong_county', password: 'nope-12345' });
    const unknown = await a.post('/api/auth/login', { username: 'nobody_here', password: 'nope-12345' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const w = (await wrong.json()) as { error: { message: string } };
    const u = (await unknown.json()) as { error: { message: string } };
    expect(w.error.message).toBe('用户名或密码错误');
    expect(u.error.message).toBe(w.error.message);
    const en = await (await anonymous({ ip: '10.1.0.2', lang: 'en' })).post('/api/auth/login', { username: 'x_nobody', password: 'y' });
    expect(((await en.json()) as { error: { message: string } }).error.message).toBe('Wrong username or password');
  });

  it('rejects malformed bodies with field-level messages', async () => {
    const a = await anonymous();
    const res = await a.post('/api/auth/login', { username: '' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; fields: { path: string; message: string }[] } };
    expect(body.error.code).toBe('INVALID');
    expect(body.error.fields.map((f) => f.path).sort()).toEqual(['password', 'username']);
    expect(body.error.fields.every((f) => f.message === '必填')).toBe(true);
    const bad = await a.post('/api/auth/login', '{"username": ', { 'content-type': 'application/json' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toBe('请求内容不是有效的 JSON');
  });

  it('answers a wrong password with 429 naming the wait once the free attempts are used up (zh-CN and en)', async () => {
    const { username, password } = await newAccount();
    const a = await anonymous({ ip: '10.2.0.1' });
    for (let i = 0; i < BACKOFF_POLICY.account.free; i++) {
      expect((await a.post('/api/auth/login', { username, password: 'wrong-pass-1' })).status).toBe(401);
    }
    const waiting = await a.post('/api/auth/login', { username, password });
    expect(waiting.status).toBe(429);
    expect(((await waiting.json()) as { error: { message: string } }).error.message).toMatch(/^登录尝试过于频繁，请 1[0-5] 秒后再试$/);
    const en = await (await anonymous({ ip: '10.2.0.2', lang: 'en' })).post('/api/auth/login', { username, password });
    expect(((await en.json()) as { error: { message: string } }).error.message).toMatch(/^Too many login attempts; try again in 1[0-5] s$/);
  });

  it('throttles an address that keeps failing, whatever the usernames', async () => {
    const a = await anonymous({ ip: '10.3.0.1' });
    let last = 0;
    for (let i = 0; i <= BACKOFF_POLICY.address.free; i++) last = (await a.post('/api/auth/login', { username: `ghost${i}`, password: 'x' })).status;
    expect(last).toBe(429);
    // Another address is not affected.
    const b = await anonymous({ ip: '10.3.0.2' });
    expect((await b.post('/api/auth/login', { username: 'qinglong_county', password: DEMO_PASSWORD })).status).toBe(200);
  });
});

describe('client address behind a proxy (DRIPLINE_TRUST_PROXY=1)', () => {
  it('takes the address the proxy added, so a forged X-Forwarded-For does not escape the address back-off', async () => {
    const before = process.env.DRIPLINE_TRUST_PROXY;
    process.env.DRIPLINE_TRUST_PROXY = '1';
    try {
      const a = await anonymous({ ip: '10.8.0.1' });
      let last = 0;
      for (let i = 0; i <= BACKOFF_POLICY.address.free; i++) {
        last = (await a.post('/api/auth/login', { username: `spoof${i}`, password: 'x' }, { 'x-forwarded-for': `198.51.100.${i}, 203.0.113.7` })).status;
      }
      expect(last).toBe(429);
      // Another client behind the same proxy is not affected.
      const other = await a.post('/api/auth/login', { username: 'qinglong_county', password: DEMO_PASSWORD }, { 'x-forwarded-for': '203.0.113.8' });
      expect(other.status).toBe(200);
    } finally {
      if (before === undefined) delete process.env.DRIPLINE_TRUST_PROXY;
      else process.env.DRIPLINE_TRUST_PROXY = before;
    }
  });
});

describe('login back-off (clock moved, not slept)', () => {
  const t0 = new Date('2030-01-01T08:00:00Z');
  const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
  const origin = {};
  async function attempt(username: string, password: string, now: Date, ip = '10.9.0.1', deviceToken?: string) {
    const { db } = await getTestDb();
    try {
      const r = await login({ db, origin, now }, { username, password, ip, userAgent: 'test', sessionHours: 1, deviceToken });
      return { ok: true as const, deviceToken: r.deviceToken };
    } catch (e) {
      const err = e as AppError;
      return { ok: false as const, code: err.code, key: err.key, seconds: err.params.seconds };
    }
  }

  it('waits 15 s after the fifth failure, twice as long after each further one; then the right password works', async () => {
    const { username, password } = await newAccount();
    const ip = `10.9.1.${process.pid % 250}`;
    for (let i = 0; i < 4; i++) expect(await attempt(username, 'wrong-pass-1', at(i), ip)).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await attempt(username, 'wrong-pass-1', at(4), ip)).toMatchObject({ code: 'UNAUTHENTICATED' });
    // Within the wait even the right password is not checked, and the refusal does not count.
    expect(await attempt(username, password, at(5), ip)).toMatchObject({ code: 'RATE_LIMITED', key: 'auth.throttled', seconds: 14 });
    for (let i = 0; i < 10; i++) await attempt(username, 'wrong-pass-1', at(6), ip);
    expect(await attempt(username, password, at(18), ip)).toMatchObject({ code: 'RATE_LIMITED', seconds: 1 });
    // The sixth failure (after the wait) doubles it.
    expect(await attempt(username, 'wrong-pass-1', at(20), ip)).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await attempt(username, password, at(21), ip)).toMatchObject({ code: 'RATE_LIMITED', seconds: 29 });
    expect(await attempt(username, password, at(51), ip)).toMatchObject({ ok: true });
    // A login starts the count again.
    for (let i = 0; i < 4; i++) expect(await attempt(username, 'wrong-pass-1', at(52 + i), ip)).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await attempt(username, password, at(57), ip)).toMatchObject({ ok: true });
  });

  it('never waits longer than 15 minutes, and forgets failures after a quiet day', async () => {
    const { username, password } = await newAccount();
    let now = 0;
    let lastFailure = 0;
    for (let i = 0; i < 12; i++) {
      const r = await attempt(username, 'wrong-pass-1', at(now));
      expect(r).toMatchObject({ code: 'UNAUTHENTICATED' });
      lastFailure = now;
      now += backoffSeconds('account', i + 1) + 1;
    }
    expect(backoffSeconds('account', 12)).toBe(BACKOFF_MAX_SECONDS);
    expect(await attempt(username, password, at(lastFailure + 1))).toMatchObject({ code: 'RATE_LIMITED', seconds: BACKOFF_MAX_SECONDS - 1 });
    expect(await attempt(username, password, at(lastFailure + BACKOFF_MAX_SECONDS - 1))).toMatchObject({ code: 'RATE_LIMITED', seconds: 1 });
    await attempt(username, 'wrong-pass-1', at(now));
    expect(await attempt(username, password, at(now + 1))).toMatchObject({ code: 'RATE_LIMITED', seconds: BACKOFF_MAX_SECONDS - 1 });
    now += BACKOFF_MAX_SECONDS + 1;
    // A day later the count starts again from one: four failures are free again.
    const later = now + 24 * 3600 + 1000;
    for (let i = 0; i < 4; i++) expect(await attempt(username, 'wrong-pass-1', at(later + i))).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await attempt(username, password, at(later + 5))).toMatchObject({ ok: true });
  });

  it('answers an unknown username exactly like a known one', async () => {
    const { username } = await newAccount();
    const ghost = unique('ghost');
    const known: unknown[] = [];
    const unknown: unknown[] = [];
    for (let i = 0; i < 7; i++) {
      known.push(await attempt(username, 'wrong-pass-1', at(i), '10.9.2.1'));
      unknown.push(await attempt(ghost, 'wrong-pass-1', at(i), '10.9.2.2'));
    }
    expect(unknown).toEqual(known);
    expect(known.slice(5)).toEqual([expect.objectContaining({ code: 'RATE_LIMITED' }), expect.objectContaining({ code: 'RATE_LIMITED' })]);
  });

  it('verifies an argon2 hash for an unknown username as for a known one (so the time taken does not tell them apart)', async () => {
    const { username } = await newAccount();
    // Counted, not timed: wall-clock comparisons flake on a loaded machine.
    const verifications = async (name: string, seconds: number, ip: string) => {
      const before = verificationCount();
      await attempt(name, 'wrong-pass-1', at(seconds), ip);
      return verificationCount() - before;
    };
    expect(await verifications(username, 1000, '10.9.3.1')).toBe(1);
    expect(await verifications(unique('nobody'), 2000, '10.9.3.2')).toBe(1);
    // While a name waits, nothing is verified — whether it exists or not.
    const ghost = unique('ghost');
    for (let i = 0; i < BACKOFF_POLICY.account.free; i++) {
      await attempt(username, 'wrong-pass-1', at(5000 + i), '10.9.3.9');
      await attempt(ghost, 'wrong-pass-1', at(5000 + i), '10.9.3.10');
    }
    expect(await verifications(username, 5010, '10.9.3.11')).toBe(0);
    expect(await verifications(ghost, 5010, '10.9.3.11')).toBe(0);
  });

  it('answers a disabled account like a wrong password, even with the right one', async () => {
    const { db } = await getTestDb();
    const { username, password } = await newAccount();
    await db.updateTable('accounts').set({ disabled: true }).where('username', '=', username).execute();
    expect(await attempt(username, password, at(0), '10.9.4.1')).toMatchObject({ code: 'UNAUTHENTICATED', key: 'auth.badCredentials' });
  });

  it('lets the owner in from a browser they logged in on while others’ guesses keep the name waiting', async () => {
    const { username, password } = await newAccount();
    const first = await attempt(username, password, at(0), '10.9.5.1');
    expect(first.ok).toBe(true);
    const device = first.ok ? first.deviceToken : '';
    const other = await newAccount();
    const otherLogin = await attempt(other.username, other.password, at(1), '10.9.5.2');
    const otherDevice = otherLogin.ok ? otherLogin.deviceToken : '';
    // Someone else — even behind the same office address — guesses until the name must wait.
    for (let i = 0; i < 8; i++) await attempt(username, 'wrong-pass-1', at(10 + i), '10.9.5.1');
    expect(await attempt(username, password, at(20), '10.9.5.1')).toMatchObject({ code: 'RATE_LIMITED' });
    expect(await attempt(username, password, at(20), '10.9.5.9')).toMatchObject({ code: 'RATE_LIMITED' });
    // A device cookie of another account (a shared tablet) does not exempt this one.
    expect(await attempt(username, password, at(20), '10.9.5.2', otherDevice)).toMatchObject({ code: 'RATE_LIMITED' });
    // The owner's browser is not kept out…
    expect(await attempt(username, password, at(21), '10.9.5.1', device)).toMatchObject({ ok: true, deviceToken: device });
    // …but guesses from it have their own back-off: a stolen cookie does not guess freely.
    for (let i = 0; i < BACKOFF_POLICY.device.free; i++) {
      expect(await attempt(username, 'wrong-pass-1', at(30 + i), '10.9.5.1', device)).toMatchObject({ code: 'UNAUTHENTICATED' });
    }
    expect(await attempt(username, password, at(36), '10.9.5.1', device)).toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('deletes back-off rows whose failures are a day old and that nobody waits on', async () => {
    const { db } = await getTestDb();
    const name = unique('old');
    const now = at(10 * 86400);
    await db
      .insertInto('login_backoff')
      .values([
        { kind: 'account', subject: `${name}-forgotten`, failures: 3, last_failure_at: at(8 * 86400), blocked_until: null },
        { kind: 'account', subject: `${name}-waited`, failures: 9, last_failure_at: at(8 * 86400), blocked_until: at(8 * 86400 + 900) },
        { kind: 'account', subject: `${name}-recent`, failures: 2, last_failure_at: at(10 * 86400 - 3600), blocked_until: null },
      ])
      .execute();
    await pruneBackoff(db, now);
    const left = await db.selectFrom('login_backoff').select('subject').where('subject', 'like', `${name}-%`).execute();
    expect(left.map((r) => r.subject)).toEqual([`${name}-recent`]);
  });

  it('sets the device cookie HTTP-only for /api/auth only', async () => {
    const { username, password } = await newAccount();
    const a = await anonymous({ ip: '10.9.6.1' });
    const res = await a.post('/api/auth/login', { username, password });
    expect(res.status).toBe(200);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('dl_device='));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/Path=\/api\/auth/);
    expect(cookie).toMatch(/Max-Age=15552000/);
  });
});

describe('session and CSRF', () => {
  it('refuses cookie-authenticated writes without the CSRF token', async () => {
    const a = await loginAs('qinglong_county');
    const res = await a.post('/api/auth/logout', {}, { 'x-csrf-token': 'forged' });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');
    expect((await a.get('/api/auth/me')).status).toBe(200);
    expect((await a.post('/api/auth/logout')).status).toBe(200);
    expect((await a.get('/api/auth/me')).status).toBe(401);
  });

  it('requires a session for data endpoints', async () => {
    const a = await anonymous();
    expect((await a.get('/api/households')).status).toBe(401);
    expect((await a.get('/api/areas')).status).toBe(401);
    expect((await a.get('/api/health')).status).toBe(200);
  });
});

describe('password change', () => {
  it('checks the current password and the policy, then ends other sessions', async () => {
    const { username, password } = await newAccount('county_official', '522324');
    const phone = await loginAs(username, { password });
    const tablet = await loginAs(username, { password });
    const wrong = await tablet.post('/api/auth/password', { currentPassword: 'wrong-one-1', newPassword: 'NewPassw0rd99' });
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { error: { fields: { path: string }[] } }).error.fields[0]?.path).toBe('currentPassword');
    const weak = await tablet.post('/api/auth/password', { currentPassword: password, newPassword: 'short' });
    expect(((await weak.json()) as { error: { fields: { path: string; message: string }[] } }).error.fields[0]).toMatchObject({
      path: 'newPassword',
    });
    const ok = await tablet.post('/api/auth/password', { currentPassword: password, newPassword: 'NewPassw0rd99' });
    expect(ok.status).toBe(200);
    expect((await tablet.get('/api/auth/me')).status).toBe(200);
    expect((await phone.get('/api/auth/me')).status).toBe(401);
    expect((await (await anonymous()).login(username, password)).status).toBe(401);
    expect((await (await anonymous()).login(username, 'NewPassw0rd99')).status).toBe(200);
  });

  it('throttles guesses of the current password, and lets the right one through after the wait', async () => {
    const { username, password } = await newAccount('county_official', '522324');
    const a = await loginAs(username, { password, ip: '10.4.0.1' });
    for (let i = 0; i < BACKOFF_POLICY.password.free; i++) {
      expect((await a.post('/api/auth/password', { currentPassword: `guess-${i}-12345`, newPassword: 'NewPassw0rd99' })).status).toBe(400);
    }
    const waiting = await a.post('/api/auth/password', { currentPassword: password, newPassword: 'NewPassw0rd99' });
    expect(waiting.status).toBe(429);
    expect(((await waiting.json()) as { error: { message: string } }).error.message).toMatch(/^当前密码输错次数过多，请 1[0-5] 秒后再试$/);
    const { db } = await getTestDb();
    const failed = await db
      .selectFrom('audit_log')
      .select('id')
      .where('action', '=', 'auth.password_change_failed')
      .where('actor_name', '=', username)
      .execute();
    expect(failed).toHaveLength(BACKOFF_POLICY.password.free);
    // The session and the account are untouched: after the wait the right password changes it.
    const me = (await (await a.get('/api/auth/me')).json()) as { account: { id: string; username: string } };
    const session = { sessionId: tokenHash(a.cookies.get('dl_session') as string), csrfToken: a.csrf, account: { ...me.account } } as never;
    const actor = { id: me.account.id, name: username, role: 'county_official' };
    const ctx = { ...systemCtx(db, { actor, origin: {} }), scope: new Scope('522324', 'county_official'), now: new Date(Date.now() + 16_000) };
    await changePassword(ctx, session, { currentPassword: password, newPassword: 'NewPassw0rd99' });
    expect((await (await anonymous({ ip: '10.4.0.2' })).login(username, 'NewPassw0rd99')).status).toBe(200);
  });

  it('refuses the published demo password as a new password', async () => {
    const { username, password } = await newAccount('county_official', '522324');
    const a = await loginAs(username, { password, ip: '10.4.1.1' });
    const res = await a.post('/api/auth/password', { currentPassword: password, newPassword: DEMO_PASSWORD });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { fields: { path: string; message: string }[] } }).error.fields[0]).toEqual({
      path: 'newPassword',
      code: 'account.demoPassword',
      message: '不能使用公开的演示密码',
    });
  });
});

describe('one-time password (mustChangePassword)', () => {
  it('lets the session do nothing but change the password, read who it is, or log out — until it is changed', async () => {
    const { db } = await getTestDb();
    const username = unique('otp');
    const password = `Once${unique('p')}1`;
    await createAccount(systemCtx(db), {
      username,
      displayName: '一次性密码',
      role: 'county_official',
      areaCode: '522324',
      password,
      mustChangePassword: true,
    });
    const a = await loginAs(username, { password, ip: '10.5.0.1' });
    const me = await a.get('/api/auth/me');
    expect(me.status).toBe(200);
    expect(((await me.json()) as { account: { mustChangePassword: boolean } }).account.mustChangePassword).toBe(true);
    const household = await db.selectFrom('households').select('id').where('county_code', '=', '522324').executeTakeFirstOrThrow();
    const refused = [
      await a.get('/api/households'),
      await a.get('/api/areas/522324'),
      await a.get(`/api/households/${household.id}`),
      await a.post(`/api/households/${household.id}/reveal`, { field: 'phone' }),
      await a.get('/api/print/households.xlsx'),
      await a.get('/api/accounts'),
      await a.get('/api/crosscheck/findings'),
    ];
    for (const r of refused) {
      expect(r.status).toBe(403);
      expect(((await r.json()) as { error: { code: string; message: string } }).error).toEqual({
        code: 'PASSWORD_CHANGE_REQUIRED',
        message: '请先修改初始密码（一次性密码），修改后才能使用系统',
      });
    }
    const en = await a.get('/api/households', { 'accept-language': 'en' });
    expect(((await en.json()) as { error: { message: string } }).error.message).toBe(
      'Change your one-time password first; until then nothing else is available',
    );
    // Nothing was revealed: no reveal entry in the audit log for this account.
    const reveals = await db.selectFrom('audit_log').select('id').where('actor_name', '=', username).where('action', 'like', '%reveal%').execute();
    expect(reveals).toEqual([]);
    expect((await a.get('/api/health')).status).toBe(200);
    expect((await a.post('/api/auth/password', { currentPassword: password, newPassword: 'Chosen2026pw' })).status).toBe(200);
    expect((await a.get('/api/households')).status).toBe(200);
    expect((await a.get('/api/areas/522324')).status).toBe(200);
  });

  it('lets such a session log out', async () => {
    const { db } = await getTestDb();
    const username = unique('otp');
    const password = `Once${unique('p')}1`;
    await createAccount(systemCtx(db), {
      username,
      displayName: '一次性密码',
      role: 'village_cadre',
      areaCode: '522324101209',
      password,
      mustChangePassword: true,
    });
    const a = await loginAs(username, { password, ip: '10.5.0.2' });
    expect((await a.post('/api/auth/logout')).status).toBe(200);
    expect((await a.get('/api/auth/me')).status).toBe(401);
  });
});
