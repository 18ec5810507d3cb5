// Demo projects for 晴隆县 (issue 15: "a living project library, ledger and public page on the
// first start"): projects in villages of 沙子镇 and 光照镇 in every state of the approval chain,
// with budget lines, beneficiary households, ledger entries and a few irregularities for the
// inspector to find (a disbursement before the notice ran out, spending above a budget line).
// Everything goes through the domain functions — createProject, step, postEntry — as the demo
// accounts, each at its own moment (ctx.now in the past), so the chain's log, the audit and the
// ledger read as if the county had done the work over the last months.
import { sql } from 'kysely';
import type { Ctx } from '../api/context.ts';
import { AppError } from '../api/errors.ts';
import type { Db, Role } from '../api/db/schema.ts';
import { Scope } from '../api/modules/auth/scope.ts';
import type { FundSource } from '../api/modules/funds/code-lists.ts';
import { postEntry } from '../api/modules/funds/funds.ts';
import type { BenefitMechanism, ProjectType } from '../api/modules/projects/code-lists.ts';
import { createProject, step } from '../api/modules/projects/projects.ts';
import { forwardAction, NOTICE_MS, PROJECT_STAGES, type ProjectState, type StepAction } from '../api/shared/project-chain.ts';
import { demoActors } from './demo-accounts.ts';

const DAY = 86_400_000;
const SPENT_BEFORE_ACCEPTANCE = 0.7;
const OBJECTION = '村民反映：管网线路经过耕地，需与农户协商补偿。';
const BAOJIA = '522324101209';
const SANHE = '522324101002';

interface DemoProject {
  name: string;
  type: ProjectType;
  village: string;
  /** The state the project is left in. */
  state: ProjectState;
  /** Days before today the village proposed it. */
  startedDaysAgo: number;
  budget: [FundSource, number][];
  implementingUnit: string;
  mechanism?: BenefitMechanism;
  /** Ledger: fractions of the budget allocated, disbursed and spent (reimbursed or paid to households). */
  money?: { allocate: number; disburse: number; spend: number; toHouseholds?: boolean };
  /** Irregularities the oversight rules find. */
  disburseDuringNotice?: boolean;
  overspendLine?: boolean;
  /** A villager's objection during the notice: answered when the project goes past it, open when it stops there. */
  objection?: boolean;
  geometry?: 'point' | 'line';
}

const S1: FundSource = '中央财政衔接推进乡村振兴补助资金';
const S2: FundSource = '省级财政资金';
const S3: FundSource = '东西部协作资金';
const S4: FundSource = '群众自筹';

const PROJECTS: DemoProject[] = [
  {
    name: '保家村精品水果种植基地',
    type: '种植业',
    village: BAOJIA,
    state: '已完成',
    startedDaysAgo: 300,
    budget: [
      [S1, 80_000_000],
      [S3, 20_000_000],
    ],
    implementingUnit: '保家村股份经济合作社',
    mechanism: '产业奖补',
    money: { allocate: 1, disburse: 1, spend: 1, toHouseholds: true },
    geometry: 'point',
  },
  {
    name: '保家村组组通公路硬化',
    type: '农村道路',
    village: BAOJIA,
    state: '实施',
    startedDaysAgo: 120,
    budget: [
      [S1, 150_000_000],
      [S4, 5_000_000],
    ],
    implementingUnit: '晴隆县交通运输局',
    mechanism: '务工',
    money: { allocate: 1, disburse: 0.6, spend: 0.35 },
    disburseDuringNotice: true,
    geometry: 'line',
  },
  {
    name: '三合社区饮水管网改造',
    type: '饮水工程',
    village: SANHE,
    state: '公告公示',
    startedDaysAgo: 40,
    budget: [[S2, 60_000_000]],
    implementingUnit: '晴隆县水务局',
    objection: true,
    geometry: 'point',
  },
  {
    name: '保家村村级光伏电站',
    type: '光伏',
    village: BAOJIA,
    state: '县级审定',
    startedDaysAgo: 20,
    budget: [[S1, 120_000_000]],
    implementingUnit: '保家村股份经济合作社',
    mechanism: '资产收益',
  },
  {
    name: '三合社区乡村公益岗位',
    type: '公益岗位',
    village: SANHE,
    state: '乡镇审核',
    startedDaysAgo: 9,
    budget: [[S2, 7_200_000]],
    implementingUnit: '沙子镇人民政府',
    mechanism: '务工',
  },
  {
    name: '保家村人居环境整治',
    type: '人居环境',
    village: BAOJIA,
    state: '村申报',
    startedDaysAgo: 2,
    budget: [[S1, 30_000_000]],
    implementingUnit: '保家村村民委员会',
  },
  {
    name: '三合社区肉牛养殖小区',
    type: '养殖业',
    village: SANHE,
    state: '验收',
    startedDaysAgo: 200,
    budget: [
      [S1, 90_000_000],
      [S3, 10_000_000],
    ],
    implementingUnit: '三合社区养牛专业合作社',
    mechanism: '分红',
    money: { allocate: 1, disburse: 0.9, spend: 0.8 },
    overspendLine: true,
  },
  {
    name: '保家村茶叶加工厂房',
    type: '加工业',
    village: BAOJIA,
    state: '资产移交',
    startedDaysAgo: 260,
    budget: [[S1, 65_000_000]],
    implementingUnit: '保家村股份经济合作社',
    mechanism: '资产收益',
    money: { allocate: 1, disburse: 1, spend: 1 },
  },
  {
    name: '三合社区技能培训（电工、焊工）',
    type: '技能培训',
    village: SANHE,
    state: '绩效评价',
    startedDaysAgo: 220,
    budget: [[S2, 4_800_000]],
    implementingUnit: '晴隆县人力资源和社会保障局',
    mechanism: '务工',
    money: { allocate: 1, disburse: 1, spend: 0.95 },
  },
  {
    name: '保家村农家乐集群',
    type: '休闲农业与乡村旅游',
    village: BAOJIA,
    state: '已驳回',
    startedDaysAgo: 60,
    budget: [[S1, 200_000_000]],
    implementingUnit: '保家村村民委员会',
  },
];

type Actor = Ctx['actor'] & { areaCode: string };
type Actors = Record<Role, Actor> & { cadres: Map<string, Actor> };

async function projectActors(db: Db): Promise<Actors> {
  const rows = await demoActors(db);
  const out: Partial<Record<Role, Actor>> = {};
  const cadres = new Map<string, Actor>();
  for (const r of rows) {
    const a = { id: r.id, name: r.name, role: r.role, areaCode: r.areaCode };
    // The first demo account of each role acts for it; a village's own cadre proposes its projects.
    if (!out[r.role]) out[r.role] = a;
    if (r.role === 'village_cadre') cadres.set(r.areaCode, a);
  }
  return { ...(out as Record<Role, Actor>), cadres };
}

/** The context of `role` acting on `village` at `now`: the demo account's name, the village's own area for village roles. */
function ctxOf(db: Db, actors: Actors, role: Role, village: string, now: Date): Ctx {
  const a = (role === 'village_cadre' ? actors.cadres.get(village) : undefined) ?? actors[role];
  const area = role === 'village_cadre' ? village : a.areaCode;
  return { db, scope: new Scope(area, role), actor: { id: a.id, name: a.name, role }, origin: { via: 'seed' }, now };
}

const isoDay = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10);

/** Whether demo projects exist already (the seed runs once). */
export async function hasProjects(db: Db, countyCode: string): Promise<boolean> {
  const r = await db.selectFrom('projects').select('id').where('county_code', '=', countyCode).limit(1).executeTakeFirst();
  return !!r;
}

export async function seedDemoProjects(db: Db, opts: { today?: Date } = {}): Promise<{ projects: number; entries: number }> {
  const today = opts.today ?? new Date();
  const actors = await projectActors(db);
  let entries = 0;
  for (const p of PROJECTS) {
    try {
      entries += await seedOne(db, actors, p, today);
    } catch (e) {
      // Name the project and the refused fields: a change in the domain's rules shows here first.
      const detail = e instanceof AppError ? ` ${JSON.stringify({ fields: e.fields, params: e.params, details: e.details })}` : '';
      throw new Error(`demo project ${p.name}: ${e instanceof Error ? e.message : String(e)}${detail}`, { cause: e });
    }
  }
  return { projects: PROJECTS.length, entries };
}

async function seedOne(db: Db, actors: Actors, p: DemoProject, today: Date): Promise<number> {
  let entries = 0;
  {
    const t0 = new Date(today.getTime() - p.startedDaysAgo * DAY);
    let clock = t0.getTime();
    // The steps spread over the project's age, so that the last one was taken recently.
    const stages = Math.max(1, PROJECT_STAGES.indexOf(p.state as (typeof PROJECT_STAGES)[number]) + 1);
    const scale = Math.max(1, (p.startedDaysAgo - 15) / (4 * stages + 40));
    // Never past today: near the end, each step takes at most half of the time left.
    const limit = today.getTime() - DAY / 2;
    const at = (days: number) => new Date((clock += Math.min(days * scale * DAY, Math.max(0, limit - clock) / 2)));
    const village = await db
      .selectFrom('areas')
      .select([sql<number>`st_x(label_point)`.as('lon'), sql<number>`st_y(label_point)`.as('lat')])
      .where('code', '=', p.village)
      .executeTakeFirstOrThrow();
    const lon = Number(village.lon);
    const lat = Number(village.lat);
    const households = p.mechanism
      ? await db.selectFrom('households').select('id').where('village_code', '=', p.village).orderBy('household_no').limit(4).execute()
      : [];
    const { id } = await createProject(ctxOf(db, actors, 'village_cadre', p.village, t0), {
      name: p.name,
      type: p.type,
      planYear: t0.getFullYear(),
      villages: [p.village],
      implementingUnit: p.implementingUnit,
      personInCharge: (actors.cadres.get(p.village) ?? actors.village_cadre).name.split(' ').at(-1) ?? null,
      plannedStart: isoDay(new Date(t0.getTime() + 30 * DAY)),
      plannedEnd: isoDay(new Date(t0.getTime() + 240 * DAY)),
      budget: p.budget.map(([source, amountFen]) => ({ source, amountFen })),
      performanceTargets: { benefit: { households: households.length || null, satisfactionPct: 90 } },
      ...(p.mechanism ? { beneficiaries: households.map((h) => ({ householdId: h.id, mechanism: p.mechanism as BenefitMechanism })) } : {}),
      ...(p.geometry === 'point' ? { geometry: { type: 'Point' as const, coordinates: [lon, lat] as [number, number] } } : {}),
      ...(p.geometry === 'line'
        ? {
            geometry: {
              type: 'LineString' as const,
              coordinates: [
                [lon, lat],
                [lon + 0.0002, lat + 0.0001],
                [lon + 0.0004, lat + 0.0003],
              ] as [number, number][],
            },
          }
        : {}),
    });
    let state = '村申报' as ProjectState;
    let version = 1;
    const take = async (role: Role, action: StepAction, now: Date, extra: Record<string, unknown> = {}) => {
      const r = await step(ctxOf(db, actors, role, p.village, now), id, { action, version, ...extra });
      state = r.state;
      version = r.version;
      return r;
    };
    const roleFor: Partial<Record<ProjectState, Role>> = {
      村申报: 'village_cadre',
      乡镇审核: 'township_officer',
      县级审定: 'county_official',
      公告公示: 'county_official',
      实施: 'township_officer',
      验收: 'township_officer',
      资产移交: 'county_official',
      绩效评价: 'county_official',
    };
    const post = async (
      role: Role,
      kind: '下达' | '拨付' | '报账' | '到户',
      source: FundSource,
      amountFen: number,
      now: Date,
      extra: Record<string, unknown> = {},
    ) => {
      if (amountFen <= 0) return;
      await postEntry(ctxOf(db, actors, role, p.village, now), { projectId: id, kind, source, amountFen, bookedOn: isoDay(now), ...extra });
      entries++;
    };
    const money = async (now: Date, phase: 'allocate' | 'disburse' | 'spend', share = 1) => {
      const m = p.money;
      if (!m) return;
      for (const [i, [source, budget]] of p.budget.entries()) {
        if (phase === 'allocate')
          await post('county_official', '下达', source, Math.round(budget * m.allocate), now, { documentNo: `晴扶发〔${now.getFullYear()}〕${12 + i}号` });
        if (phase === 'disburse') await post('county_official', '拨付', source, Math.round(budget * m.disburse), now, { payee: p.implementingUnit });
        if (phase === 'spend') {
          const spend = Math.round(budget * m.spend * share);
          if (m.toHouseholds && households.length && i === 0) {
            const each = Math.floor(spend / 10 / households.length);
            for (const h of households) await post('township_officer', '到户', source, each, now, { householdId: h.id, note: '产业奖补' });
            await post('township_officer', '报账', source, spend - each * households.length, now, {
              voucherNo: `SZ-${now.getFullYear()}-${String(entries + 1).padStart(4, '0')}`,
              payee: p.implementingUnit,
            });
          } else {
            await post('township_officer', '报账', source, spend, now, {
              voucherNo: `SZ-${now.getFullYear()}-${String(entries + 1).padStart(4, '0')}`,
              payee: p.implementingUnit,
            });
          }
        }
      }
    };

    if (p.state === '已驳回') {
      await take('village_cadre', 'submit', at(1));
      await take('township_officer', 'approve', at(3));
      await take('county_official', 'reject', at(6), { note: '项目投资过大，与本村产业规划不符，不予入库。' });
      return entries;
    }
    /** 实施: progress with the contractor, spending by progress (and the over-budget entry the inspector should find). */
    const implement = async () => {
      await take('township_officer', 'progress', at(20), {
        note: '已完成工程量约六成，现场照片已上传。',
        contractor: `贵州晴隆${p.type === '农村道路' ? '路桥' : '建设'}工程有限公司`,
      });
      // Spending by progress before 验收 stays below the allocation (the ledger refuses full reimbursement before it).
      await money(at(10), 'spend', SPENT_BEFORE_ACCEPTANCE);
      if (p.overspendLine)
        await post('township_officer', '报账', (p.budget[1] as [FundSource, number])[0], 500_000, at(1), {
          voucherNo: 'SZ-EXTRA-0001',
          payee: '县外运输公司',
        });
    };

    for (let guard = 0; guard < 12 && state !== p.state; guard++) {
      const action = forwardAction(state);
      const role = roleFor[state];
      if (!action || !role) break;
      if (state === '公告公示') {
        if (p.objection) {
          const o = await take('county_official', 'object', at(2), { note: OBJECTION });
          await take('county_official', 'answer', at(1), { objectionId: o.stepId, note: '已与涉及农户协商一致，线路避开基本农田。' });
        }
        if (p.disburseDuringNotice) {
          await money(new Date(clock), 'allocate');
          await money(at(2), 'disburse');
        }
        clock = Math.max(clock, (await noticeStarted(db, id)) + NOTICE_MS + DAY);
        if (!p.disburseDuringNotice) await money(new Date(clock), 'allocate');
        await take(role, action, new Date(clock));
        if (!p.disburseDuringNotice) await money(at(5), 'disburse');
        continue;
      }
      if (state === '实施') await implement();
      const extra: Record<string, unknown> =
        state === '资产移交'
          ? {
              assets: [
                {
                  name: `${p.name}形成资产`,
                  kind: '经营性',
                  valueFen: p.budget.reduce((s, [, a]) => s + a, 0),
                  owner: `${p.village === BAOJIA ? '保家村' : '三合社区'}股份经济合作社`,
                  manager: p.implementingUnit,
                },
              ],
            }
          : {};
      const before = state;
      await take(role, action, at(state === '村申报' ? 1 : 4), extra);
      // Accepted: the rest is reimbursed against the acceptance report.
      if (before === '验收') await money(at(3), 'spend', 1 - SPENT_BEFORE_ACCEPTANCE);
    }
    // A notice still running, with a villager's objection the county has not answered yet.
    if (state === '公告公示' && p.objection) await take('county_official', 'object', at(2), { note: OBJECTION });
    // Under way: progress and partial spending recorded.
    if (state === '实施') await implement();
    if (state !== p.state) throw new Error(`stopped at ${state}, not ${p.state}`);
  }
  return entries;
}

async function noticeStarted(db: Db, id: string): Promise<number> {
  const r = await db.selectFrom('projects').select('notice_started_at').where('id', '=', id).executeTakeFirstOrThrow();
  return new Date(r.notice_started_at as Date | string).getTime();
}
