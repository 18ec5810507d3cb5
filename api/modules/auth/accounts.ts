// Account management (账号管理), for the web page and the `dripline users …` commands: list,
// create, disable/enable, reset the password (one-time), unlock (clear the login back-off).
// Who manages whom is decided here, from the permission table (api/shared/permissions.ts): the
// roles with accounts.manageAll (the system administrator) and the operator at the CLI manage
// every account; the other roles with accounts.manage (县扶贫办) manage COUNTY_MANAGED_ROLES — the
// township, village and village-supervisor accounts of their own county, never an admin, a peer or
// the inspector who oversees them. Nobody disables or resets their own account here. Every action
// is audited in the transaction that makes it; passwords never enter the audit (hashes are
// redacted there).
import { randomInt } from 'node:crypto';
import { areaLevelOf } from '../../../gis/area-code.ts';
import { type Ctx, inTransaction } from '../../context.ts';
import { maskPhone } from '../../shared/mask.ts';
import { can, COUNTY_MANAGED_ROLES } from '../../shared/permissions.ts';
import type { DbOrTrx, Role } from '../../db/schema.ts';
import { AppError, type FieldError, Invalid, NotFound } from '../../errors.ts';
import { type Actor, recordAudit } from '../audit/audit.ts';
import { createAccount } from './auth.ts';
import { hashPassword, isPublishedPassword, isStrongPassword } from './passwords.ts';
import * as q from './queries.ts';
import { LEVEL_LABELS, ROLE_AREA_LEVELS, ROLE_LABELS, ROLES } from './roles.ts';

/** Who manages: the acting account (web), or the operator at the CLI (`account` undefined). */
export interface Manager {
  actor: Actor;
  account?: { id: string; role: Role; areaCode: string };
  origin?: Record<string, unknown>;
}

/** The manager a context acts as: its account (scope and actor), or the operator — a context without an account (systemCtx). */
export function managerOf(ctx: Ctx): Manager {
  const { actor, scope, origin } = ctx;
  return { actor, account: actor.id ? { id: actor.id, role: scope.role, areaCode: scope.areaCode } : undefined, origin };
}

const USERNAME = /^[A-Za-z0-9_.-]{3,64}$/;
/** No 0/O, 1/l/I: the password is read out over the phone to a village cadre. */
const PASSWORD_ALPHABET = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A one-time password: 12 characters with letters and digits (meets the password policy). */
export function oneTimePassword(): string {
  for (;;) {
    let p = '';
    for (let i = 0; i < 12; i++) p += PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)];
    if (isStrongPassword(p)) return p;
  }
}

/** The operator at the CLI, or an account whose role manages every account. */
const managesAll = (m: Manager) => !m.account || can(m.account.role, 'accounts.manageAll');

/** The roles `m` may create and manage. */
export function manageableRoles(m: Manager): readonly Role[] {
  if (managesAll(m)) return ROLES;
  // A county official manages its county: one bound to anything but a county manages nothing.
  if (m.account && can(m.account.role, 'accounts.manage')) return m.account.areaCode.length === 6 ? COUNTY_MANAGED_ROLES : [];
  return [];
}

/** The area under which `m` manages accounts (undefined: everywhere). */
function managedArea(m: Manager): string | undefined {
  return managesAll(m) ? undefined : m.account?.areaCode.slice(0, 6);
}

function mayManage(m: Manager, target: { role: Role; area_code: string }): boolean {
  if (!manageableRoles(m).includes(target.role)) return false;
  const area = managedArea(m);
  return area === undefined || target.area_code.startsWith(area);
}

export function canManageAccounts(m: Manager): boolean {
  return manageableRoles(m).length > 0;
}

function assertCanManageAccounts(m: Manager) {
  if (!canManageAccounts(m)) throw new AppError('FORBIDDEN', 'error.forbidden');
}

/** Refused: 403, and the refusal goes into the audit log like any out-of-scope access. */
function notManageable(target: { id: string; area_code: string }) {
  return new AppError('FORBIDDEN', 'account.notManageable', {}, [], {
    audit: { code: target.area_code, entity: 'account', entityId: target.id, kind: 'write' },
  });
}

export type AccountRef = { id: string } | { username: string };

async function findManaged(db: DbOrTrx, m: Manager, ref: AccountRef) {
  assertCanManageAccounts(m);
  const account =
    'id' in ref ? (/^[0-9a-f-]{36}$/i.test(ref.id) ? await q.findAccountById(db, ref.id) : undefined) : await q.findAccountByUsername(db, ref.username);
  if (!account) throw 'username' in ref ? NotFound('account.notFound', { username: ref.username }) : NotFound('account.missing');
  if (!mayManage(m, account)) throw notManageable(account);
  return account;
}

function assertNotSelf(m: Manager, account: { id: string }) {
  if (m.account?.id === account.id) throw new AppError('FORBIDDEN', 'account.self');
}

/** An account as the management page and `users list` show it. */
export function accountView(row: q.AccountRow, m: Manager, lang: 'zh-CN' | 'en', now: Date) {
  const blocked = row.blocked_until && new Date(row.blocked_until) > now ? new Date(row.blocked_until) : null;
  const seesPhone = !m.account || can(m.account.role, 'personal.reveal');
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    roleLabel: ROLE_LABELS[row.role][lang],
    areaCode: row.area_code,
    areaName: row.area_name,
    areaLevel: row.area_level,
    parentAreaName: row.parent_name,
    phone: seesPhone ? row.phone : maskPhone(row.phone),
    disabled: row.disabled,
    mustChangePassword: row.must_change_password,
    lastLoginAt: row.last_login_at ? new Date(row.last_login_at).toISOString() : null,
    createdAt: new Date(row.created_at).toISOString(),
    /** Failed logins counted by the back-off (0 after a login or an unlock). */
    failedLogins: row.failures ?? 0,
    /** While set, logins under this name wait until then (an unlock clears it). */
    blockedUntil: blocked ? blocked.toISOString() : null,
    self: m.account?.id === row.id,
  };
}

export type AccountView = ReturnType<typeof accountView>;

export interface ListAccountsInput {
  q?: string;
  /** Only accounts at or under this area (within what the manager manages). */
  area?: string;
  role?: Role;
  status?: q.AccountStatus;
  page: number;
  pageSize: number;
}

export async function listAccounts(ctx: Ctx, input: ListAccountsInput, lang: 'zh-CN' | 'en' = 'zh-CN') {
  const { db, now } = ctx;
  const m = managerOf(ctx);
  assertCanManageAccounts(m);
  const managed = managedArea(m);
  const area = input.area;
  // A filter never widens: an area around the managed one means the managed one; one beside it, no account.
  const within = area === undefined || managed === undefined ? (area ?? managed) : area.startsWith(managed) ? area : managed.startsWith(area) ? managed : null;
  if (within === null) return { items: [], total: 0, page: input.page, pageSize: input.pageSize };
  const { rows, total } = await q.listAccounts(
    db,
    { q: input.q, role: input.role, status: input.status, within: within ?? undefined, roles: managesAll(m) ? undefined : manageableRoles(m), now },
    { limit: input.pageSize, offset: (input.page - 1) * input.pageSize },
  );
  return { items: rows.map((r) => accountView(r, m, lang, now)), total, page: input.page, pageSize: input.pageSize };
}

async function view(db: DbOrTrx, m: Manager, id: string, lang: 'zh-CN' | 'en', now: Date): Promise<AccountView> {
  const row = await q.findAccountRow(db, id, now);
  if (!row) throw NotFound('account.missing');
  return accountView(row, m, lang, now);
}

export interface NewManagedAccount {
  username: string;
  displayName: string;
  role: Role;
  areaCode: string;
  phone?: string | null;
}

function passwordProblem(password: string, path: string): FieldError | undefined {
  if (isPublishedPassword(password)) return { path, key: 'account.demoPassword' };
  if (!isStrongPassword(password)) return { path, key: 'auth.weakPassword' };
  return undefined;
}

/**
 * Creates an account. Without `password` a one-time password is generated, returned once and
 * must be changed at first login; the operator may give one (`--password-stdin`) instead.
 */
export async function createManagedAccount(ctx: Ctx, input: NewManagedAccount, opts: { password?: string; lang?: 'zh-CN' | 'en' } = {}) {
  const { db } = ctx;
  const m = managerOf(ctx);
  assertCanManageAccounts(m);
  const fields: FieldError[] = [];
  const lang = opts.lang ?? 'zh-CN';
  if (!USERNAME.test(input.username)) fields.push({ path: 'username', key: 'account.badUsername' });
  if (!manageableRoles(m).includes(input.role)) {
    fields.push({ path: 'role', key: 'account.roleNotAllowed', params: { roleZh: ROLE_LABELS[input.role]['zh-CN'], roleEn: ROLE_LABELS[input.role].en } });
  }
  const level = areaLevelOf(input.areaCode);
  const area = managedArea(m);
  if (!level) fields.push({ path: 'areaCode', key: 'area.badCode' });
  else if (area !== undefined && !input.areaCode.startsWith(area))
    fields.push({ path: 'areaCode', key: 'account.areaNotAllowed', params: { code: input.areaCode } });
  else if (!ROLE_AREA_LEVELS[input.role].includes(level)) {
    const levels = ROLE_AREA_LEVELS[input.role];
    fields.push({
      path: 'areaCode',
      key: 'account.areaLevel',
      params: {
        roleZh: ROLE_LABELS[input.role]['zh-CN'],
        roleEn: ROLE_LABELS[input.role].en,
        levelZh: levels.map((l) => LEVEL_LABELS[l]['zh-CN']).join('或'),
        levelEn: levels.map((l) => LEVEL_LABELS[l].en).join(' or '),
      },
    });
  }
  if (input.phone && !/^1[3-9]\d{9}$/.test(input.phone)) fields.push({ path: 'phone', key: 'phone.invalid' });
  const given = opts.password;
  const problem = given === undefined ? undefined : passwordProblem(given, 'password');
  if (problem) fields.push(problem);
  if (level && !fields.some((f) => f.path === 'areaCode')) {
    if (!(await q.areaExists(db, input.areaCode))) fields.push({ path: 'areaCode', key: 'area.notFound', params: { code: input.areaCode } });
  }
  if (fields.length) throw Invalid(fields);
  const password = given ?? oneTimePassword();
  const created = await createAccount(ctx, {
    username: input.username,
    displayName: input.displayName,
    role: input.role,
    areaCode: input.areaCode,
    password,
    phone: input.phone ?? null,
    mustChangePassword: given === undefined,
  });
  return {
    account: await view(db, m, created.id, lang, ctx.now),
    oneTimePassword: given === undefined ? password : null,
  };
}

/**
 * Disables an account (its sessions end at once, its devices are forgotten) or enables it again.
 * Disabling answers its logins exactly like a wrong password.
 */
export async function setAccountDisabled(ctx: Ctx, ref: AccountRef, disabled: boolean, opts: { lang?: 'zh-CN' | 'en' } = {}) {
  const { db, now } = ctx;
  const m = managerOf(ctx);
  const account = await findManaged(db, m, ref);
  assertNotSelf(m, account);
  if (account.disabled !== disabled) {
    await inTransaction(ctx, async (trx) => {
      await q.updateAccount(trx, account.id, { disabled }, now);
      if (disabled) {
        await q.deleteSessionsOf(trx, account.id);
        await q.forgetDevices(trx, account.id);
      }
      await recordAudit(trx, {
        actor: m.actor,
        action: disabled ? 'account.disable' : 'account.enable',
        entity: 'account',
        entityId: account.id,
        areaCode: account.area_code,
        before: { disabled: account.disabled },
        after: { disabled },
        origin: m.origin,
      });
    });
  }
  return view(db, m, account.id, opts.lang ?? 'zh-CN', now);
}

/**
 * Gives an account a new password: generated (returned once; must be changed at the next login)
 * or, from the CLI, the operator's own. Ends its sessions, forgets its devices and clears its
 * login back-off (the new password is not the one being guessed).
 */
export async function resetAccountPassword(ctx: Ctx, ref: AccountRef, opts: { password?: string; lang?: 'zh-CN' | 'en' } = {}) {
  const { db, now } = ctx;
  const m = managerOf(ctx);
  const account = await findManaged(db, m, ref);
  assertNotSelf(m, account);
  const given = opts.password;
  const problem = given === undefined ? undefined : passwordProblem(given, 'password');
  if (problem) throw Invalid([problem]);
  const password = given ?? oneTimePassword();
  const password_hash = await hashPassword(password);
  const mustChange = given === undefined;
  await inTransaction(ctx, async (trx) => {
    await q.updateAccount(trx, account.id, { password_hash, must_change_password: mustChange, password_changed_at: now }, now);
    await q.deleteSessionsOf(trx, account.id);
    await q.clearAccountBackoff(trx, account);
    await q.forgetDevices(trx, account.id);
    await recordAudit(trx, {
      actor: m.actor,
      action: 'account.password_reset',
      entity: 'account',
      entityId: account.id,
      areaCode: account.area_code,
      before: { password_hash: account.password_hash, must_change_password: account.must_change_password },
      after: { password_hash, must_change_password: mustChange },
      origin: m.origin,
    });
  });
  return { account: await view(db, m, account.id, opts.lang ?? 'zh-CN', now), oneTimePassword: mustChange ? password : null };
}

/** Clears an account's login back-off (its name, its devices, its current-password checks). */
export async function unlockAccount(ctx: Ctx, ref: AccountRef, opts: { lang?: 'zh-CN' | 'en' } = {}) {
  const { db, now } = ctx;
  const m = managerOf(ctx);
  const account = await findManaged(db, m, ref);
  const before = await q.findAccountRow(db, account.id, now);
  await inTransaction(ctx, async (trx) => {
    await q.clearAccountBackoff(trx, account);
    await recordAudit(trx, {
      actor: m.actor,
      action: 'account.unlock',
      entity: 'account',
      entityId: account.id,
      areaCode: account.area_code,
      note: { failedLogins: before?.failures ?? 0, blockedUntil: before?.blocked_until ? new Date(before.blocked_until).toISOString() : null },
      origin: m.origin,
    });
  });
  return view(db, m, account.id, opts.lang ?? 'zh-CN', now);
}
