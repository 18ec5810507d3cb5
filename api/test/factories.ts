// Factories for valid test records with overrides (no giant fixtures). The records are made the
// way the system makes them — through its domain functions, not by writing rows behind its back:
// a household as the registry loads it, or registered as a candidate, and brought to a state by
// its procedures; a procedure started and signed off stage by stage; an account created as the
// 账号管理 page does. Each acts as someone of the right role in the household's area.
import type { Ctx } from '../context.ts';
import { systemCtx } from '../context.ts';
import type { Role } from '../db/schema.ts';
import { createAccount } from '../modules/auth/auth.ts';
import { Scope } from '../modules/auth/scope.ts';
import { registerCandidate } from '../modules/households/candidates.ts';
import { addMember } from '../modules/households/members.ts';
import { insertRegistryRows, type RegistryRow } from '../modules/households/registry.ts';
import { putYear } from '../modules/households/years.ts';
import { type StartInput, startProcedure, takeStep } from '../modules/procedures/procedures.ts';
import type { ProjectType } from '../modules/projects/code-lists.ts';
import { createProject, type CreateInput, step as projectStep, type StepInput as ProjectStepInput } from '../modules/projects/projects.ts';
import { APPROVED_STATES, forwardAction, NOTICE_MS, PROJECT_STAGES, permissionFor, type ProjectState, type StepAction } from '../shared/project-chain.ts';
import { type HouseholdState, type ProcedureType, type Stage, STAGES, TRANSITIONS } from '../modules/procedures/state-machine.ts';
import { type Permission, PERMISSIONS, signoff } from '../shared/permissions.ts';
import { checkChar } from '../shared/id-number.ts';
import { testCtx } from './context.ts';
import { getTestDb, unique } from './db.ts';
import { DEMO_ACCOUNTS } from '../../seeds/demo-accounts.ts';

let seq = 0;
const issued = new Set<string>();
/** Start each process somewhere else in the serial range (workers share nothing, but it reads better in failures). */
const offset = (process.pid * 37) % 500;

/**
 * A valid ID number, unique in this process, for a birth date and sex. Registered outside 晴隆县
 * (522301, then other 5223xx codes once a birth date's 500 serials are used up), so it never
 * collides with the generated registry of 522324 in the test template.
 */
export function makeIdNumber(birth = '19800101', sex: '男' | '女' = '男'): string {
  for (let tries = 0; tries < 500 * 98; tries++) {
    seq++;
    const serial = (offset + seq) % 500;
    const region = 1 + (Math.floor((offset + seq) / 500) % 99);
    if (region === 24) continue;
    const body = `5223${String(region).padStart(2, '0')}${birth}${String(serial * 2 + (sex === '男' ? 1 : 0)).padStart(3, '0')}`;
    if (issued.has(body)) continue;
    issued.add(body);
    return body + checkChar(body);
  }
  throw new Error(`no unused test ID number left for ${birth} ${sex}`);
}

let householdSeq = 0;
export function makeHouseholdNo(): string {
  householdSeq++;
  return `52232499${String((process.pid % 1000) * 1000 + householdSeq)
    .padStart(6, '0')
    .slice(-6)}${String(Date.now() % 10)}`;
}

export function registryRows(opts: {
  village: string;
  householdNo?: string;
  head?: string;
  members?: number;
  memberNames?: string[];
  /** 户状态 as the national system gives it (default 脱贫户), and 监测对象类别. */
  status?: string;
  monitoringCategory?: string;
}): RegistryRow[] {
  const householdNo = opts.householdNo ?? makeHouseholdNo();
  const head = opts.head ?? '测试户主';
  const n = opts.members ?? 2;
  return Array.from({ length: n }, (_, i) => ({
    户编号: householdNo,
    区划代码: opts.village,
    户主姓名: head,
    姓名: i === 0 ? head : (opts.memberNames?.[i - 1] ?? `成员${i}`),
    证件号码: makeIdNumber(i === 0 ? '19700101' : '19950505', i === 0 ? '男' : '女'),
    与户主关系: i === 0 ? '户主' : '之女',
    性别: i === 0 ? '男' : '女',
    民族: '布依族',
    户类型: '一般户',
    户状态: opts.status ?? '脱贫户',
    ...(opts.monitoringCategory ? { 监测对象类别: opts.monitoringCategory } : {}),
    联系电话: i === 0 ? '15585268493' : '',
    经度: '105.2',
    纬度: '25.8',
    是否死亡: '否',
  }));
}

/** A 脱贫户 loaded as the registry loads it (newHousehold without a state); its id and number. */
export function createHousehold(opts: { village: string; head?: string; members?: number; memberNames?: string[]; householdNo?: string }) {
  return newHousehold(opts);
}

const DAY = 24 * 60 * 60 * 1000;
/** The county's lines are seeded for this year (2021–2026): guarded procedures check a record of it. */
export const FACTORY_YEAR = 2025;

/** Someone of `role` working in `village`'s village, township or county (a factory's actor: no account). */
export function roleCtx(db: Ctx['db'], village: string, role: Role, now = new Date()): Ctx {
  const area = role === 'village_cadre' || role === 'village_supervisor' ? village : role === 'township_officer' ? village.slice(0, 9) : village.slice(0, 6);
  return testCtx(db, new Scope(area, role), { actor: { id: null, name: `test-factory:${role}`, role }, now });
}

export interface NewHouseholdOptions {
  /** Default 保家村 (522324101209). */
  village?: string;
  /** Default 脱贫户. */
  state?: HouseholdState;
  /** 监测户 / 已消除风险: default 脱贫不稳定户. */
  monitoringCategory?: string;
  head?: string;
  members?: number;
  memberNames?: string[];
  householdNo?: string;
}

/**
 * A household in `state`, made as the system makes one: 未脱贫户, 脱贫户, 监测户 and 已消除风险 are
 * loaded as the registry gives them (households/registry.ts — the national system decides them);
 * 待识别 is registered as a candidate by the county office (registerCandidate, members added with
 * addMember); 自然减少 and 清退 are loaded as 脱贫户 and left the registry by their procedure, signed
 * off along the whole chain (a week ago, so that the notice is over).
 */
export async function newHousehold(opts: NewHouseholdOptions = {}): Promise<{ id: string; householdNo: string; rows: RegistryRow[] }> {
  const { db } = await getTestDb();
  const village = opts.village ?? '522324101209';
  const state = opts.state ?? '脱贫户';
  if (state === '待识别') {
    const county = roleCtx(db, village, 'county_official');
    const rows = registryRows({ ...opts, village });
    const [head, ...others] = rows;
    const h = await registerCandidate(county, {
      villageCode: village,
      ...(opts.householdNo ? { householdNo: opts.householdNo } : {}),
      head: { name: head?.姓名 as string, idNumber: head?.证件号码 as string, sex: '男' },
      source: '农户申请',
    });
    for (const m of others) {
      await addMember(county, h.id, { name: m.姓名 as string, idNumber: m.证件号码 as string, sex: '女', relation: '之女', ethnicity: '布依族' });
    }
    return { id: h.id, householdNo: h.householdNo, rows: rows.map((r) => ({ ...r, 户编号: h.householdNo })) };
  }
  const left = state === '自然减少' || state === '清退';
  const monitored = state === '监测户' || state === '已消除风险';
  const rows = registryRows({
    ...opts,
    village,
    status: left ? '脱贫户' : state,
    monitoringCategory: monitored ? (opts.monitoringCategory ?? '脱贫不稳定户') : undefined,
  });
  await insertRegistryRows(db, rows);
  const h = await db
    .selectFrom('households')
    .select(['id', 'household_no'])
    .where('household_no', '=', rows[0]?.['户编号'] as string)
    .executeTakeFirstOrThrow();
  if (left) await newProcedure({ householdId: h.id, village, type: state, atStage: 'completed' });
  return { id: h.id, householdNo: h.household_no, rows };
}

/** A payload each procedure type accepts for a household of the factories (自然减少: every live member deceased). */
async function defaultPayload(db: Ctx['db'], type: ProcedureType, householdId: string): Promise<Record<string, unknown>> {
  switch (type) {
    case '识别纳入':
      return { identifiedYear: FACTORY_YEAR };
    case '监测对象认定':
      return { monitoringCategory: '脱贫不稳定户', riskTypes: ['因病'] };
    case '再次纳入':
      return { monitoringCategory: '突发严重困难户', riskTypes: ['因病'] };
    case '自然减少': {
      const members = await db.selectFrom('members').select('id').where('household_id', '=', householdId).where('deleted_at', 'is', null).execute();
      return { reasonCode: '全户死亡', members: members.map((m) => ({ memberId: m.id, personStatus: '死亡', statusDate: `${FACTORY_YEAR}-03-01` })) };
    }
    case '清退':
      return { reasonCode: '家庭收入超标' };
    default:
      return {};
  }
}

export interface NewProcedureOptions {
  /** Default 返贫 (from a 脱贫户). */
  type?: ProcedureType;
  /** The stage it waits at, or 'completed' (the county approved it and the household changed). Default 村级评议 (just started). */
  atStage?: Stage | 'completed';
  /** An existing household; otherwise one is made in a state the type starts from. */
  householdId?: string;
  village?: string;
  payload?: Record<string, unknown>;
  /** Why it was started (default: `<type>：测试`). */
  reason?: string;
  /**
   * When it starts (default: now while it waits at 村级评议 or 村内公示, whose 7-day notice then runs
   * from now; 8 days ago when it goes further, so that the notice is over and every step is past).
   */
  at?: Date;
}

/**
 * A procedure started by the village cadre and signed off through its stages by the roles that
 * sign each (startProcedure, takeStep), up to `atStage`. Guarded types (标注脱贫, 风险消除) get the
 * yearly record their guard needs (putYear: every guarantee met, income above both lines).
 */
export async function newProcedure(opts: NewProcedureOptions = {}): Promise<{ id: string; householdId: string; type: ProcedureType }> {
  const { db } = await getTestDb();
  const type = opts.type ?? '返贫';
  const village = opts.village ?? '522324101209';
  const atStage = opts.atStage ?? '村级评议';
  const householdId = opts.householdId ?? (await newHousehold({ village, state: TRANSITIONS[type].from[0] as HouseholdState, members: 1 })).id;
  const beyondNotice = atStage === '乡镇审核' || atStage === '县级审定' || atStage === 'completed';
  const t0 = opts.at ?? (beyondNotice ? new Date(Date.now() - 8 * DAY) : new Date());
  const afterNotice = new Date(t0.getTime() + 7 * DAY + 60_000);
  if (TRANSITIONS[type].guard) {
    await putYear(roleCtx(db, village, 'village_cadre', t0), householdId, FACTORY_YEAR, {
      income: { wage: 2_000_000 },
      guarantees: Object.fromEntries(['food', 'clothing', 'education', 'medical', 'housing', 'water'].map((g) => [g, { secure: true }])),
    });
  }
  const input: StartInput = {
    householdId,
    type,
    origin: '干部走访',
    reason: opts.reason ?? `${type}：测试`,
    evidence: { text: '入户核实' },
    payload: opts.payload ?? (await defaultPayload(db, type, householdId)),
  };
  const { id } = await startProcedure(roleCtx(db, village, 'village_cadre', t0), input);
  const until = atStage === 'completed' ? STAGES.length : STAGES.indexOf(atStage);
  for (let i = 0; i < until; i++) {
    const stage = STAGES[i] as Stage;
    const now = i === 0 ? t0 : afterNotice;
    await takeStep(roleCtx(db, village, PERMISSIONS[signoff(stage)][0], now), id, { action: 'approve', note: stage === '村级评议' ? '评议通过' : undefined });
  }
  return { id, householdId, type };
}

export interface NewAccountOptions {
  role?: Role;
  /** Default: 保家村 for village roles, 沙子镇 for a township officer, 晴隆县 otherwise. */
  area?: string;
  phone?: string | null;
  mustChangePassword?: boolean;
  displayName?: string;
}

/** An account created as 账号管理 creates one (createAccount), with a known password; its context for domain calls. */
export async function newAccount(opts: NewAccountOptions = {}) {
  const { db } = await getTestDb();
  const role = opts.role ?? 'village_cadre';
  const area = opts.area ?? (role === 'village_cadre' || role === 'village_supervisor' ? '522324101209' : role === 'township_officer' ? '522324101' : '522324');
  const username = unique('acc');
  const password = `Pw${unique('p')}123`;
  const row = await createAccount(systemCtx(db), {
    username,
    // By default the login id: tests find their own account's records by it (the HTTP actor's name is the display name).
    displayName: opts.displayName ?? username,
    role,
    areaCode: area,
    password,
    phone: opts.phone ?? null,
    mustChangePassword: opts.mustChangePassword,
  });
  return { id: row.id, username, password, role, areaCode: area, ctx: testCtx(db, { id: row.id, username, role, area_code: area }) };
}

export interface NewProjectOptions {
  /** The state it waits in (default 村申报, just drafted); 已驳回 is rejected at 乡镇审核, 已撤回 withdrawn at 村申报. */
  atState?: ProjectState;
  /** Who drafts it (default the lead village's cadre; a township officer for villages of one township). */
  by?: Role;
  /** Covered villages, the lead first (default 保家村). */
  villages?: string[];
  name?: string;
  type?: ProjectType;
  planYear?: number;
  /** Budget lines (default 10 万元 of 中央财政衔接推进乡村振兴补助资金). */
  budget?: CreateInput['budget'];
  beneficiaries?: CreateInput['beneficiaries'];
  geometry?: CreateInput['geometry'];
  /**
   * When it is drafted (default: now while it waits at or before 公告公示, whose 10-day notice then
   * runs from now; 11 days ago when it goes further, so that the notice is over).
   */
  at?: Date;
}

let projectSeq = 0;

/**
 * A project drafted by the lead village's cadre (createProject) and taken along the chain by the
 * role of each step (step(), the notice closed after its 10 days by the clock), up to `atState`;
 * at 资产移交 one 公益性 asset is registered with the step. Returns its id, version and lead village.
 */
export async function newProject(opts: NewProjectOptions = {}): Promise<{ id: string; version: number; villageCode: string }> {
  const { db } = await getTestDb();
  const villages = opts.villages ?? ['522324101209'];
  const lead = villages[0] as string;
  const atState = opts.atState ?? '村申报';
  const beyondNotice = APPROVED_STATES.includes(atState) && atState !== '公告公示';
  const t0 = opts.at ?? (beyondNotice ? new Date(Date.now() - 11 * DAY) : new Date());
  const afterNotice = new Date(t0.getTime() + NOTICE_MS + 60_000);
  projectSeq++;
  const { id } = await createProject(roleCtx(db, lead, opts.by ?? 'village_cadre', t0), {
    name: opts.name ?? `测试项目${process.pid}-${projectSeq}`,
    type: opts.type ?? '农村道路',
    planYear: opts.planYear ?? 2026,
    villages,
    budget: opts.budget ?? [{ source: '中央财政衔接推进乡村振兴补助资金', amountFen: 10_000_000 }],
    ...(opts.beneficiaries ? { beneficiaries: opts.beneficiaries } : {}),
    ...(opts.geometry ? { geometry: opts.geometry } : {}),
  });
  let state = '村申报' as ProjectState;
  let version = 1;
  const take = async (action: StepAction, now: Date, extra: Partial<ProjectStepInput> = {}) => {
    const permission = permissionFor(state, action) as Permission;
    const r = await projectStep(roleCtx(db, lead, PERMISSIONS[permission][0], now), id, { action, version, note: `${action}：测试`, ...extra });
    state = r.state;
    version = r.version;
  };
  if (atState === '已撤回') await take('withdraw', t0);
  else if (atState === '已驳回') {
    await take('submit', t0);
    await take('reject', t0);
  } else {
    for (let i = 0; i < 20 && state !== atState; i++) {
      const action = forwardAction(state);
      if (!action) throw new Error(`newProject: no way from ${state} to ${atState}`);
      const now = PROJECT_STAGES.indexOf(state as (typeof PROJECT_STAGES)[number]) >= PROJECT_STAGES.indexOf('公告公示') ? afterNotice : t0;
      await take(
        action,
        now,
        state === '资产移交'
          ? { assets: [{ name: '通组公路', kind: '公益性', valueFen: 10_000_000, owner: '保家村村民委员会', manager: '保家村村民委员会' }] }
          : {},
      );
    }
  }
  if (state !== atState) throw new Error(`newProject: stopped at ${state}, not ${atState}`);
  return { id, version, villageCode: lead };
}

/** A demo account's name as records show it (the HTTP actor's name: its display name, 晴隆县扶贫办 王主任). */
export const demoName = (username: string): string => DEMO_ACCOUNTS.find((a) => a.username === username)?.displayName ?? username;
