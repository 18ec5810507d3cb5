// Demo case work for 晴隆县 (the households' side of the demo, as seeds/projects.ts is the projects'):
// yearly income records against the county's lines, status procedures waiting at every stage of the
// sign-off chain (村级评议 → 村内公示 → 乡镇审核 → 县级审定) and some done or 驳回, visits (some
// households long unvisited, so that 遍访 shows), assistance measures and a few photos — in the
// villages of the demo village cadres (保家村, 三合社区), so that every demo account's workbench has
// something waiting. Everything goes through the domain functions — registerCandidate, addMember,
// putYear, createChild, addPhoto, startProcedure, takeStep — as the demo accounts, each at its own
// moment (ctx.now in the past), in date order; the whole story is one transaction (all or nothing),
// so hasDemoCasework is an honest marker. Households an application or a visit brings in are
// registered as candidates (待识别) by the village cadre, as the card does it; the registry's own
// households are used where a story needs their state, candidates stand in where the registry has none.
import { deflateSync } from 'node:zlib';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Ctx } from '../api/context.ts';
import type { Database, Db, Role } from '../api/db/schema.ts';
import { AppError } from '../api/errors.ts';
import { Scope } from '../api/modules/auth/scope.ts';
import { registerCandidate } from '../api/modules/households/candidates.ts';
import { createChild, measureSpec, visitSpec } from '../api/modules/households/children.ts';
import { addMember } from '../api/modules/households/members.ts';
import { addPhoto } from '../api/modules/households/photos.ts';
import { CandidateCreate, MeasureCreate, MemberCreate, PhotoUpload, VisitCreate, YearPut } from '../api/modules/households/schema/index.ts';
import { putYear } from '../api/modules/households/years.ts';
import { findCountyYearSettings } from '../api/modules/procedures/county-settings.ts';
import { startProcedure, takeStep } from '../api/modules/procedures/procedures.ts';
import type { MeasureCategory, PhotoKind, PovertyCause, RiskType } from '../api/shared/code-lists.ts';
import { checkChar } from '../api/shared/id-number.ts';
import type { HouseholdState, ProcedureType, Stage } from '../api/shared/state-machine.ts';
import { type DemoActor, demoActors } from './demo-accounts.ts';
import { givenName, mobile } from './registry/people.ts';
import { Rng } from './registry/random.ts';

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** China Standard Time (UTC+8, no daylight saving): the county's working day. */
const CST = 8 * HOUR;
const DEFAULT_COUNTY = '522324';
const DEFAULT_SEED = 20261130;
/** Registry households per village given yearly records, visits and measures beyond the stories. */
const GENERAL_PER_VILLAGE = 40;

export interface CaseworkCounts {
  procedures: number;
  visits: number;
  measures: number;
  photos: number;
  incomeYears: number;
}

/** Whether case work exists in the county already (a procedure or a visit): the seed runs once. */
export async function hasDemoCasework(db: Kysely<Database>, countyCode: string): Promise<boolean> {
  const r = await sql<{ found: boolean }>`
    select exists (select 1 from procedures where county_code = ${countyCode})
        or exists (select 1 from visits where county_code = ${countyCode}) as found`.execute(db);
  return r.rows[0]?.found === true;
}

export async function seedDemoCasework(db: Kysely<Database>, opts: { countyCode?: string; today?: Date; seed?: number } = {}): Promise<CaseworkCounts> {
  const county = opts.countyCode ?? DEFAULT_COUNTY;
  if (await hasDemoCasework(db, county)) return { procedures: 0, visits: 0, measures: 0, photos: 0, incomeYears: 0 };
  const today = opts.today ?? new Date();
  return db.transaction().execute(async (trx) => {
    const story = new Story(trx, county, today, new Rng(opts.seed ?? DEFAULT_SEED));
    await story.plan();
    return story.run();
  });
}

// ── Who acts ────────────────────────────────────────────────────────────────────────────────────
type Actor = Ctx['actor'] & { areaCode: string };
interface Actors {
  county: Actor;
  township: Actor;
  /** The demo village cadres of the county, in the order of DEMO_ACCOUNTS: their villages get the stories. */
  cadres: Actor[];
}

async function caseworkActors(db: Db, county: string): Promise<Actors> {
  const rows = await demoActors(db, county);
  const actor = (r: DemoActor): Actor => ({ id: r.id, name: r.name, role: r.role, areaCode: r.areaCode });
  const countyRow = rows.find((r) => r.role === 'county_official' && r.areaCode === county);
  const townshipRow = rows.find((r) => r.role === 'township_officer');
  if (!countyRow || !townshipRow)
    throw new Error(`demo casework: the demo county official and township officer of ${county} are missing (seed the accounts first)`);
  const township = actor(townshipRow);
  // A village story needs its cadre and the township officer above it (乡镇审核).
  const cadres = rows.filter((r) => r.role === 'village_cadre' && r.areaCode.startsWith(township.areaCode)).map(actor);
  return { county: actor(countyRow), township, cadres };
}

// ── Time ────────────────────────────────────────────────────────────────────────────────────────
const cstYear = (d: Date) => new Date(d.getTime() + CST).getUTCFullYear();
const cstDay = (d: Date) => new Date(d.getTime() + CST).toISOString().slice(0, 10);

// ── Households and what happens to them ─────────────────────────────────────────────────────────
interface Hh {
  /** Filled when a candidate is registered (its event runs). */
  id: string;
  village: Village;
  state: HouseholdState;
  size: number;
  lon: number;
  lat: number;
}

interface Village {
  code: string;
  name: string;
  lon: number;
  lat: number;
  cadre: Actor;
  /** Registry households (在册) by state, in a seeded order; the stories take from them. */
  pool: Map<string, Hh[]>;
}

/** A record made by an earlier event that a later one refers to (a visit as a procedure's evidence). */
interface Ref {
  id?: string;
  day?: string;
}

interface Event {
  at: Date;
  seq: number;
  label: string;
  run: () => Promise<void>;
}

type Level = 'clear' | 'between' | 'belowPoverty' | 'aboveMonitoring' | 'abovePoverty';
type Guarantee = 'food' | 'clothing' | 'education' | 'medical' | 'housing' | 'water';
const GUARANTEES: Guarantee[] = ['food', 'clothing', 'education', 'medical', 'housing', 'water'];

interface ProcedurePlan {
  type: ProcedureType;
  origin: '农户申请' | '干部走访';
  reason: string;
  evidence: string;
  refs?: { kind: 'visit' | 'measure'; ref: Ref; title: string }[];
  payload?: (s: Story) => Record<string, unknown>;
  /** Days before today of each step taken (the chain stops after the last one given). */
  start: number;
  appraise?: number;
  objection?: { at: number; note: string; answerAt: number; answer: string };
  notice?: number;
  township?: number;
  county?: number;
  reject?: { stage: Stage; at: number; note: string };
}

const MEASURES: { category: MeasureCategory; subtype: string | null; outcome: string; amountFen?: number; quantity?: number; unit?: string }[] = [
  { category: '产业帮扶', subtype: '种植', outcome: '发放精品水果苗木，已栽种成活', amountFen: 120_000, quantity: 60, unit: '株' },
  { category: '产业帮扶', subtype: '养殖', outcome: '发放能繁母牛，已产犊一头', amountFen: 800_000, quantity: 1, unit: '头' },
  { category: '就业帮扶', subtype: '技能培训', outcome: '参加县人社局电工培训，取得初级证书' },
  { category: '就业帮扶', subtype: '外出务工', outcome: '经劳务协作输出至浙江宁波务工', amountFen: 50_000 },
  { category: '教育帮扶', subtype: '学生资助', outcome: '子女享受义务教育阶段生活补助', amountFen: 125_000 },
  { category: '健康帮扶', subtype: '家庭医生签约', outcome: '签约村医，每季度随访一次' },
  { category: '金融帮扶', subtype: '扶贫小额信贷', outcome: '发放小额信贷用于肉牛养殖', amountFen: 5_000_000 },
  { category: '生态帮扶', subtype: '生态护林员', outcome: '聘为生态护林员，年补助一万元', amountFen: 1_000_000 },
];

const ROUTINE_VISITS = [
  { seen: '房屋安全，饮水正常，家中整洁', asked: '询问家庭成员务工和收入情况', heard: '户主反映今年务工收入稳定', followUp: '继续跟踪务工情况' },
  { seen: '圈舍里养有两头牛，玉米已收', asked: '了解产业发展和销售情况', heard: '希望得到养殖技术指导', followUp: '联系镇农服中心上门指导' },
  { seen: '学生在家，用电正常', asked: '核实子女就学和资助落实情况', heard: '资助已到账', followUp: '下学期开学后再核实' },
  { seen: '老人身体尚可，已签约家庭医生', asked: '了解就医和慢病用药情况', heard: '慢病药费负担有所减轻', followUp: '提醒按时复诊' },
];

const GROUPS = ['一组', '二组', '三组', '四组', '五组', '六组'];
const SURNAMES: Record<string, string[]> = {
  布依族: ['韦', '岑', '班', '陆', '蒙', '罗', '黄'],
  苗族: ['杨', '龙', '吴', '熊', '陶', '石'],
  汉族: ['王', '李', '张', '刘', '陈', '周', '赵'],
};

class Story {
  private actors!: Actors;
  private readonly events: Event[] = [];
  private readonly lines = new Map<number, { poverty: number; monitoring: number }>();
  /** The yearly records' years: the latest assessed one and the one before (when the county has its lines). */
  private latest = 0;
  private prev: number | undefined;
  private readonly usedIds = new Set<string>();
  private readonly counts: CaseworkCounts = { procedures: 0, visits: 0, measures: 0, photos: 0, incomeYears: 0 };
  private readonly midnight: number;

  constructor(
    private readonly db: Db,
    private readonly county: string,
    private readonly today: Date,
    private readonly rng: Rng,
  ) {
    // Today's midnight in China, as UTC milliseconds: steps happen on earlier days, in working hours.
    this.midnight = Math.floor((today.getTime() + CST) / DAY) * DAY - CST;
  }

  /** `daysAgo` days before today (≥ 1: never today, never later) at `hour` o'clock in China, give or take half an hour. */
  at(daysAgo: number, hour = 10): Date {
    if (daysAgo < 1) throw new Error(`demo casework: a step ${daysAgo} days ago is not in the past`);
    return new Date(this.midnight - daysAgo * DAY + hour * HOUR + this.rng.int(0, 29) * 60_000);
  }

  yearAgo(daysAgo: number): number {
    return cstYear(new Date(this.midnight - daysAgo * DAY + 12 * HOUR));
  }

  /** The days before today of a year's usual record (the 年度收入核算 in mid-December), and no later than 20-odd days ago. */
  private recordDay(year: number): number {
    const dec = Date.UTC(year, 11, 12) - CST;
    const days = Math.ceil((this.midnight - dec) / DAY) + this.rng.int(-5, 5);
    return Math.max(days, 20 + this.rng.int(0, 8));
  }

  private ctx(role: Role, v: Village, now: Date): Ctx {
    const a = role === 'village_cadre' ? v.cadre : role === 'township_officer' ? this.actors.township : this.actors.county;
    return { db: this.db, scope: new Scope(a.areaCode, role), actor: { id: a.id, name: a.name, role }, origin: { via: 'seed' }, now };
  }

  private add(at: Date, label: string, run: () => Promise<void>) {
    this.events.push({ at, seq: this.events.length, label, run });
  }

  // ── Planning ──────────────────────────────────────────────────────────────────────────────────
  async plan(): Promise<void> {
    this.actors = await caseworkActors(this.db, this.county);
    const thisYear = cstYear(this.today);
    // The year's income is assessed in its last quarter: before October the latest is last year's.
    const assessed = new Date(this.today.getTime() + CST).getUTCMonth() >= 9 ? thisYear : thisYear - 1;
    for (let y = assessed; y >= assessed - 8 && this.lines.size < 2; y--) {
      const s = await findCountyYearSettings(this.db, this.county, y);
      if (s) this.lines.set(y, { poverty: s.povertyLineFen, monitoring: s.monitoringLineFen });
      else if (this.lines.size) break;
    }
    const years = [...this.lines.keys()].sort((a, b) => b - a);
    if (!years.length)
      throw new Error(`demo casework: county ${this.county} has no poverty and monitoring lines up to ${assessed} (seed the county settings first)`);
    this.latest = years[0] as number;
    this.prev = years[1];

    for (const [i, cadre] of this.actors.cadres.entries()) {
      const v = await this.village(cadre);
      if (i % 2 === 0) this.firstVillage(v);
      else this.secondVillage(v);
      this.general(v);
    }
  }

  private async village(cadre: Actor): Promise<Village> {
    const a = await this.db
      .selectFrom('areas')
      .select(['code', 'name', sql<number>`st_x(label_point)`.as('lon'), sql<number>`st_y(label_point)`.as('lat')])
      .where('code', '=', cadre.areaCode)
      .executeTakeFirstOrThrow();
    const rows = await this.db
      .selectFrom('households as h')
      .select([
        'h.id',
        'h.household_no',
        'h.status',
        sql<number | null>`st_x(h.location)`.as('lon'),
        sql<number | null>`st_y(h.location)`.as('lat'),
        sql<number>`(select count(*) from members m where m.household_id = h.id and m.deleted_at is null and m.person_status not in ('死亡', '迁出'))`.as(
          'size',
        ),
      ])
      .where('h.village_code', '=', cadre.areaCode)
      .where('h.registry_state', '=', '在册')
      .where('h.deleted_at', 'is', null)
      .orderBy('h.household_no')
      .execute();
    const v: Village = { code: a.code, name: a.name, lon: Number(a.lon), lat: Number(a.lat), cadre, pool: new Map() };
    // A seeded shuffle, so that another seed tells the story on other cards.
    const shuffled = rows.map((r) => ({ r, k: this.rng.float() })).sort((x, y) => x.k - y.k);
    for (const { r } of shuffled) {
      const hh: Hh = {
        id: r.id,
        village: v,
        state: r.status as HouseholdState,
        size: Math.max(1, Number(r.size)),
        lon: r.lon == null ? v.lon : Number(r.lon),
        lat: r.lat == null ? v.lat : Number(r.lat),
      };
      v.pool.set(hh.state, [...(v.pool.get(hh.state) ?? []), hh]);
    }
    return v;
  }

  private take(v: Village, state: HouseholdState): Hh | undefined {
    return v.pool.get(state)?.shift();
  }

  /** 保家村's stories (the first demo village). */
  private firstVillage(v: Village) {
    const Y = this.latest;
    const P = this.prev;

    // A: applied almost a year ago, identified (识别纳入), helped into work and cattle; this year's income is
    // above the lines, and 标注脱贫 waits at 村内公示 whose seven days are over.
    {
      const h = this.candidate(v, 330, { source: '农户申请', mainCause: '缺技术', illness: false });
      const check = this.visit(h, 328, 'verify', {
        purpose: '核实识别纳入申请',
        seen: '住房为砖木结构，家中无稳定收入来源',
        heard: '户主缺少技术，只能零散打工',
      });
      if (P) this.income(h, P, 'belowPoverty', this.between(this.recordDay(P), 330, 327));
      this.procedure(h, {
        type: '识别纳入',
        origin: '农户申请',
        reason: '户主申请：家庭缺技术、缺资金，年人均纯收入低于贫困线。',
        evidence: '入户核实收入和住房情况，村民小组长证明。',
        refs: [{ kind: 'visit', ref: check, title: '入户核实' }],
        payload: (s) => ({ identifiedYear: s.yearAgo(309), identificationStandard: '国家标准', mainCause: '缺技术', otherCauses: ['缺资金'] }),
        start: 326,
        appraise: 325,
        notice: 317,
        township: 313,
        county: 309,
      });
      this.measure(h, 300, MEASURES[2]);
      this.measure(h, 290, MEASURES[1]);
      this.photo(h, 250, '产业', '母牛产犊，圈舍已改造');
      for (const d of [200, 120, 60]) this.visit(h, d, 'routine');
      this.income(h, Y, 'aboveMonitoring', this.between(this.recordDay(Y), 300, 14));
      const visit = this.visit(h, 13, 'verify', { purpose: '核实脱贫条件', seen: '两不愁三保障均已落实，饮水安全', heard: '户主在镇上务工，母牛已产犊' });
      this.procedure(h, {
        type: '标注脱贫',
        origin: '干部走访',
        reason: `${Y} 年人均纯收入稳定高于贫困线，两不愁三保障和饮水安全均已达标。`,
        evidence: '入户核实收入台账和务工证明。',
        refs: [{ kind: 'visit', ref: visit, title: '核实脱贫条件' }],
        start: 12,
        appraise: 11,
      });
    }

    // B: a cadre found a serious illness; 监测对象认定 eight months ago, medical aid; this year's income is
    // above the monitoring line and the months under monitoring have run: 风险消除 may be started.
    {
      const h = this.candidate(v, 262, { source: '干部走访', mainCause: '因病', illness: true });
      const found = this.visit(h, 261, 'verify', { purpose: '走访排查', seen: '户主患病住院，家中农活无人打理', problems: '医疗费用负担重' });
      if (P) this.income(h, P, 'between', this.between(this.recordDay(P), 262, 260));
      this.procedure(h, {
        type: '监测对象认定',
        origin: '干部走访',
        reason: '户主患大病，医疗支出大，家庭收入低于监测线，存在致贫风险。',
        evidence: '住院病历和费用清单，入户核实。',
        refs: [{ kind: 'visit', ref: found, title: '走访排查' }],
        payload: (s) => ({ monitoringCategory: '边缘易致贫户', riskTypes: ['因病'], year: s.yearAgo(241) }),
        start: 259,
        appraise: 258,
        notice: 250,
        township: 247,
        county: 241,
      });
      this.measure(h, 235, { category: '健康帮扶', subtype: '医疗救助', outcome: '落实大病医疗救助，自付比例降至一成', amountFen: 450_000 });
      this.measure(h, 225, MEASURES[5]);
      for (const d of [210, 180, 150, 120, 90, 60, 35]) this.visit(h, d, 'monitor');
      this.income(h, Y, 'aboveMonitoring', this.between(this.recordDay(Y), 225, 10));
      const last = this.visit(h, 9, 'monitor', { purpose: '监测户月度走访', seen: '户主已康复，恢复务工', heard: '收入稳定，希望消除风险' });
      this.photo(h, 9, '走访', '监测户月度走访', { visit: last });
    }

    // C: an application three days ago: 识别纳入 waits at 村级评议.
    {
      const h = this.candidate(v, 4, { source: '农户申请', mainCause: '因残', illness: false });
      const check = this.visit(h, 3, 'verify', { purpose: '核实识别纳入申请', seen: '户主肢体残疾，无法外出务工', heard: '家中主要靠种植玉米为生' });
      this.income(h, Y, 'belowPoverty', 3, { hour: 15 });
      this.procedure(h, {
        type: '识别纳入',
        origin: '农户申请',
        reason: '户主残疾，家庭缺劳力，年人均纯收入低于贫困线，本人申请纳入。',
        evidence: '残疾证复印件、入户核实记录。',
        refs: [{ kind: 'visit', ref: check, title: '入户核实' }],
        payload: (s) => ({ identifiedYear: s.yearAgo(2), mainCause: '因残' }),
        start: 2,
      });
    }

    // D: a 脱贫户 whose work stopped: 监测对象认定 at 村内公示, the notice running.
    {
      const registered = this.take(v, '脱贫户');
      const h = registered ?? this.candidate(v, 8, { source: '干部走访', mainCause: '因灾', illness: false });
      if (registered && P) this.income(h, P, 'clear', this.recordDay(P));
      this.income(h, Y, 'between', registered ? this.between(this.recordDay(Y), 400, 7) : 7, { hour: 15 });
      const visit = this.visit(h, 6, 'verify', {
        purpose: '走访排查',
        seen: registered ? '户主返乡在家，暂无务工收入' : '房屋后墙因山体滑坡受损',
        problems: registered ? '务工中断，收入下降' : '住房受损，收入下降',
      });
      this.procedure(h, {
        type: '监测对象认定',
        origin: '干部走访',
        reason: registered ? '户主务工企业停产返乡，家庭收入降至监测线以下。' : '山体滑坡致住房受损，家庭收入降至监测线以下。',
        evidence: '入户核实，务工企业停产证明。',
        refs: [{ kind: 'visit', ref: visit, title: '走访排查' }],
        payload: (s) =>
          registered
            ? { monitoringCategory: '脱贫不稳定户', riskTypes: ['因务工就业不稳'], year: s.yearAgo(4) }
            : { monitoringCategory: '突发严重困难户', riskTypes: ['因灾'], year: s.yearAgo(4) },
        start: 5,
        appraise: 4,
      });
    }

    // E: 风险消除 of a 监测户 whose income has risen above the monitoring line: waits at 乡镇审核.
    {
      let h = this.take(v, '监测户');
      if (!h) {
        h = this.candidate(v, 330, { source: '干部走访', mainCause: '因病', illness: true });
        this.income(h, P ?? Y, 'between', 329, { hour: 15 });
        this.procedure(h, {
          type: '监测对象认定',
          origin: '干部走访',
          reason: '家庭成员患慢性病，收入低于监测线。',
          evidence: '入户核实，病历。',
          payload: (s) => ({ monitoringCategory: '边缘易致贫户', riskTypes: ['因病'], year: s.yearAgo(305) }),
          start: 326,
          appraise: 325,
          notice: 317,
          township: 312,
          county: 305,
        });
      } else if (P) {
        this.income(h, P, 'between', this.recordDay(P));
      }
      const work = this.measure(h, 200, MEASURES[3]);
      for (const d of [150, 90, 45]) this.visit(h, d, 'monitor');
      this.income(h, Y, 'aboveMonitoring', this.between(this.recordDay(Y), 200, 17));
      const visit = this.visit(h, 16, 'verify', { purpose: '核实风险消除条件', seen: '家中两人在外务工，收入稳定', heard: '风险已经化解' });
      this.procedure(h, {
        type: '风险消除',
        origin: '干部走访',
        reason: `${Y} 年人均纯收入高于监测线，务工稳定，风险已消除。`,
        evidence: '务工收入证明，入户核实。',
        refs: [
          { kind: 'visit', ref: visit, title: '核实风险消除条件' },
          { kind: 'measure', ref: work, title: '外出务工' },
        ],
        start: 15,
        appraise: 14,
        notice: 6,
      });
    }

    // F: a 脱贫户's head fell seriously ill: 返贫 waits at 县级审定 (a candidate's 识别纳入 where the registry has none).
    {
      const registered = this.take(v, '脱贫户');
      const h = registered ?? this.candidate(v, 28, { source: '农户申请', mainCause: '因病', illness: true });
      if (registered && P) this.income(h, P, 'clear', this.recordDay(P));
      this.income(h, Y, 'belowPoverty', registered ? this.between(this.recordDay(Y), 400, 27) : 27, { hour: 15 });
      const visit = this.visit(h, 26, 'verify', { purpose: '核实申请', seen: '户主确诊重病，长期住院', problems: '医疗支出大，家中无劳力' });
      this.procedure(h, {
        type: registered ? '返贫' : '识别纳入',
        origin: '农户申请',
        reason: '户主确诊重病，长期住院治疗，家庭年人均纯收入低于贫困线。',
        evidence: '诊断证明、住院费用清单、入户核实。',
        refs: [{ kind: 'visit', ref: visit, title: '核实申请' }],
        payload: (s) => (registered ? { mainCause: '因病', year: s.yearAgo(25) } : { identifiedYear: s.yearAgo(11), mainCause: '因病' }),
        start: 25,
        appraise: 24,
        notice: 16,
        township: 11,
      });
    }

    // G: 退回 — a 返贫 the township found unfounded (a candidate's 识别纳入 the appraisal refused where the registry has none).
    {
      const registered = this.take(v, '脱贫户');
      if (registered) {
        if (P) this.income(registered, P, 'clear', this.recordDay(P));
        const visit = this.visit(registered, 132, 'verify', { purpose: '核实申请', heard: '户主称今年收入下降' });
        this.procedure(registered, {
          type: '返贫',
          origin: '农户申请',
          reason: '户主申请：今年种植收入下降，生活困难。',
          evidence: '本人申请书，入户核实。',
          refs: [{ kind: 'visit', ref: visit, title: '核实申请' }],
          payload: () => ({ mainCause: '缺资金' }),
          start: 130,
          appraise: 129,
          notice: 121,
          reject: { stage: '乡镇审核', at: 117, note: '经核查，该户两名成员在县城稳定务工，年人均纯收入高于监测线，不符合返贫条件，退回村级重新核实。' },
        });
        this.income(registered, Y, 'clear', this.recordDay(Y));
      } else {
        const h = this.candidate(v, 140, { source: '农户申请', mainCause: '缺资金', illness: false });
        this.visit(h, 139, 'verify', { purpose: '核实识别纳入申请', seen: '新建砖混住房两层', heard: '儿子在外务工' });
        this.procedure(h, {
          type: '识别纳入',
          origin: '农户申请',
          reason: '户主申请：缺资金发展产业。',
          evidence: '本人申请书。',
          payload: (s) => ({ identifiedYear: s.yearAgo(138) }),
          start: 138,
          reject: { stage: '村级评议', at: 136, note: '民主评议未通过：该户新建住房，儿子在外稳定务工，收入高于识别标准。' },
        });
      }
    }

    // H: a 监测户 whose risk was eliminated two and a half months ago — and not visited since (遍访 overdue).
    {
      let h = this.take(v, '监测户');
      if (!h) {
        h = this.candidate(v, 360, { source: '干部走访', mainCause: '因意外事故', illness: false });
        this.income(h, P ?? Y, 'aboveMonitoring', 359, { hour: 15 });
        this.procedure(h, {
          type: '监测对象认定',
          origin: '干部走访',
          reason: '户主务工时受伤致残，家庭失去主要收入来源。',
          evidence: '医院诊断证明，入户核实。',
          payload: (s) => ({ monitoringCategory: '突发严重困难户', riskTypes: ['因意外事故'], year: s.yearAgo(338) }),
          start: 355,
          appraise: 354,
          notice: 346,
          township: 343,
          county: 338,
        });
      } else {
        // The record the guard reads at the start and at 县级审定.
        this.income(h, P ?? Y, 'aboveMonitoring', this.between(P ? this.recordDay(P) : 150, 400, 101));
      }
      this.measure(h, 300, MEASURES[7]);
      for (const d of [240, 180, 130]) this.visit(h, d, 'monitor');
      const visit = this.visit(h, 102, 'verify', { purpose: '核实风险消除条件', seen: '已聘为生态护林员，收入稳定' });
      this.procedure(h, {
        type: '风险消除',
        origin: '干部走访',
        reason: '收入稳定高于监测线，风险已消除。',
        evidence: '护林员劳务协议，入户核实。',
        refs: [{ kind: 'visit', ref: visit, title: '核实风险消除条件' }],
        start: 100,
        appraise: 99,
        notice: 91,
        township: 86,
        county: 80,
      });
      if (P) this.income(h, Y, 'aboveMonitoring', this.between(this.recordDay(Y), 79, 1));
    }
  }

  /** 三合社区's stories (the second demo village). */
  private secondVillage(v: Village) {
    const Y = this.latest;
    const P = this.prev;

    // S1: a storm damaged a house two days ago: 监测对象认定 (突发严重困难户) waits at 村级评议.
    {
      const registered = this.take(v, '脱贫户');
      const h = registered ?? this.candidate(v, 4, { source: '干部走访', mainCause: '因灾', illness: false });
      if (registered && P) this.income(h, P, 'clear', this.recordDay(P));
      this.income(h, Y, 'between', registered ? this.between(this.recordDay(Y), 400, 3) : 3, { hour: 9 });
      const visit = this.visit(h, 2, 'verify', { purpose: '灾后走访', seen: '暴雨致房屋后墙开裂，屋面漏雨', problems: '住房安全无保障' });
      this.photo(h, 2, '住房', '暴雨受损房屋', { visit });
      this.procedure(h, {
        type: '监测对象认定',
        origin: '干部走访',
        reason: '暴雨致住房严重受损，需修缮，家庭收入降至监测线以下。',
        evidence: '灾后走访照片，房屋安全鉴定申请。',
        refs: [{ kind: 'visit', ref: visit, title: '灾后走访' }],
        payload: (s) => ({ monitoringCategory: '突发严重困难户', riskTypes: ['因灾', '住房安全'], year: s.yearAgo(1) }),
        start: 1,
      });
    }

    // S2: an application: 识别纳入 at 村内公示, the notice running.
    {
      const h = this.candidate(v, 10, { source: '农户申请', mainCause: '缺劳力', illness: false });
      const check = this.visit(h, 9, 'verify', { purpose: '核实识别纳入申请', seen: '夫妻年老体弱，子女在读', heard: '无稳定收入' });
      this.income(h, Y, 'belowPoverty', 9, { hour: 15 });
      this.procedure(h, {
        type: '识别纳入',
        origin: '农户申请',
        reason: '家庭缺劳力，子女就学负担重，年人均纯收入低于贫困线。',
        evidence: '入户核实，学籍证明。',
        refs: [{ kind: 'visit', ref: check, title: '入户核实' }],
        payload: (s) => ({ identifiedYear: s.yearAgo(2), mainCause: '缺劳力', otherCauses: ['因学'] }),
        start: 6,
        appraise: 2,
      });
    }

    // S3: 监测对象认定 with a villager's objection answered during the notice: waits at 乡镇审核.
    {
      const registered = this.take(v, '脱贫户');
      const h = registered ?? this.candidate(v, 24, { source: '干部走访', mainCause: '因病', illness: true });
      if (registered && P) this.income(h, P, 'clear', this.recordDay(P));
      this.income(h, Y, 'between', registered ? this.between(this.recordDay(Y), 400, 22) : 22, { hour: 15 });
      const visit = this.visit(h, 21, 'verify', { purpose: '走访排查', seen: '家中有大病患者和在读学生', problems: '医疗和教育支出大' });
      this.procedure(h, {
        type: '监测对象认定',
        origin: '干部走访',
        reason: '家庭成员患大病，子女就读高中，刚性支出大，收入低于监测线。',
        evidence: '病历、学籍证明、入户核实。',
        refs: [{ kind: 'visit', ref: visit, title: '走访排查' }],
        payload: (s) =>
          registered
            ? { monitoringCategory: '脱贫不稳定户', riskTypes: ['因病', '因学'], year: s.yearAgo(20) }
            : { monitoringCategory: '边缘易致贫户', riskTypes: ['因病'], year: s.yearAgo(20) },
        start: 20,
        appraise: 19,
        objection: {
          at: 17,
          note: '村民反映：该户儿子在外务工，收入不低。',
          answerAt: 15,
          answer: '经核实，该户儿子今年三月起因伤返乡，已无务工收入，异议不成立。',
        },
        notice: 10,
      });
    }

    // S4: identified eleven months ago, helped with a public-welfare job and schooling; 标注脱贫 waits at 县级审定.
    {
      const h = this.candidate(v, 340, { source: '农户申请', mainCause: '缺劳力', illness: false });
      const check = this.visit(h, 339, 'verify', { purpose: '核实识别纳入申请', seen: '单亲家庭，两个孩子在读' });
      if (P) this.income(h, P, 'belowPoverty', this.between(this.recordDay(P), 340, 337));
      this.procedure(h, {
        type: '识别纳入',
        origin: '农户申请',
        reason: '单亲家庭缺劳力，年人均纯收入低于贫困线。',
        evidence: '入户核实，村民小组证明。',
        refs: [{ kind: 'visit', ref: check, title: '入户核实' }],
        payload: (s) => ({ identifiedYear: s.yearAgo(318), identificationStandard: '国家标准', mainCause: '缺劳力', otherCauses: ['因学'] }),
        start: 336,
        appraise: 335,
        notice: 327,
        township: 323,
        county: 318,
      });
      const job = this.measure(h, 300, {
        category: '就业帮扶',
        subtype: '公益性岗位',
        outcome: '聘为社区保洁员，每月补贴 800 元',
        amountFen: 80_000,
        quantity: 12,
        unit: '月',
      });
      this.measure(h, 200, { category: '教育帮扶', subtype: '雨露计划', outcome: '长子就读中职，享受雨露计划补助', amountFen: 300_000 });
      for (const d of [250, 150, 80]) this.visit(h, d, 'routine');
      this.income(h, Y, 'abovePoverty', this.between(this.recordDay(Y), 200, 28));
      const visit = this.visit(h, 27, 'verify', { purpose: '核实脱贫条件', seen: '公益性岗位收入稳定，两不愁三保障已落实' });
      this.procedure(h, {
        type: '标注脱贫',
        origin: '干部走访',
        reason: `公益性岗位收入稳定，${Y} 年人均纯收入高于贫困线，两不愁三保障和饮水安全均已达标。`,
        evidence: '公益性岗位工资发放表，入户核实。',
        refs: [
          { kind: 'visit', ref: visit, title: '核实脱贫条件' },
          { kind: 'measure', ref: job, title: '公益性岗位' },
        ],
        start: 26,
        appraise: 25,
        notice: 17,
        township: 12,
      });
    }

    // S5: an accident two and a half months ago: a 监测户 since eight weeks (风险消除 not yet), last visited
    // forty days ago — a 监测户 is visited monthly, so it is overdue.
    {
      const h = this.candidate(v, 75, { source: '干部走访', mainCause: '因意外事故', illness: false });
      const visit = this.visit(h, 74, 'verify', { purpose: '走访排查', seen: '户主车祸受伤，卧床', problems: '家庭失去主要收入来源' });
      // Last year's income, entered at the registration; this year's after the accident.
      if (P) this.income(h, P, 'clear', 73, { hour: 15 });
      this.procedure(h, {
        type: '监测对象认定',
        origin: '干部走访',
        reason: '户主遭遇车祸重伤，家庭失去主要劳动力，收入骤减。',
        evidence: '医院诊断证明，交警事故认定书，入户核实。',
        refs: [{ kind: 'visit', ref: visit, title: '走访排查' }],
        payload: (s) => ({ monitoringCategory: '突发严重困难户', riskTypes: ['因意外事故'], year: s.yearAgo(55) }),
        start: 72,
        appraise: 71,
        notice: 63,
        township: 60,
        county: 55,
      });
      this.measure(h, 50, { category: '兜底保障', subtype: '临时救助', outcome: '发放临时救助金', amountFen: 200_000 });
      this.measure(h, 45, { category: '就业帮扶', subtype: '公益性岗位', outcome: '配偶聘为护路员' });
      this.visit(h, 40, 'monitor', { purpose: '监测户月度走访', seen: '户主仍在康复', heard: '临时救助已到账' });
      this.income(h, Y, 'between', this.between(this.recordDay(Y), 72, 1));
    }

    // S6: 退回 at 县级审定 — the departments' data showed a car and a flat in town.
    {
      const h = this.candidate(v, 120, { source: '农户申请', mainCause: '缺资金', illness: false });
      const check = this.visit(h, 119, 'verify', { purpose: '核实识别纳入申请', heard: '户主称无收入来源' });
      this.income(h, Y, 'belowPoverty', 119, { hour: 15 });
      this.procedure(h, {
        type: '识别纳入',
        origin: '农户申请',
        reason: '户主申请：缺资金，无稳定收入。',
        evidence: '本人申请书，入户核实。',
        refs: [{ kind: 'visit', ref: check, title: '入户核实' }],
        payload: (s) => ({ identifiedYear: s.yearAgo(98) }),
        start: 118,
        appraise: 117,
        notice: 109,
        township: 104,
        reject: {
          stage: '县级审定',
          at: 98,
          note: '经与公安、自然资源部门数据比对，该户成员名下登记小型汽车一辆、县城商品房一套，不符合识别条件，不予纳入。',
        },
      });
    }
  }

  /** The village's other registry households: two years of records, visits (some long ago), some measures. */
  private general(v: Village) {
    const rest = [...v.pool.values()].flat().slice(0, GENERAL_PER_VILLAGE);
    const Y = this.latest;
    const P = this.prev;
    for (const [i, h] of rest.entries()) {
      const r = this.rng.float();
      let levels: [Level, Level];
      if (h.state === '监测户') levels = r < 0.5 ? ['between', 'aboveMonitoring'] : ['between', 'between'];
      else if (h.state === '未脱贫户') levels = r < 0.5 ? ['belowPoverty', 'abovePoverty'] : ['belowPoverty', 'belowPoverty'];
      else levels = r < 0.65 ? ['clear', 'clear'] : r < 0.9 ? ['clear', 'between'] : ['between', 'belowPoverty'];
      if (P) this.income(h, P, levels[0], this.recordDay(P));
      this.income(h, Y, levels[1], this.recordDay(Y), { unmet: levels[1] === 'belowPoverty' ? 'housing' : undefined });
      // The first is long overdue for a visit, the second visited lately, the rest as it falls.
      const overdue = i === 0 || (i > 1 && this.rng.chance(0.35));
      const interval = h.state === '监测户' ? 25 : 80;
      if (overdue) {
        if (this.rng.chance(0.6)) this.visit(h, this.rng.int(interval + 40, 260), h.state === '监测户' ? 'monitor' : 'routine');
      } else {
        if (this.rng.chance(0.4)) this.visit(h, this.rng.int(interval + 20, 200), 'routine');
        this.visit(h, this.rng.int(1, interval), h.state === '监测户' ? 'monitor' : 'routine');
      }
      if (this.rng.chance(0.35)) {
        const m = this.rng.pick(MEASURES);
        this.measure(h, this.rng.int(30, 300), m);
        if (i === 1 && m.category === '产业帮扶') this.photo(h, 20, '产业', m.outcome);
      }
    }
  }

  // ── Steps of a story (each an event at its moment) ────────────────────────────────────────────
  /** `day` (days ago) moved strictly between two moments `from` and `to` days ago (from > to): after the one, before the other. */
  private between(day: number, from: number, to: number): number {
    return Math.min(Math.max(day, to + 1), from - 1);
  }

  /** A household registered as 待识别 by the village cadre `daysAgo`, with its members. */
  private candidate(v: Village, daysAgo: number, o: { source: string; mainCause: PovertyCause | RiskType; illness: boolean }): Hh {
    const rng = this.rng;
    const ethnicity = rng.pick(['布依族', '布依族', '苗族', '汉族'] as const);
    const surname = rng.pick(SURNAMES[ethnicity] ?? ['王']);
    const headSex = rng.chance(0.8) ? ('男' as const) : ('女' as const);
    const headAge = rng.int(34, 62);
    const year = cstYear(this.today);
    const people: { name: string; sex: '男' | '女'; age: number; relation: string }[] = [
      { name: surname + givenName(rng, headSex, year - headAge), sex: headSex, age: headAge, relation: '户主' },
    ];
    if (rng.chance(0.85)) {
      const sex = headSex === '男' ? '女' : '男';
      const age = headAge + rng.int(-4, 3);
      people.push({ name: (sex === '女' ? rng.pick(Object.values(SURNAMES).flat()) : surname) + givenName(rng, sex, year - age), sex, age, relation: '配偶' });
    }
    for (let k = rng.int(1, 2); k > 0; k--) {
      const sex = rng.chance(0.5) ? ('男' as const) : ('女' as const);
      const age = Math.max(3, Math.min(headAge - 20, rng.int(5, 19)));
      people.push({ name: surname + givenName(rng, sex, year - age), sex, age, relation: sex === '男' ? '之子' : '之女' });
    }
    const h: Hh = {
      id: '',
      village: v,
      state: '待识别',
      size: people.length,
      lon: v.lon + (rng.float() - 0.5) * 0.008,
      lat: v.lat + (rng.float() - 0.5) * 0.006,
    };
    const group = rng.pick(GROUPS);
    const phone = mobile(rng);
    const births = people.map((p) => this.birthDate(p.age));
    const serials = people.map(() => rng.int(1, 499));
    const at = this.at(daysAgo, 9);
    this.add(at, `candidate ${v.name}`, async () => {
      const ids: string[] = [];
      for (const [k, p] of people.entries()) ids.push(await this.idNumber(births[k] as string, p.sex, serials[k] as number));
      const [head, ...others] = people;
      if (!head) return;
      const ctx = this.ctx('village_cadre', v, at);
      const input = CandidateCreate.parse({
        villageCode: v.code,
        groupName: group,
        address: `${v.name}${group}`,
        phone,
        mainCause: o.mainCause,
        location: { lon: round6(h.lon), lat: round6(h.lat), accuracyM: 15 },
        head: {
          name: head.name,
          idNumber: ids[0],
          sex: head.sex,
          ethnicity,
          health: o.illness ? '患有大病' : '健康',
          ...(o.illness ? { disease: '慢性肾病' } : {}),
          laborSkill: o.illness ? '弱劳动力或半劳动力' : '普通劳动力',
          phone,
        },
        source: o.source,
      });
      h.id = (await registerCandidate(ctx, input)).id;
      for (const [k, p] of others.entries()) {
        const student = p.age >= 6 && p.age <= 18;
        await addMember(
          ctx,
          h.id,
          MemberCreate.parse({
            name: p.name,
            idNumber: ids[k + 1],
            sex: p.sex,
            relation: p.relation,
            ethnicity,
            health: '健康',
            ...(student ? { schooling: p.age < 12 ? '小学' : p.age < 15 ? '初中' : '高中' } : {}),
            laborSkill: p.age >= 18 ? '普通劳动力' : '无劳动力',
          }),
        );
      }
    });
    return h;
  }

  private birthDate(age: number): string {
    const d = new Date(this.midnight - age * 365.25 * DAY - this.rng.int(30, 330) * DAY + 12 * HOUR);
    return d.toISOString().slice(0, 10).replaceAll('-', '');
  }

  /** A valid ID number of the county, used by no one (in the database or this story). */
  private async idNumber(birth: string, sex: '男' | '女', serial: number): Promise<string> {
    for (let k = 0; k < 500; k++) {
      const s = ((serial + k * 7) % 499) + 1;
      const first17 = `${this.county}${birth}${String(s * 2 - (sex === '男' ? 1 : 0)).padStart(3, '0')}`;
      const id = first17 + checkChar(first17);
      if (this.usedIds.has(id)) continue;
      const taken = await this.db.selectFrom('members').select('id').where('id_number', '=', id).limit(1).executeTakeFirst();
      if (taken) continue;
      this.usedIds.add(id);
      return id;
    }
    throw new Error(`demo casework: no free ID number for ${birth}`);
  }

  private perCapita(level: Level, year: number): number {
    const l = this.lines.get(year) as { poverty: number; monitoring: number };
    const u = this.rng.float();
    const f =
      level === 'clear'
        ? l.monitoring * (1.45 + 1.2 * u)
        : level === 'between'
          ? l.poverty + (l.monitoring - l.poverty) * (0.25 + 0.5 * u)
          : level === 'belowPoverty'
            ? l.poverty * (0.62 + 0.25 * u)
            : level === 'aboveMonitoring'
              ? l.monitoring * (1.08 + 0.25 * u)
              : l.poverty + (l.monitoring - l.poverty) * (0.55 + 0.35 * u);
    return Math.round(f / 100) * 100;
  }

  /** The year's record (收入年度) at `daysAgo` by the village cadre: income at `level` against that year's lines. */
  private income(h: Hh, year: number, level: Level, daysAgo: number, o: { hour?: number; unmet?: Guarantee } = {}) {
    const rng = this.rng;
    const size = h.size;
    const total = this.perCapita(level, year) * size;
    const yuan = (v: number) => Math.round(v / 100) * 100;
    const poor = level === 'belowPoverty' || level === 'between';
    const eco = yuan(rng.int(100, 600) * 100);
    const pension = rng.chance(0.4) ? yuan(rng.int(1500, 2600) * 100) : 0;
    const dibao = level === 'belowPoverty' && rng.chance(0.5) ? yuan(total * 0.25) : 0;
    const other = rng.chance(0.3) ? yuan(rng.int(200, 1500) * 100) : 0;
    const transfers = Math.min(eco + pension + dibao + other, yuan(total * 0.5));
    const scale = eco + pension + dibao + other ? transfers / (eco + pension + dibao + other) : 0;
    const parts = { ecoCompensation: yuan(eco * scale), pension: yuan(pension * scale), dibao: yuan(dibao * scale), otherTransfer: yuan(other * scale) };
    const net = yuan(total * (0.1 + 0.15 * rng.float()));
    const business = yuan(net / 0.7);
    const businessExpense = business - net;
    const property = rng.chance(0.2) ? yuan(rng.int(100, 400) * 100) : 0;
    const transferSum = parts.ecoCompensation + parts.pension + parts.dibao + parts.otherTransfer;
    const wage = total - transferSum - net - property;
    const unmet = o.unmet;
    const dangerous = unmet === 'housing';
    const input = YearPut.parse({
      householdSize: size,
      conditions: {
        cultivatedLandMu: rng.int(8, 60) / 10,
        forestLandMu: rng.int(0, 80) / 10,
        productionPower: true,
        livingPower: true,
        drinkingWaterSafe: true,
        drinkingWaterDifficult: false,
        housingAreaM2: rng.int(60, 180),
        isDangerousHouse: dangerous,
        ...(dangerous ? { dangerousHouseGrade: 'C' } : {}),
        distanceToRoadKm: rng.int(1, 25) / 10,
        roadType: rng.pick(['水泥路', '水泥路', '水泥路', '砂石路'] as const),
        fuelType: rng.pick(['电', '电', '柴草', '液化气'] as const),
        hasSanitaryToilet: !poor || rng.chance(0.5),
        inCooperative: rng.chance(0.4),
      },
      income: { wage: Math.max(0, wage), business, businessExpense, property, ...parts },
      guarantees: Object.fromEntries(
        GUARANTEES.map((g) => [g, g === unmet ? { secure: false, note: '住房经鉴定为 C 级危房，正在改造' } : { secure: true, note: null }]),
      ),
    });
    const at = this.at(daysAgo, o.hour ?? 14);
    this.add(at, `income ${year}`, async () => {
      const existing = await this.db
        .selectFrom('household_years')
        .select(['version', 'deleted_at'])
        .where('household_id', '=', h.id)
        .where('year', '=', year)
        .executeTakeFirst();
      await putYear(this.ctx('village_cadre', h.village, at), h.id, year, {
        ...input,
        ...(existing && existing.deleted_at === null ? { version: existing.version } : {}),
      });
      this.counts.incomeYears++;
    });
  }

  private visit(
    h: Hh,
    daysAgo: number,
    kind: 'routine' | 'monitor' | 'verify',
    text: Partial<Record<'purpose' | 'seen' | 'asked' | 'heard' | 'problems' | 'followUp', string>> = {},
  ): Ref {
    const routine = this.rng.pick(ROUTINE_VISITS);
    const purpose = kind === 'monitor' ? '监测户月度走访' : kind === 'verify' ? '入户核实' : '日常走访';
    const ref: Ref = {};
    const at = this.at(daysAgo, kind === 'verify' ? 9.5 : 15);
    const location = {
      lon: round6(h.lon + (this.rng.float() - 0.5) * 0.0004),
      lat: round6(h.lat + (this.rng.float() - 0.5) * 0.0004),
      accuracyM: this.rng.int(5, 30),
    };
    this.add(at, 'visit', async () => {
      const input = VisitCreate.parse({
        visitedAt: at.toISOString(),
        location,
        purpose,
        ...(kind === 'verify' ? {} : routine),
        ...text,
      });
      const out = await createChild(this.ctx('village_cadre', h.village, at), h.id, visitSpec, input);
      ref.id = out.id;
      ref.day = cstDay(at);
      this.counts.visits++;
    });
    return ref;
  }

  private measure(h: Hh, daysAgo: number, m: (typeof MEASURES)[number] | undefined): Ref {
    const ref: Ref = {};
    if (!m) return ref;
    const at = this.at(daysAgo, 11);
    this.add(at, 'measure', async () => {
      const input = MeasureCreate.parse({
        category: m.category,
        subtype: m.subtype,
        measureDate: cstDay(at),
        amount: m.amountFen ?? null,
        quantity: m.quantity ?? null,
        unit: m.unit ?? null,
        outcome: m.outcome,
      });
      const out = await createChild(this.ctx('village_cadre', h.village, at), h.id, measureSpec, input);
      ref.id = out.id;
      ref.day = cstDay(at);
      this.counts.measures++;
    });
    return ref;
  }

  private photo(h: Hh, daysAgo: number, kind: PhotoKind, caption: string, o: { visit?: Ref } = {}) {
    const at = this.at(daysAgo, 16);
    const bytes = scene(kind, this.rng);
    const jitter = [(this.rng.float() - 0.5) * 0.0003, (this.rng.float() - 0.5) * 0.0003] as const;
    this.add(at, 'photo', async () => {
      const input = PhotoUpload.omit({ file: true }).parse({
        kind,
        caption,
        takenAt: at.toISOString(),
        ...(o.visit?.id ? { visitId: o.visit.id } : {}),
        lon: round6(h.lon + jitter[0]),
        lat: round6(h.lat + jitter[1]),
      });
      await addPhoto(this.ctx('village_cadre', h.village, at), h.id, bytes, input);
      this.counts.photos++;
    });
  }

  /** A procedure started by the village cadre and taken along the chain by the role of each stage. */
  private procedure(h: Hh, p: ProcedurePlan) {
    const v = h.village;
    const ref: { id: string; version?: number } = { id: '' };
    const step = (role: Role, daysAgo: number, hour: number, body: Parameters<typeof takeStep>[2], label: string) => {
      const at = this.at(daysAgo, hour);
      this.add(at, label, async () => {
        await takeStep(this.ctx(role, v, at), ref.id, body);
      });
    };
    const startAt = this.at(p.start, 11);
    this.add(startAt, `start ${p.type}`, async () => {
      const refs = (p.refs ?? []).filter((r) => r.ref.id).map((r) => ({ kind: r.kind, id: r.ref.id, title: `${r.title} ${r.ref.day ?? ''}`.trim() }));
      const { id } = await startProcedure(this.ctx('village_cadre', v, startAt), {
        householdId: h.id,
        type: p.type,
        origin: p.origin,
        reason: p.reason,
        evidence: { text: p.evidence, references: refs },
        payload: p.payload?.(this) ?? {},
      });
      ref.id = id;
      this.counts.procedures++;
    });
    const present = this.rng.int(11, 15);
    if (p.appraise !== undefined) {
      const note = `民主评议：应到村民代表 ${present + 2} 人，实到 ${present} 人，${present - this.rng.int(0, 1)} 人同意，评议通过。`;
      step('village_cadre', p.appraise, 15, { action: 'approve', note }, '村级评议');
    }
    if (p.objection) {
      const o = p.objection;
      const objectAt = this.at(o.at, 10);
      const objection: Ref = {};
      this.add(objectAt, 'object', async () => {
        await takeStep(this.ctx('village_cadre', v, objectAt), ref.id, { action: 'object', note: o.note });
        const s = await this.db
          .selectFrom('procedure_steps')
          .select('id')
          .where('procedure_id', '=', ref.id)
          .where('action', '=', 'object')
          .orderBy('seq', 'desc')
          .executeTakeFirstOrThrow();
        objection.id = s.id;
      });
      const answerAt = this.at(o.answerAt, 10);
      this.add(answerAt, 'answer', async () => {
        await takeStep(this.ctx('village_cadre', v, answerAt), ref.id, { action: 'answer', objectionId: objection.id, note: o.answer });
      });
    }
    if (p.notice !== undefined)
      step('village_cadre', p.notice, 16, { action: 'approve', note: p.objection ? '公示期满，异议已核实答复。' : '公示期满，无异议。' }, '村内公示');
    if (p.township !== undefined)
      step('township_officer', p.township, 10, { action: 'approve', note: '经镇级审核，材料齐全，情况属实，同意上报。' }, '乡镇审核');
    if (p.county !== undefined) step('county_official', p.county, 10, { action: 'approve', note: '审定通过。' }, '县级审定');
    if (p.reject) {
      const role: Role = p.reject.stage === '乡镇审核' ? 'township_officer' : p.reject.stage === '县级审定' ? 'county_official' : 'village_cadre';
      step(role, p.reject.at, 10, { action: 'reject', note: p.reject.note }, `退回 ${p.reject.stage}`);
    }
  }

  // ── Running ───────────────────────────────────────────────────────────────────────────────────
  async run(): Promise<CaseworkCounts> {
    const events = [...this.events].sort((a, b) => a.at.getTime() - b.at.getTime() || a.seq - b.seq);
    for (const e of events) {
      if (e.at > this.today) throw new Error(`demo casework: ${e.label} at ${e.at.toISOString()} is after today`);
      try {
        await e.run();
      } catch (err) {
        // Name the step and the refused fields: a change in the domain's rules shows here first.
        const detail = err instanceof AppError ? ` ${JSON.stringify({ key: err.key, fields: err.fields, params: err.params, details: err.details })}` : '';
        throw new Error(`demo casework: ${e.label} at ${e.at.toISOString()}: ${err instanceof Error ? err.message : String(err)}${detail}`, { cause: err });
      }
    }
    return { ...this.counts };
  }
}

const round6 = (v: number) => Math.round(v * 1e6) / 1e6;

// ── A small generated picture (PNG) for the photos ──────────────────────────────────────────────
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = (CRC_TABLE[(c ^ b) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** A 96 × 72 RGB PNG: a house on a hillside (住房), crop rows (产业) or a doorway (走访 and the rest), a little noise each. */
function scene(kind: PhotoKind, rng: Rng): Uint8Array {
  const w = 96;
  const h = 72;
  const raw = Buffer.alloc((w * 3 + 1) * h);
  const tint = rng.int(-12, 12);
  for (let y = 0; y < h; y++) {
    raw[y * (w * 3 + 1)] = 0;
    for (let x = 0; x < w; x++) {
      let c: [number, number, number];
      if (kind === '住房') {
        const roof = y >= 18 && y < 32 && Math.abs(x - 48) <= (y - 18) * 1.6;
        const wall = y >= 32 && y < 58 && x >= 26 && x <= 70;
        const door = wall && x >= 44 && x <= 52 && y >= 44;
        c = door ? [70, 45, 30] : roof ? [150, 60, 50] : wall ? [205, 190, 160] : y < 40 ? [150, 195, 235] : [95, 150, 70];
        if (wall && y >= 36 && y < 40 && x > 58 && x < 64) c = [60, 60, 60]; // the crack
      } else if (kind === '产业') {
        c = y < 20 ? [160, 200, 235] : (x + y) % 8 < 3 ? [70, 140, 55] : [120, 90, 60];
      } else {
        const door = x >= 38 && x <= 58 && y >= 20;
        c = door ? [90, 60, 40] : y > 60 ? [130, 130, 125] : [225, 215, 195];
      }
      const o = y * (w * 3 + 1) + 1 + x * 3;
      const n = rng.int(-6, 6) + tint;
      raw[o] = clampByte(c[0] + n);
      raw[o + 1] = clampByte(c[1] + n);
      raw[o + 2] = clampByte(c[2] + n);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

const clampByte = (v: number) => Math.max(0, Math.min(255, Math.round(v)));
