// `dripline users …` for operators at the server's shell (called from api/cli.ts): the same
// domain functions as the 账号管理 page (accounts.ts), acting as the operator, who manages every
// account. Generated one-time passwords are printed once; --password-stdin reads one instead.
import { parseArgs } from 'node:util';
import { systemCtx } from '../../context.ts';
import type { DbHandle } from '../../db/connect.ts';
import type { Db } from '../../db/schema.ts';
import { SYSTEM_ACTOR } from '../audit/audit.ts';
import { type AccountView, createManagedAccount, listAccounts, resetAccountPassword, setAccountDisabled, unlockAccount } from './accounts.ts';
import type { AccountStatus } from './queries.ts';
import { isRole, ROLES } from './roles.ts';

export const USERS_USAGE = `  dripline users create --username U --name NAME --role ROLE --area CODE [--phone P] [--password-stdin]
                                         create an account (a one-time password is generated and printed when not given)
  dripline users list [--area CODE] [--role ROLE] [--status active|disabled|mustChange|throttled] [--q TEXT]
                                         list accounts with their state
  dripline users disable|enable|unlock --username U
                                         disable (ends its sessions) or enable an account; unlock clears its login back-off
  dripline users reset-password --username U [--password-stdin]
                                         new one-time password, printed once (or read from stdin); ends its sessions`;

export class UsersUsageError extends Error {}

const STATUSES: readonly AccountStatus[] = ['active', 'disabled', 'mustChange', 'throttled'];

/** The operator's context: no account, so it manages every account (accounts.ts managerOf). */
const operator = (db: Db) => systemCtx(db, { actor: { ...SYSTEM_ACTOR, name: `cli:${process.env.USER ?? 'operator'}` }, origin: { via: 'cli' } });

function state(a: AccountView): string {
  const s: string[] = [a.disabled ? 'disabled' : 'active'];
  if (a.mustChangePassword) s.push('must change password');
  if (a.blockedUntil) s.push(`login waits until ${a.blockedUntil}`);
  else if (a.failedLogins) s.push(`${a.failedLogins} failed login(s)`);
  return s.join(', ');
}

function parse(args: string[], options: Record<string, { type: 'string' | 'boolean' }>) {
  try {
    return parseArgs({ args, options, allowPositionals: true });
  } catch (e) {
    throw new UsersUsageError((e as Error).message);
  }
}

/** The account named by --username (or as the one positional argument). */
function username(values: Record<string, unknown>, positionals: string[]): string {
  const u = (values.username as string | undefined) ?? (positionals.length === 1 ? positionals[0] : undefined);
  if (!u || positionals.length > 1) throw new UsersUsageError('Name the account: --username U');
  return u;
}

export async function usersCommand(
  sub: string | undefined,
  args: string[],
  withDb: <T>(fn: (h: DbHandle) => Promise<T>) => Promise<T>,
  readStdin: () => Promise<string>,
): Promise<number | undefined> {
  switch (sub) {
    case 'create': {
      const { values } = parse(args, {
        username: { type: 'string' },
        name: { type: 'string' },
        role: { type: 'string' },
        area: { type: 'string' },
        phone: { type: 'string' },
        'password-stdin': { type: 'boolean' },
      });
      const missing = (['username', 'name', 'role', 'area'] as const).filter((k) => !values[k]);
      if (missing.length) throw new UsersUsageError(`Missing: ${missing.map((m) => `--${m}`).join(', ')}`);
      const role = values.role as string;
      if (!isRole(role)) throw new UsersUsageError(`Unknown role "${role}". Roles: ${ROLES.join(', ')}`);
      const password = values['password-stdin'] ? await readStdin() : undefined;
      return withDb(async (h) => {
        const r = await createManagedAccount(
          operator(h.db),
          {
            username: values.username as string,
            displayName: values.name as string,
            role,
            areaCode: values.area as string,
            phone: (values.phone as string | undefined) ?? null,
          },
          { password },
        );
        console.log(`Created account ${r.account.username} (${r.account.role}, area ${r.account.areaCode} ${r.account.areaName}).`);
        if (r.oneTimePassword) console.log(`Initial password (shown once; must be changed at first login): ${r.oneTimePassword}`);
        return 0;
      });
    }
    case 'list': {
      const { values } = parse(args, { area: { type: 'string' }, role: { type: 'string' }, status: { type: 'string' }, q: { type: 'string' } });
      const role = values.role as string | undefined;
      if (role !== undefined && !isRole(role)) throw new UsersUsageError(`Unknown role "${role}". Roles: ${ROLES.join(', ')}`);
      const status = values.status as AccountStatus | undefined;
      if (status !== undefined && !STATUSES.includes(status)) throw new UsersUsageError(`--status is one of ${STATUSES.join(', ')}`);
      const area = values.area as string | undefined;
      if (area !== undefined && !/^\d{2,12}$/.test(area)) throw new UsersUsageError(`--area takes an area code, not "${area}"`);
      return withDb(async (h) => {
        const rows: AccountView[] = [];
        for (let page = 1; ; page++) {
          const r = await listAccounts(operator(h.db), { q: values.q as string | undefined, role, status, area, page, pageSize: 200 });
          rows.push(...r.items);
          if (rows.length >= r.total || r.items.length === 0) break;
        }
        if (rows.length === 0) {
          console.log('No accounts.');
          return 0;
        }
        const w = Math.max(8, ...rows.map((a) => a.username.length));
        console.log(`${'username'.padEnd(w)}  ${'role'.padEnd(18)}  ${'area'.padEnd(12)}  ${'last login'.padEnd(20)}  state`);
        for (const a of rows) {
          const last = a.lastLoginAt ? a.lastLoginAt.slice(0, 16).replace('T', ' ') : '—';
          console.log(
            `${a.username.padEnd(w)}  ${a.role.padEnd(18)}  ${a.areaCode.padEnd(12)}  ${last.padEnd(20)}  ${state(a)}  ${a.displayName} · ${a.areaName}`,
          );
        }
        console.log(`${rows.length} account(s).`);
        return 0;
      });
    }
    case 'disable':
    case 'enable':
    case 'unlock': {
      const { values, positionals } = parse(args, { username: { type: 'string' } });
      const ref = { username: username(values, positionals) };
      return withDb(async (h) => {
        const a = sub === 'unlock' ? await unlockAccount(operator(h.db), ref) : await setAccountDisabled(operator(h.db), ref, sub === 'disable');
        const done = { disable: 'Disabled (its sessions ended)', enable: 'Enabled', unlock: 'Unlocked (login back-off cleared)' }[sub];
        console.log(`${done}: ${a.username} (${a.role}, area ${a.areaCode}) — ${state(a)}.`);
        return 0;
      });
    }
    case 'reset-password': {
      const { values, positionals } = parse(args, { username: { type: 'string' }, 'password-stdin': { type: 'boolean' } });
      const ref = { username: username(values, positionals) };
      const password = values['password-stdin'] ? await readStdin() : undefined;
      return withDb(async (h) => {
        const r = await resetAccountPassword(operator(h.db), ref, { password });
        console.log(`Password of ${r.account.username} reset; its sessions ended.`);
        if (r.oneTimePassword) console.log(`One-time password (shown once; must be changed at the next login): ${r.oneTimePassword}`);
        return 0;
      });
    }
    default:
      break;
  }
  return undefined;
}
