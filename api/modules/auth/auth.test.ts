// Login, sessions, CSRF, throttling and lockout, password change — against the real database.
import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../../seeds/demo-accounts.ts';
import { getTestDb, unique } from '../../test/db.ts';
import { anonymous, loginAs } from '../../test/http.ts';
import { SYSTEM_ACTOR } from '../audit/audit.ts';
import { createAccount, LOCK_AFTER_FAILURES, tokenHash } from './auth.ts';

async function newAccount(role: 'village_cadre' | 'county_official' = 'village_cadre', areaCode = '522324101209') {
  const { db } = await getTestDb();
  const username = unique('u');
  const password = `Pw${unique('p')}123`;
  await createAccount(db, { username, displayName: '测试账号', role, areaCode, password }, SYSTEM_ACTOR);
  return { username, password };
}

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
    const seen = async () => (await db.selectFrom('sessions').select(['last_seen_at', 'expires_at']).where('id', '=', id).executeTakeFirstOrThrow());
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

  it(`locks an account after ${LOCK_AFTER_FAILURES} wrong passwords, even for the right password then`, async () => {
    const { username, password } = await newAccount();
    const a = await anonymous({ ip: '10.2.0.1' });
    for (let i = 0; i < LOCK_AFTER_FAILURES; i++) {
      expect((await a.post('/api/auth/login', { username, password: 'wrong-pass-1' })).status).toBe(401);
    }
    const locked = await a.post('/api/auth/login', { username, password });
    expect(locked.status).toBe(429);
    expect(((await locked.json()) as { error: { message: string } }).error.message).toMatch(/登录尝试过于频繁/);
    const { db } = await getTestDb();
    const row = await db.selectFrom('accounts').select(['locked_until']).where('username', '=', username).executeTakeFirstOrThrow();
    expect(row.locked_until && row.locked_until > new Date()).toBe(true);
  });

  it('throttles an address that keeps failing, whatever the usernames', async () => {
    const a = await anonymous({ ip: '10.3.0.1' });
    let last = 0;
    for (let i = 0; i < 21; i++) last = (await a.post('/api/auth/login', { username: `ghost${i}`, password: 'x' })).status;
    expect(last).toBe(429);
    // Another address is not affected.
    const b = await anonymous({ ip: '10.3.0.2' });
    expect((await b.post('/api/auth/login', { username: 'qinglong_county', password: DEMO_PASSWORD })).status).toBe(200);
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
});
