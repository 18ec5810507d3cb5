// 账号管理 (/api/accounts) against the real database: who manages whom, one-time passwords,
// disable/enable, reset, unlock — and the audit of each.
import { describe, expect, it } from 'vitest';
import { getTestDb, unique } from '../../test/db.ts';
import { newAccount } from '../../test/factories.ts';
import { type Agent, anonymous, loginAs } from '../../test/http.ts';
import { BACKOFF_POLICY } from './backoff.ts';
import { demoName } from '../../test/factories.ts';

interface Item {
  id: string;
  username: string;
  role: string;
  areaCode: string;
  phone: string | null;
  disabled: boolean;
  mustChangePassword: boolean;
  failedLogins: number;
  blockedUntil: string | null;
}
interface Page {
  items: Item[];
  total: number;
  roles: { value: string; label: string }[];
}
type ErrorBody = { error: { code: string; message: string; fields?: { path: string; code: string; message: string }[] } };

async function body<T>(res: Response, status: number): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return JSON.parse(text) as T;
}

/** An account made directly (not through the API under test), with a known password. */
const account = (role: 'village_cadre' | 'township_officer' | 'county_official' | 'inspector', area: string, phone: string | null = null) =>
  newAccount({ role, area, phone });

async function auditOf(id: string, action: string) {
  const { db } = await getTestDb();
  return db
    .selectFrom('audit_log')
    .select(['actor_name', 'diff', 'chain'])
    .where('entity', '=', 'account')
    .where('entity_id', '=', id)
    .where('action', '=', action)
    .execute();
}

describe('who manages accounts', () => {
  it('gives the admin every account and the county official only the township, village and supervisor accounts of its county', async () => {
    const admin = await loginAs('admin');
    const all = await body<Page>(await admin.get('/api/accounts?pageSize=200'), 200);
    const names = all.items.map((i) => i.username);
    expect(names).toEqual(expect.arrayContaining(['admin', 'qinglong_county', 'qinglong_inspector', 'shazi_township', 'baojia_cadre', 'baojia_supervisor']));
    expect(all.roles.map((r) => r.value).sort()).toEqual([
      'admin',
      'county_official',
      'inspector',
      'prefecture_official',
      'province_official',
      'township_officer',
      'village_cadre',
      'village_supervisor',
    ]);
    // 备案 accounts sit at their level: a prefecture office at a prefecture, never at a county.
    const pref = { username: unique('pref'), displayName: '州扶贫办', role: 'prefecture_official' };
    expect((await admin.post('/api/accounts', { ...pref, areaCode: '5223' })).status).toBe(201);
    const atCounty = await body<ErrorBody>(await admin.post('/api/accounts', { ...pref, username: unique('pref'), areaCode: '522324' }), 400);
    expect(atCounty.error.fields?.map((f) => f.code)).toEqual(['account.areaLevel']);

    const elsewhere = await account('village_cadre', '522301001001');
    const county = await loginAs('qinglong_county');
    const mine = await body<Page>(await county.get('/api/accounts?pageSize=200'), 200);
    const seen = mine.items.map((i) => i.username);
    expect(seen).toEqual(expect.arrayContaining(['shazi_township', 'baojia_cadre', 'sanhe_cadre', 'baojia_supervisor']));
    for (const hidden of ['admin', 'qinglong_county', 'qinglong_inspector', elsewhere.username]) expect(seen).not.toContain(hidden);
    expect(mine.items.every((i) => i.areaCode.startsWith('522324') && ['township_officer', 'village_cadre', 'village_supervisor'].includes(i.role))).toBe(true);
    expect(mine.roles).toEqual([
      { value: 'township_officer', label: '乡镇干部' },
      { value: 'village_cadre', label: '村干部/驻村队员' },
      { value: 'village_supervisor', label: '村监委成员' },
    ]);
    // Filters: part of the name, role, status.
    const found = await body<Page>(await county.get('/api/accounts?q=baojia&role=village_cadre'), 200);
    expect(found.items.map((i) => i.username)).toEqual(['baojia_cadre']);
  });

  it('refuses the page to every other role', async () => {
    for (const who of ['shazi_township', 'baojia_cadre', 'qinglong_inspector', 'baojia_supervisor', 'qianxinan_prefecture', 'guizhou_province']) {
      const a = await loginAs(who);
      const res = await a.get('/api/accounts');
      expect((await body<ErrorBody>(res, 403)).error.message).toBe('无权执行此操作');
      expect((await a.post('/api/accounts', { username: unique('x'), displayName: 'x', role: 'village_cadre', areaCode: '522324101209' })).status).toBe(403);
    }
  });

  it('masks account phones for the admin, whose role does not see personal data; the county official sees them', async () => {
    const a = await account('village_cadre', '522324101209', '13812345678');
    const admin = await loginAs('admin');
    const forAdmin = await body<Page>(await admin.get(`/api/accounts?q=${a.username}`), 200);
    expect(forAdmin.items[0]?.phone).toBe('138****5678');
    const county = await loginAs('qinglong_county');
    const forCounty = await body<Page>(await county.get(`/api/accounts?q=${a.username}`), 200);
    expect(forCounty.items[0]?.phone).toBe('13812345678');
  });
});

describe('creating accounts', () => {
  it('creates a village cadre with a one-time password that must be changed before anything else', async () => {
    const county = await loginAs('qinglong_county');
    const username = unique('newcadre');
    const created = await body<{ account: Item; oneTimePassword: string }>(
      await county.post('/api/accounts', { username, displayName: '保家村 新队员', role: 'village_cadre', areaCode: '522324101209', phone: '13900001111' }),
      201,
    );
    expect(created.account).toMatchObject({ username, role: 'village_cadre', areaCode: '522324101209', mustChangePassword: true, disabled: false });
    expect(created.oneTimePassword).toMatch(/^[A-Za-z2-9]{12}$/);
    const entries = await auditOf(created.account.id, 'account.create');
    expect(entries).toHaveLength(1);
    expect(entries[0]?.actor_name).toBe(demoName('qinglong_county'));
    expect(entries[0]?.chain).toBe('522324');
    expect(JSON.stringify(entries[0]?.diff)).not.toContain(created.oneTimePassword);
    expect(entries[0]?.diff).not.toHaveProperty('password_hash');
    expect(entries[0]?.diff).toMatchObject({ username: [null, username], must_change_password: [null, true] });

    const cadre = await loginAs(username, { password: created.oneTimePassword, ip: '10.6.0.1' });
    expect((await cadre.get('/api/households')).status).toBe(403);
    expect((await cadre.post('/api/auth/password', { currentPassword: created.oneTimePassword, newPassword: 'MyOwnPass2026' })).status).toBe(200);
    expect((await cadre.get('/api/households')).status).toBe(200);
  });

  it('names each bad field, in Chinese and English', async () => {
    const county = await loginAs('qinglong_county');
    const bad = await body<ErrorBody>(
      await county.post('/api/accounts', { username: 'a b', displayName: '张三', role: 'county_official', areaCode: '522301', phone: '12345' }),
      400,
    );
    expect(bad.error.fields).toEqual([
      { path: 'username', code: 'account.badUsername', message: '用户名为 3–64 位英文字母、数字、下划线、点或连字符' },
      { path: 'role', code: 'account.roleNotAllowed', message: '您不能创建或管理“县扶贫办”账号' },
      { path: 'areaCode', code: 'account.areaNotAllowed', message: '区划 522301 不在您的管辖范围内' },
      { path: 'phone', code: 'phone.invalid', message: '手机号码应为 11 位，以 1 开头' },
    ]);
    const level = await body<ErrorBody>(
      await county.post(
        '/api/accounts',
        { username: unique('lvl'), displayName: '张三', role: 'village_cadre', areaCode: '522324101' },
        { 'accept-language': 'en' },
      ),
      400,
    );
    expect(level.error.fields).toEqual([{ path: 'areaCode', code: 'account.areaLevel', message: 'A Village cadre account belongs to a village' }]);
    const missing = await body<ErrorBody>(
      await county.post('/api/accounts', { username: unique('miss'), displayName: '张三', role: 'village_cadre', areaCode: '522324101999' }),
      400,
    );
    expect(missing.error.fields).toEqual([{ path: 'areaCode', code: 'area.notFound', message: '找不到区划代码 522324101999' }]);
    for (const role of ['admin', 'inspector']) {
      const r = await body<ErrorBody>(await county.post('/api/accounts', { username: unique('r'), displayName: '张三', role, areaCode: '522324' }), 400);
      expect(r.error.fields?.map((f) => f.path)).toContain('role');
    }
    const taken = await body<ErrorBody>(
      await county.post('/api/accounts', { username: 'baojia_cadre', displayName: '重名', role: 'village_cadre', areaCode: '522324101209' }),
      409,
    );
    expect(taken.error.message).toBe('用户名 baojia_cadre 已存在');
    const extra = await county.post('/api/accounts', {
      username: unique('x'),
      displayName: '张三',
      role: 'village_cadre',
      areaCode: '522324101209',
      password: 'Mine12345678',
    });
    expect(extra.status).toBe(400);
  });

  it('lets the admin create any role', async () => {
    const admin = await loginAs('admin');
    const r = await body<{ account: Item; oneTimePassword: string }>(
      await admin.post('/api/accounts', { username: unique('insp'), displayName: '州纪委', role: 'inspector', areaCode: '5223' }),
      201,
    );
    expect(r.account).toMatchObject({ role: 'inspector', areaCode: '5223', mustChangePassword: true });
  });
});

describe('disable, enable, reset, unlock', () => {
  it('disables an account (its sessions end, its login fails like a wrong password) and enables it again', async () => {
    const target = await account('village_cadre', '522324101002');
    const session = await loginAs(target.username, { password: target.password, ip: '10.7.0.1' });
    const county = await loginAs('qinglong_county');
    const disabled = await body<Item>(await county.post(`/api/accounts/${target.id}/disable`), 200);
    expect(disabled.disabled).toBe(true);
    expect((await session.get('/api/auth/me')).status).toBe(401);
    const again = await (await anonymous({ ip: '10.7.0.2' })).login(target.username, target.password);
    expect((await body<ErrorBody>(again, 401)).error.message).toBe('用户名或密码错误');
    expect(await auditOf(target.id, 'account.disable')).toEqual([
      expect.objectContaining({ actor_name: demoName('qinglong_county'), diff: { disabled: [false, true] } }),
    ]);
    expect((await body<Page>(await county.get(`/api/accounts?q=${target.username}&status=disabled`), 200)).total).toBe(1);

    expect((await body<Item>(await county.post(`/api/accounts/${target.id}/enable`), 200)).disabled).toBe(false);
    expect((await (await anonymous({ ip: '10.7.0.3' })).login(target.username, target.password)).status).toBe(200);
    expect(await auditOf(target.id, 'account.enable')).toHaveLength(1);
  });

  it('resets a password to a one-time password shown once, ending the account’s sessions', async () => {
    const target = await account('township_officer', '522324101');
    const session = await loginAs(target.username, { password: target.password, ip: '10.7.1.1' });
    const county = await loginAs('qinglong_county');
    const reset = await body<{ account: Item; oneTimePassword: string }>(await county.post(`/api/accounts/${target.id}/reset-password`), 200);
    expect(reset.account.mustChangePassword).toBe(true);
    expect(reset.oneTimePassword).toMatch(/^[A-Za-z2-9]{12}$/);
    expect((await session.get('/api/auth/me')).status).toBe(401);
    expect((await (await anonymous({ ip: '10.7.1.2' })).login(target.username, target.password)).status).toBe(401);
    const fresh = await loginAs(target.username, { password: reset.oneTimePassword, ip: '10.7.1.3' });
    expect((await fresh.get('/api/households')).status).toBe(403);
    const entries = await auditOf(target.id, 'account.password_reset');
    expect(entries).toHaveLength(1);
    expect(entries[0]?.diff).toEqual({ password_hash: ['[redacted]', '[redacted]'], must_change_password: [false, true] });
  });

  it('unlocks an account kept waiting by failed logins: the right password works at once', async () => {
    const target = await account('village_cadre', '522324101209');
    const guesser = await anonymous({ ip: '10.7.2.1' });
    for (let i = 0; i < BACKOFF_POLICY.account.free; i++) await guesser.login(target.username, 'wrong-pass-1');
    const owner = await anonymous({ ip: '10.7.2.2' });
    expect((await owner.login(target.username, target.password)).status).toBe(429);
    const county = await loginAs('qinglong_county');
    const listed = await body<Page>(await county.get(`/api/accounts?q=${target.username}&status=throttled`), 200);
    expect(listed.items[0]).toMatchObject({ failedLogins: BACKOFF_POLICY.account.free, blockedUntil: expect.any(String) });
    const unlocked = await body<Item>(await county.post(`/api/accounts/${target.id}/unlock`), 200);
    expect(unlocked).toMatchObject({ failedLogins: 0, blockedUntil: null });
    expect((await owner.login(target.username, target.password)).status).toBe(200);
    const entries = await auditOf(target.id, 'account.unlock');
    expect(entries).toHaveLength(1);
    expect(entries[0]?.diff).toMatchObject({ _note: { failedLogins: BACKOFF_POLICY.account.free } });
  });

  it('refuses, and audits, a county official acting on the inspector, the admin, a peer or another county', async () => {
    const county = await loginAs('qinglong_county');
    const { db } = await getTestDb();
    const ids = await db.selectFrom('accounts').select(['id', 'username']).where('username', 'in', ['qinglong_inspector', 'admin']).execute();
    const peer = await account('county_official', '522324');
    const elsewhere = await account('village_cadre', '522301001001');
    for (const id of [...ids.map((i) => i.id), peer.id, elsewhere.id]) {
      for (const action of ['disable', 'reset-password', 'unlock', 'enable']) {
        const res = await county.post(`/api/accounts/${id}/${action}`);
        expect((await body<ErrorBody>(res, 403)).error.code).toBe('FORBIDDEN');
      }
    }
    const denied = await db
      .selectFrom('audit_log')
      .select(['entity_id'])
      .where('action', '=', 'access.denied')
      .where('entity', '=', 'account')
      .where('actor_name', '=', demoName('qinglong_county'))
      .execute();
    expect(new Set(denied.map((d) => d.entity_id))).toEqual(new Set([...ids.map((i) => i.id), peer.id, elsewhere.id]));
    // Nothing changed.
    const after = await db.selectFrom('accounts').select(['disabled', 'must_change_password']).where('id', 'in', [peer.id, elsewhere.id]).execute();
    expect(after.every((a) => !a.disabled && !a.must_change_password)).toBe(true);
  });

  it('does not let anyone disable or reset their own account here', async () => {
    const admin: Agent = await loginAs('admin');
    const { db } = await getTestDb();
    const me = await db.selectFrom('accounts').select('id').where('username', '=', 'admin').executeTakeFirstOrThrow();
    for (const action of ['disable', 'reset-password']) {
      const res = await admin.post(`/api/accounts/${me.id}/${action}`);
      expect((await body<ErrorBody>(res, 403)).error.message).toBe('不能对自己的账号执行此操作（修改自己的密码请用“修改密码”）');
    }
    expect((await admin.get('/api/auth/me')).status).toBe(200);
  });

  it('answers 404 for an unknown account and 400 for a malformed id', async () => {
    const admin = await loginAs('admin');
    expect((await body<ErrorBody>(await admin.post('/api/accounts/00000000-0000-4000-8000-000000000000/disable'), 404)).error.message).toBe('找不到该账号');
    expect((await admin.post('/api/accounts/not-an-id/disable')).status).toBe(400);
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await (await anonymous()).get('/api/openapi.json').then((r) => r.json())) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/accounts', '/accounts/{id}/disable', '/accounts/{id}/enable', '/accounts/{id}/reset-password', '/accounts/{id}/unlock']),
    );
  });
});
