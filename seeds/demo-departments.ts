// Demo department datasets (docs/data-formats.md §2) that match the demo households already in the
// database, so that 数据比对 shows real work on the first start: the ten files a county office
// receives, holding this county's registry members as the departments would — most rows agreeing
// with the cards (the 在保 roll of the 低保户 and 特困供养户, certificates of members recorded as 残疾,
// students 在读 where the card says so, births, production vehicles, self-built houses …) and a few
// that do not, so that every rule of the catalogue (api/modules/crosscheck/rules) finds a few
// households, never hundreds. A few rows carry an unusable ID number, as hand-keyed files do. Each
// file goes through the department importer as an office's would (all or nothing, audited, as the
// seed), then the cross-check runs once as of `asOf`.
// DUPLICATE_PERSON reads the registry alone: a small registry file lists one member in a second
// household as well (the national export's double listing, docs/data-formats.md §1), imported
// through the registry importer.
// Deterministic for a seed and a set of households: members are picked by hash32 of the seed and
// their ID number, values drawn from one Rng per file, households walked in 户编号 order.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import type { Kysely } from 'kysely';
import { type Ctx, systemCtx } from '../api/context.ts';
import type { BulkRunner } from '../api/db/bulk.ts';
import type { Database } from '../api/db/schema.ts';
import { SYSTEM_ACTOR } from '../api/modules/audit/audit.ts';
import { runCrosscheck, runSettings } from '../api/modules/crosscheck/run.ts';
import { type DatasetImportResult, importDataset } from '../api/modules/datasets/import.ts';
import type { SourceCode } from '../api/modules/datasets/sources.ts';
import { chinaDate } from '../api/modules/procedures/guards.ts';
import { importRegistry } from '../api/modules/registry/import.ts';
import { ageOn, checkChar } from '../api/shared/id-number.ts';
import { csvField } from './registry/csv.ts';
import { givenName } from './registry/people.ts';
import { clamp, hash32, Rng, type Weighted } from './registry/random.ts';

export interface DemoDepartmentOptions {
  /** Default '522324' (晴隆县, the demo county). */
  countyCode?: string;
  seed?: number;
  /** YYYY-MM-DD: no row is dated after it, and the cross-check runs as of it; default today in China. */
  asOf?: string;
  log?: (line: string) => void;
}

export interface DemoDepartmentResult {
  /** Department files imported (0 when the county already had department data). */
  datasets: number;
  rows: number;
  /** Findings present after the run, per rule code. */
  findings: Record<string, number>;
}

const DEFAULT_COUNTY = '522324';
const DEFAULT_SEED = 20261130;

/** The county holds department data already (an office's own, or this seed's): the demo adds none. */
export async function hasDemoDepartments(db: Kysely<Database>, countyCode = DEFAULT_COUNTY): Promise<boolean> {
  const row = await db
    .selectFrom('dataset_versions')
    .select('id')
    .where('county_code', '=', countyCode)
    .where('status', '=', 'succeeded')
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** Makes, imports and cross-checks the ten department files of the county's demo households. */
export async function seedDemoDepartments(handle: { db: Kysely<Database>; bulk: BulkRunner }, opts: DemoDepartmentOptions = {}): Promise<DemoDepartmentResult> {
  const { db, bulk } = handle;
  const countyCode = opts.countyCode ?? DEFAULT_COUNTY;
  const seed = (opts.seed ?? DEFAULT_SEED) >>> 0;
  const asOf = opts.asOf ?? chinaDate(new Date());
  const log = opts.log ?? (() => {});
  if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf)) throw new Error(`asOf must be YYYY-MM-DD: ${asOf}`);
  if (await hasDemoDepartments(db, countyCode)) {
    log(`department datasets: county ${countyCode} has some already, none added`);
    return { datasets: 0, rows: 0, findings: {} };
  }
  const t0 = performance.now();
  const ctx = systemCtx(db, { actor: SYSTEM_ACTOR, origin: { via: 'seed' } });
  const registry = await loadRegistry(db, countyCode, asOf, seed);
  const pick = new Picker(seed);
  const double = chooseDoubleListing(registry, pick);
  const world = planWorld(registry, pick, double);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dripline-departments-'));
  try {
    if (double) await importDoubleListing(ctx, bulk, dir, double);
    let rows = 0;
    const datasets = buildDatasets(world);
    for (const d of datasets) rows += await importOne(ctx, bulk, dir, countyCode, d);
    log(`department datasets: ${datasets.length} files, ${rows} rows`);
    const run = await runCrosscheck(ctx, { countyCode, asOf });
    const findings = await presentFindings(db, countyCode);
    log(`cross-check as of ${asOf}: ${run.totalPresent} findings (${Object.keys(findings).length} rules)`);
    log(`department datasets seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return { datasets: datasets.length, rows, findings };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// ── The registry as the departments' rows see it ─────────────────────────────────────────────
interface Household {
  id: string;
  no: string;
  village: string;
  type: string;
  status: string;
  headName: string;
  /** 一折通 account: the card's, else one made up for the demo (unique per household). */
  account: string;
  members: Person[];
}

interface Person {
  id: string;
  name: string;
  sex: '男' | '女';
  birth: string;
  /** Whole years on as-of. */
  age: number;
  relation: string;
  schooling: string | null;
  health: string | null;
  /** 正常, 死亡, 迁出, 失踪 */
  status: string;
  household: Household;
}

interface Registry {
  seed: number;
  asOf: string;
  countyCode: string;
  countyName: string;
  /** Township and village names by code. */
  names: Map<string, string>;
  households: Household[];
  /** Every ID number in the registry (invented people never take one). */
  ids: Set<string>;
  medical: { thresholdFen: number; windowMonths: number };
}

async function loadRegistry(db: Kysely<Database>, countyCode: string, asOf: string, seed: number): Promise<Registry> {
  const rows = await db
    .selectFrom('members as m')
    .innerJoin('households as h', 'h.id', 'm.household_id')
    .select(['h.id as household_id', 'h.household_no', 'h.village_code', 'h.household_type', 'h.status', 'h.head_name', 'h.bank_account'])
    .select(['m.name', 'm.id_number', 'm.sex', 'm.birth_date', 'm.relation', 'm.schooling', 'm.health', 'm.person_status'])
    .where('h.county_code', '=', countyCode)
    .where('m.county_code', '=', countyCode)
    .where('h.deleted_at', 'is', null)
    .where('m.deleted_at', 'is', null)
    .orderBy('h.household_no')
    .orderBy('m.id_number')
    .execute();
  if (rows.length === 0) throw new Error(`county ${countyCode} has no registry households: seed the registry first`);
  const on = new Date(`${asOf}T00:00:00Z`);
  const households = new Map<string, Household>();
  for (const r of rows) {
    let h = households.get(r.household_id);
    if (!h) {
      h = {
        id: r.household_id,
        no: r.household_no,
        village: r.village_code,
        type: r.household_type,
        status: r.status,
        headName: r.head_name,
        account: r.bank_account ?? '',
        members: [],
      };
      households.set(h.id, h);
    }
    const birth = r.birth_date ?? `${r.id_number.slice(6, 10)}-${r.id_number.slice(10, 12)}-${r.id_number.slice(12, 14)}`;
    const sex = r.sex ?? (Number(r.id_number[16]) % 2 === 1 ? '男' : '女');
    const p = { id: r.id_number, name: r.name, sex, birth, age: ageOn(birth, on), relation: r.relation, schooling: r.schooling, health: r.health };
    h.members.push({ ...p, status: r.person_status, household: h });
  }
  const areas = await db.selectFrom('areas').select(['code', 'name']).where('code', 'like', `${countyCode}%`).execute();
  const names = new Map(areas.map((a) => [a.code, a.name]));
  const settings = await runSettings(db, countyCode, asOf);
  const list = [...households.values()];
  giveAccounts(list, seed);
  return {
    seed,
    asOf,
    countyCode,
    countyName: names.get(countyCode) ?? '',
    names,
    households: list,
    ids: new Set(rows.map((r) => r.id_number)),
    medical: { thresholdFen: settings.medicalSelfPayThreshold, windowMonths: settings.medicalWindowMonths },
  };
}

/** The card's account where it has one of its own, else a made-up 19-digit one: never shared by accident. */
function giveAccounts(households: Household[], seed: number) {
  const used = new Set<string>();
  for (const h of households) {
    if (h.account && !used.has(h.account)) {
      used.add(h.account);
      continue;
    }
    const rng = new Rng(hash32('account', seed, h.no));
    do h.account = `6228${rng.digits(15)}`;
    while (used.has(h.account));
    used.add(h.account);
  }
}

function headOf(h: Household): Person {
  const head = h.members.find((m) => m.relation === '户主') ?? h.members[0];
  if (!head) throw new Error(`household ${h.no} has no members`);
  return head;
}

/** Code-point order: the same on every machine, whatever its locale. */
const byCode = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const living = (p: Person) => p.status === '正常';
const aged = (lo: number, hi: number) => (p: Person) => p.status === '正常' && p.age >= lo && p.age <= hi;

/** Picks people in an order fixed by the seed, at most one per household over all the picks. */
class Picker {
  private readonly taken = new Set<string>();
  constructor(private readonly seed: number) {}

  /** Up to n of `pool` (then of `fallback`), each from a household not picked before. */
  people(purpose: string, pool: Person[], n: number, fallback: Person[] = []): Person[] {
    const out: Person[] = [];
    for (const p of [...this.ranked(purpose, pool), ...this.ranked(purpose, fallback)]) {
      if (out.length === n) break;
      if (this.taken.has(p.household.id)) continue;
      this.taken.add(p.household.id);
      out.push(p);
    }
    return out;
  }

  /** The pool in the seed's order, nothing taken: for ordinary rows that only need a stable choice. */
  ranked(purpose: string, pool: Person[]): Person[] {
    const key = new Map(pool.map((p) => [p.id, hash32(this.seed, purpose, p.id)]));
    return [...pool].sort((a, b) => (key.get(a.id) ?? 0) - (key.get(b.id) ?? 0) || byCode(a.id, b.id));
  }
}

// ── The person listed twice (DUPLICATE_PERSON) ───────────────────────────────────────────────
interface DoubleListing {
  person: Person;
  /** The household the national export also lists them in (a daughter married into it, say). */
  into: Household;
}

function chooseDoubleListing(r: Registry, pick: Picker): DoubleListing | undefined {
  // 脱贫户 both: the file carries only the columns a registry file needs, and no 监测对象类别.
  const child = (p: Person) => (p.relation === '之女' || p.relation === '之子') && p.household.status === '脱贫户' && p.household.members.length >= 3;
  const people = r.households.flatMap((h) => h.members);
  const [person] = pick.people('DUPLICATE_PERSON', people.filter(aged(20, 40)).filter(child), 1);
  if (!person) return undefined;
  const others = r.households.filter((h) => h !== person.household && h.status === '脱贫户').map(headOf);
  const sameVillage = others.filter((p) => p.household.village === person.household.village);
  const [head] = pick.people('DUPLICATE_PERSON into', sameVillage, 1, others);
  return head ? { person, into: head.household } : undefined;
}

const REGISTRY_HEADERS = ['户编号', '区划代码', '户主姓名', '姓名', '证件号码', '与户主关系', '户类型', '户状态'];

/** Both households as the registry holds them, plus the person in the second one; columns left out stay as they are. */
async function importDoubleListing(ctx: Ctx, bulk: BulkRunner, dir: string, d: DoubleListing) {
  const rows: string[][] = [];
  for (const h of [d.person.household, d.into]) {
    for (const m of h.members) rows.push([h.no, h.village, h.headName, m.name, m.id, m.relation, h.type, h.status]);
  }
  const h = d.into;
  rows.push([h.no, h.village, h.headName, d.person.name, d.person.id, d.person.sex === '女' ? '之儿媳' : '之女婿', h.type, h.status]);
  const file = path.join(dir, 'registry-double-listing.csv');
  fs.writeFileSync(file, `\uFEFF${csvText(REGISTRY_HEADERS, rows)}`);
  const r = await importRegistry(ctx, bulk, { filePath: file, fileName: 'demo-registry-double-listing.csv' });
  if (!r.ok) {
    const first = r.errors.find((e) => e.severity === 'error');
    throw new Error(`the demo double listing was rejected: ${first ? `row ${first.rowNo} ${first.column} ${first.key}` : r.fileError?.key}`);
  }
}

// ── What fires: the people each rule finds ───────────────────────────────────────────────────
interface Invented {
  name: string;
  id: string;
  sex: '男' | '女';
  birth: string;
  village: string;
}

interface Anomalies {
  deceased: Person[];
  /** Of the deceased, those whose subsidies went on being paid. */
  paidAfterDeath: Person[];
  movedOut: Person[];
  payroll: Person[];
  vehicle: Person[];
  business: Person[];
  property: Person[];
  /** ASSISTANCE_MISMATCH: 一般户 heads on the 在保 roll, 低保户 stopped, 特困供养户 on the 低保 roll only. */
  generalOnRoll: Person[];
  dibaoStopped: Household[];
  tekunAsDibao: Household[];
  /** MISSED_ASSISTANCE: people on the roll who are in no household. */
  missed: Invented[];
  medical: Person[];
  student: Person[];
  disability: Person[];
  /** SHARED_ACCOUNT: the second head of each pair is paid into the first one's account. */
  sharedAccount: [Person, Person][];
}

interface World extends Registry {
  /** Members the rows may name: not a person listed in two households (their rows would fire for both). */
  people: Person[];
  /** The ID numbers of those left out. */
  unnamed: Set<string>;
  a: Anomalies;
  /** Death dates of the deceased picks. */
  deaths: Map<string, string>;
  inventor: Inventor;
  pick: Picker;
}

function planWorld(r: Registry, pick: Picker, double: DoubleListing | undefined): World {
  const all = r.households.flatMap((h) => h.members);
  const households = new Map<string, number>();
  for (const p of all) households.set(p.id, (households.get(p.id) ?? 0) + 1);
  const unnamed = new Set([...households].filter(([, n]) => n > 1).map(([id]) => id));
  if (double) unnamed.add(double.person.id);
  const people = all.filter((p) => !unnamed.has(p.id));
  const inventor = new Inventor(r.countyCode, r.ids);
  const a = chooseAnomalies(r, people, pick, inventor);
  const rng = new Rng(hash32('demo-departments deaths', r.seed));
  // Paid after death: died two to five months ago, while the monthly payments went on.
  const deaths = new Map(a.deceased.map((p, i) => [p.id, daysBefore(r.asOf, i < a.paidAfterDeath.length ? rng.int(60, 150) : rng.int(30, 200))]));
  return { ...r, people, unnamed, a, deaths, inventor, pick };
}

function chooseAnomalies(r: Registry, people: Person[], pick: Picker, inventor: Inventor): Anomalies {
  const few = clamp(Math.round(r.households.length / 100), 2, 5);
  const heads = (type: string) =>
    r.households
      .filter((h) => h.type === type)
      .map(headOf)
      .filter(living);
  const notSchooled = (lo: number, hi: number) => people.filter(aged(lo, hi)).filter((p) => p.schooling === '非在校生');
  const sick = people.filter((p) => living(p) && (p.health === '患有大病' || p.health === '长期慢性病'));
  const deceased = pick.people('DECEASED', people.filter(aged(65, 120)), few + 1, people.filter(aged(50, 120)));
  const shared = pick.people('SHARED_ACCOUNT', r.households.map(headOf).filter(living), 4);
  const rng = new Rng(hash32('demo-departments missed', r.seed));
  const villages = [...new Set(r.households.map((h) => h.village))].sort();
  return {
    tekunAsDibao: pick.people('tekun on the dibao roll', heads('特困供养户'), 1).map((p) => p.household),
    dibaoStopped: pick.people('dibao stopped', heads('低保户'), 1).map((p) => p.household),
    generalOnRoll: pick.people('general on the roll', heads('一般户'), 2),
    student: pick.people('STUDENT_MISMATCH', notSchooled(15, 19), few, notSchooled(7, 22)),
    medical: pick.people('MEDICAL_RISK', sick, few, people.filter(aged(40, 120))),
    disability: pick.people(
      'DISABILITY_MISMATCH',
      people.filter(aged(30, 120)).filter((p) => p.health !== '残疾'),
      few,
    ),
    deceased,
    paidAfterDeath: deceased.slice(0, 2),
    movedOut: pick.people('MOVED_OUT', people.filter(aged(18, 45)), few),
    payroll: pick.people('PUBLIC_PAYROLL', notSchooled(23, 55), few),
    vehicle: pick.people('VEHICLE', people.filter(aged(25, 60)), few),
    business: pick.people('BUSINESS', people.filter(aged(28, 60)), Math.max(2, few - 1)),
    property: pick.people('PROPERTY', people.filter(aged(25, 60)), few),
    missed: Array.from({ length: few }, () => ({ ...inventor.person(rng, 35, 85, r.asOf), village: rng.pick(villages) })),
    sharedAccount: pairs(shared),
  };
}

function pairs(people: Person[]): [Person, Person][] {
  const out: [Person, Person][] = [];
  for (let i = 0; i + 1 < people.length; i += 2) out.push([people[i] as Person, people[i + 1] as Person]);
  return out;
}

// ── People who are in no household: invented names, valid ID numbers of the county ───────────
const SURNAMES = [...'王李张刘陈杨罗黄周吴韦岑班陆蒙龙石潘田何'];

class Inventor {
  constructor(
    private readonly countyCode: string,
    private readonly issued: Set<string>,
  ) {}

  /** A GB 11643 number of the county for the birth date and sex, used by no one yet. */
  id(rng: Rng, birth: string, sex: '男' | '女'): string {
    for (let tries = 0; tries < 1000; tries++) {
      const seq = rng.int(0, 499) * 2 + (sex === '男' ? 1 : 0);
      if (seq === 0) continue;
      const body = `${this.countyCode}${birth.replaceAll('-', '')}${String(seq).padStart(3, '0')}`;
      const id = body + checkChar(body);
      if (this.issued.has(id)) continue;
      this.issued.add(id);
      return id;
    }
    throw new Error(`no free ID number for ${birth} ${sex}`);
  }

  person(rng: Rng, minAge: number, maxAge: number, asOf: string): Omit<Invented, 'village'> {
    const sex = rng.chance(0.5) ? '男' : '女';
    const birth = daysBefore(asOf, rng.int(minAge * 366, maxAge * 365));
    const name = rng.pick(SURNAMES) + givenName(rng, sex, Number(birth.slice(0, 4)));
    return { name, id: this.id(rng, birth, sex), sex, birth };
  }
}

/** ID numbers as hand-keyed files get them wrong: the contract keeps such rows and never matches them. */
const unusable = {
  checksum: (id: string) => id.slice(0, 17) + (id[17] === '0' ? '1' : '0'),
  digitDropped: (id: string) => id.slice(0, 10) + id.slice(11),
  impossibleDate: (id: string) => `${id.slice(0, 10)}13${id.slice(12, 17)}` + checkChar(`${id.slice(0, 10)}13${id.slice(12, 17)}`),
};

/** The pre-1999 15-digit form (born 19xx): upgraded by the importer, so it still matches. */
const oldForm = (id: string) => (id.slice(6, 8) === '19' ? id.slice(0, 6) + id.slice(8, 17) : id);

// ── Dates and amounts as each department writes them ─────────────────────────────────────────
const DAY_MS = 86_400_000;
const daysBefore = (iso: string, days: number) => new Date(Date.parse(`${iso}T00:00:00Z`) - days * DAY_MS).toISOString().slice(0, 10);
const slash = (iso: string) => iso.replaceAll('-', '/');
const compact = (iso: string) => iso.replaceAll('-', '');
const zh = (iso: string) => `${Number(iso.slice(0, 4))}年${Number(iso.slice(5, 7))}月${Number(iso.slice(8, 10))}日`;
const yuan = (fen: number) => (fen / 100).toFixed(2);
/** A date within the last `years` years before as-of (at least `minDays` back). */
const within = (rng: Rng, asOf: string, years: number, minDays = 1) => daysBefore(asOf, rng.int(minDays, Math.max(minDays, Math.round(years * 365))));

// ── The ten files ────────────────────────────────────────────────────────────────────────────
type Row = string[];

interface Dataset {
  source: SourceCode;
  /** The headers of the sample file of the source (seeds/samples/departments). */
  headers: readonly string[];
  rows: Row[];
  /** GB18030 without BOM, as the 公安交管 and 市场监管 systems export (the samples too). */
  gbk?: true;
}

function buildDatasets(w: World): Dataset[] {
  return [
    {
      source: 'civil_assistance',
      headers: ['姓名', '身份证号', '区划代码', '救助类型', '保障人数', '月保障金额', '起始年月', '状态', '停保日期'],
      rows: civilAssistance(w),
    },
    { source: 'disability', headers: ['姓名', '证件号码', '残疾类别', '残疾等级', '发证日期'], rows: disability(w) },
    { source: 'medical_claims', headers: ['姓名', '身份证号码', '就诊机构', '入院日期', '出院日期', '总费用', '医保报销', '个人自付'], rows: medicalClaims(w) },
    { source: 'subsidy_payments', headers: ['姓名', '证件号码', '银行账号', '补贴项目', '金额', '发放日期'], rows: subsidyPayments(w) },
    { source: 'household_events', headers: ['姓名', '证件号码', '事件类型', '事件日期', '迁往地区'], rows: householdEvents(w) },
    { source: 'vehicles', headers: ['姓名', '身份证号码', '号牌号码', '车辆类型', '初次登记日期', '状态'], rows: vehicles(w), gbk: true },
    {
      source: 'businesses',
      headers: ['法定代表人', '公民身份号码', '企业名称', '企业类型', '注册资本（万元）', '成立日期', '登记状态'],
      rows: businesses(w),
      gbk: true,
    },
    { source: 'property', headers: ['权利人', '证件号码', '坐落', '建筑面积', '房屋性质', '登记日期'], rows: property(w) },
    { source: 'public_payroll', headers: ['姓名', '证件号码', '工作单位', '人员类别', '入职日期'], rows: publicPayroll(w) },
    { source: 'students', headers: ['姓名', '身份证号', '学校名称', '学段', '年级', '学籍状态'], rows: students(w) },
  ];
}

const rngFor = (w: World, source: SourceCode) => new Rng(hash32('demo-departments', source, w.seed));
const named = (w: World, p: Person) => !w.unnamed.has(p.id);
const usableHead = (w: World, h: Household) => {
  const head = headOf(h);
  return named(w, head) && living(head) ? head : undefined;
};
const townOf = (w: World, village: string) => w.names.get(village.slice(0, 9)) ?? '';
const placeOf = (w: World, village: string) => `${w.countyName}${townOf(w, village)}${w.names.get(village) ?? ''}`;

/** 民政: the 在保 roll of the 低保户 and 特困供养户, a few 停保 一般户 — and the rows that disagree. */
function civilAssistance(w: World): Row[] {
  const rng = rngFor(w, 'civil_assistance');
  const { a, asOf } = w;
  const rows: Row[] = [];
  // On the roll since a month before the year it stopped (or before as-of's year).
  const since = (until: string) => `${rng.int(2014, Number(until.slice(0, 4)) - 1)}-${String(rng.int(1, 12)).padStart(2, '0')}`;
  const roll = (p: { name: string; id: string }, village: string, type: string, people: number, stoppedOn = '') => {
    const perPerson = type === '特困供养' ? rng.int(600, 800) : rng.int(300, 420);
    rows.push([p.name, p.id, village, type, String(people), yuan(perPerson * people * 100), since(stoppedOn || asOf), stoppedOn ? '停保' : '在保', stoppedOn]);
  };
  for (const h of w.households) {
    const head = usableHead(w, h);
    if (!head) continue;
    const people = h.members.filter(living).length;
    const id = rng.chance(0.1) ? oldForm(head.id) : head.id;
    if (h.type === '低保户') roll({ name: head.name, id }, h.village, '农村低保', people, a.dibaoStopped.includes(h) ? within(rng, asOf, 0.5, 30) : '');
    else if (h.type === '特困供养户') roll({ name: head.name, id }, h.village, a.tekunAsDibao.includes(h) ? '农村低保' : '特困供养', people);
    else if (a.generalOnRoll.includes(head)) roll(head, h.village, '农村低保', people);
    else if (rng.chance(0.04)) roll(head, h.village, '农村低保', people, daysBefore(asOf, rng.int(800, 2000)));
  }
  for (const p of a.missed) roll(p, p.village, rng.chance(0.7) ? '农村低保' : '特困供养', rng.int(1, 4));
  const keyedWrong = w.inventor.person(rng, 40, 80, asOf);
  roll({ name: keyedWrong.name, id: unusable.checksum(keyedWrong.id) }, w.households[0]?.village ?? w.countyCode, '农村低保', 2);
  return rows;
}

const DISABILITY_CATEGORIES: Weighted<string> = [
  ['肢体', 40],
  ['视力', 15],
  ['听力', 15],
  ['智力', 10],
  ['精神', 8],
  ['言语', 5],
  ['多重', 7],
];
const GRADES = ['一级', '二级', '三级', '四级'];

/** 残联: a certificate for every member recorded as 残疾, and for a few who are not. */
function disability(w: World): Row[] {
  const rng = rngFor(w, 'disability');
  const cert = (p: { name: string; id: string }, issued: string) => [p.name, p.id, rng.weighted(DISABILITY_CATEGORIES), rng.pick(GRADES), zh(issued)];
  const rows = w.people.filter((p) => p.health === '残疾').map((p) => cert(p, within(rng, w.asOf, Math.min(12, p.age))));
  for (const p of w.a.disability) rows.push(cert(p, within(rng, w.asOf, 2, 30)));
  const noId = w.inventor.person(rng, 20, 70, w.asOf);
  rows.push(cert({ name: noId.name, id: '' }, within(rng, w.asOf, 5)));
  return rows;
}

/** 医保: modest claims of the sick, old large ones outside the window — and a few over the alert within it. */
function medicalClaims(w: World): Row[] {
  const rng = rngFor(w, 'medical_claims');
  const { thresholdFen: alert, windowMonths } = w.medical;
  const rows: Row[] = [];
  const town = (p: Person) => `${townOf(w, p.household.village)}卫生院`;
  const claim = (p: { name: string; id: string }, institution: string, discharged: string, selfPaid: number) => {
    const total = Math.round(selfPaid / (0.25 + rng.float() * 0.25));
    rows.push([p.name, p.id, institution, zh(daysBefore(discharged, rng.int(3, 18))), zh(discharged), yuan(total), yuan(total - selfPaid), yuan(selfPaid)]);
  };
  const inWindow = () => daysBefore(w.asOf, rng.int(10, windowMonths * 28));
  for (const p of w.people.filter(living)) {
    const sick = p.health === '患有大病' || p.health === '长期慢性病';
    if (!rng.chance(sick ? 0.6 : 0.06)) continue;
    // At most two claims of at most 28 % of the alert each: under it however they fall.
    for (let k = rng.int(1, 2); k > 0; k--)
      claim(p, rng.pick([town(p), `${w.countyName}人民医院`]), inWindow(), Math.round(alert * (0.02 + rng.float() * 0.26)));
    if (p.health === '患有大病' && !w.a.medical.includes(p) && rng.chance(0.15)) {
      claim(p, '黔西南州人民医院', daysBefore(w.asOf, windowMonths * 31 + rng.int(20, 200)), Math.round(alert * (1.1 + rng.float())));
    }
  }
  for (const p of w.a.medical) {
    for (let k = 0; k < 2; k++) claim(p, rng.pick(['黔西南州人民医院', '贵州医科大学附属医院']), inWindow(), Math.round(alert * (0.55 + rng.float() * 0.35)));
  }
  const keyed = w.inventor.person(rng, 30, 80, w.asOf);
  claim({ name: keyed.name, id: unusable.digitDropped(keyed.id) }, `${w.countyName}人民医院`, inWindow(), rng.int(20_000, 300_000));
  return rows;
}

/** 财政 一折通: each household's subsidies into its own account — but some paid after a death, and two accounts shared. */
function subsidyPayments(w: World): Row[] {
  const rng = rngFor(w, 'subsidy_payments');
  const { a, asOf } = w;
  const rows: Row[] = [];
  const pay = (p: Person, account: string, item: string, fen: number, on: string) => rows.push([p.name, p.id, account, item, yuan(fen), slash(on)]);
  const monthly = (k: number) => daysBefore(asOf, 10 + 30 * k);
  for (const h of w.households) {
    for (const p of h.members) {
      if (!named(w, p) || !living(p) || a.deceased.includes(p)) continue;
      if (p === headOf(h)) householdItems(rng, p, h, w, pay);
      if (p.age >= 60) for (let k = 0; k < 3; k++) pay(p, h.account, '城乡居民基础养老金', 14_300, monthly(k));
    }
  }
  for (const p of a.deceased) {
    const died = w.deaths.get(p.id) ?? asOf;
    const after = a.paidAfterDeath.includes(p);
    for (let k = 0; k < 6; k++) if (after || monthly(k) < died) pay(p, p.household.account, '城乡居民基础养老金', 14_300, monthly(k));
  }
  for (const [owner, other] of a.sharedAccount) {
    const on = within(rng, asOf, 0.8, 20);
    pay(owner, owner.household.account, '耕地地力保护补贴', rng.int(200, 900) * 100, on);
    pay(other, owner.household.account, '耕地地力保护补贴', rng.int(200, 900) * 100, on);
  }
  return rows;
}

function householdItems(rng: Rng, head: Person, h: Household, w: World, pay: (p: Person, account: string, item: string, fen: number, on: string) => void) {
  if (rng.chance(0.7)) pay(head, h.account, '耕地地力保护补贴', rng.int(150, 900) * 100 + rng.int(0, 99), within(rng, w.asOf, 0.9, 20));
  if (rng.chance(0.25)) pay(head, h.account, rng.pick(['生态公益林补偿', '退耕还林补助']), rng.int(80, 1200) * 100, within(rng, w.asOf, 0.9, 20));
  const assistance = h.type === '特困供养户' ? '特困供养金' : h.type === '低保户' && !w.a.dibaoStopped.includes(h) ? '低保金' : '';
  const amount = rng.int(300, 800) * 100;
  if (assistance) for (let k = 0; k < 3; k++) pay(head, h.account, assistance, amount, daysBefore(w.asOf, 5 + 30 * k));
}

const DESTINATIONS = ['浙江省宁波市', '广东省东莞市', '福建省泉州市', '贵州省贵阳市', '江苏省苏州市', '广东省深圳市'];

/** 公安 户籍: deaths (the registry's own, and some it has not recorded), moves, returns and births. */
function householdEvents(w: World): Row[] {
  const rng = rngFor(w, 'household_events');
  const { a, asOf } = w;
  const rows: Row[] = [];
  const event = (p: { name: string; id: string }, type: string, on: string, destination = '') => rows.push([p.name, p.id, type, slash(on), destination]);
  for (const p of a.deceased) event(p, '死亡', w.deaths.get(p.id) ?? asOf);
  for (const p of w.people.filter((x) => x.status === '死亡')) event(p, '死亡', daysBefore(asOf, rng.int(400, 1500)));
  for (const p of a.movedOut) event(p, '迁出', within(rng, asOf, 0.8, 30), rng.pick(DESTINATIONS));
  // Moved out and back: a later 迁入 closes the move.
  const candidates = w.people.filter(aged(18, 45)).filter((p) => !a.movedOut.includes(p));
  for (const p of w.pick.ranked('returned', candidates).slice(0, Math.max(2, Math.round(w.households.length / 60)))) {
    event(p, '迁出', daysBefore(asOf, rng.int(400, 700)), rng.pick(DESTINATIONS));
    event(p, '迁入', daysBefore(asOf, rng.int(30, 300)));
  }
  for (const h of w.households) births(rng, w, h, event);
  const mover = w.inventor.person(rng, 20, 50, asOf);
  event({ name: mover.name, id: unusable.impossibleDate(mover.id) }, '迁入', within(rng, asOf, 0.5, 10));
  return rows;
}

function births(rng: Rng, w: World, h: Household, event: (p: { name: string; id: string }, type: string, on: string) => void) {
  const mother = h.members.find((m) => m.sex === '女' && aged(20, 38)(m) && ['户主', '配偶', '之儿媳'].includes(m.relation));
  if (!mother || !rng.chance(0.12)) return;
  const sex = rng.chance(0.5) ? '男' : '女';
  const born = daysBefore(w.asOf, rng.int(20, 330));
  const name = headOf(h).name.slice(0, 1) + givenName(rng, sex, Number(born.slice(0, 4)));
  event({ name, id: w.inventor.id(rng, born, sex) }, '出生', born);
}

const PRODUCTION_VEHICLES: Weighted<string> = [
  ['摩托车', 60],
  ['三轮汽车', 12],
  ['轻型货车', 12],
  ['低速货车', 8],
  ['拖拉机', 8],
];
const PLATE_CHARS = [...'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789'];

/** 公安交管: motorcycles, tricycles and trucks for work, cars already 注销 — and a few cars in use. */
function vehicles(w: World): Row[] {
  const rng = rngFor(w, 'vehicles');
  const plates = new Set<string>();
  const plate = () => {
    let p: string;
    do p = `贵E${Array.from({ length: 5 }, () => rng.pick(PLATE_CHARS)).join('')}`;
    while (plates.has(p));
    plates.add(p);
    return p;
  };
  const rows: Row[] = [];
  const vehicle = (p: Person, type: string, years: number, status = '正常') =>
    rows.push([p.name, p.id, plate(), type, zh(within(rng, w.asOf, years, 30)), status]);
  for (const p of w.people.filter(aged(18, 65))) {
    if (rng.chance(p.sex === '男' ? 0.12 : 0.02)) vehicle(p, rng.weighted(PRODUCTION_VEHICLES), 12);
    else if (rng.chance(0.01)) vehicle(p, '小型轿车', 15, '注销');
  }
  for (const p of w.a.vehicle) vehicle(p, rng.pick(['小型轿车', '小型普通客车']), 4);
  return rows;
}

const SHOPS = ['小卖部', '餐馆', '农资店', '摩托车修理店', '理发店', '建材店'];
const CROPS = ['茶叶种植', '薏仁米种植', '肉牛养殖', '中药材种植', '蔬菜种植', '生猪养殖'];

/** 市场监管: 个体工商户 and cooperatives (which never fire), closed companies — and a few companies in business. */
function businesses(w: World): Row[] {
  const rng = rngFor(w, 'businesses');
  const rows: Row[] = [];
  const firm = (p: Person, name: string, type: string, capital: string, status: string) =>
    rows.push([p.name, p.id, name, type, capital, compact(within(rng, w.asOf, 10, 60)), status]);
  const company = (p: Person) => `${w.countyName}${p.name.slice(0, 1)}氏${rng.pick(['农业发展', '商贸', '建材', '劳务'])}有限公司`;
  for (const p of w.people.filter(aged(25, 60))) {
    const town = townOf(w, p.household.village);
    if (rng.chance(0.03)) firm(p, `${town}${p.name.slice(0, 1)}记${rng.pick(SHOPS)}`, '个体工商户', '', rng.pick(['存续', '在业']));
    else if (rng.chance(0.008))
      firm(p, `${placeOf(w, p.household.village)}${rng.pick(CROPS)}农民专业合作社`, '农民专业合作社', String(rng.int(10, 100)), '存续');
    else if (rng.chance(0.004)) firm(p, company(p), '有限责任公司', String(rng.int(10, 100)), rng.pick(['注销', '吊销']));
  }
  for (const p of w.a.business) {
    if (rng.chance(0.7)) firm(p, company(p), '有限责任公司', String(rng.int(50, 500)), rng.pick(['存续', '在业']));
    else firm(p, `${w.countyName}${p.name}${rng.pick(['商贸部', '养殖场', '运输队'])}`, '个人独资企业', String(rng.int(5, 50)), rng.pick(['存续', '在业']));
  }
  return rows;
}

const RELOCATION_SITES = ['东观街道阿妹戚托小镇安置点', '莲城街道三宝安置点', '光照镇易地扶贫搬迁安置点'];

/** 不动产: self-built houses, resettlement flats — and a few commercial flats in town. */
function property(w: World): Row[] {
  const rng = rngFor(w, 'property');
  const rows: Row[] = [];
  const house = (p: Person, where: string, area: number, type: string, on: string) => rows.push([p.name, p.id, where, area.toFixed(1), type, compact(on)]);
  for (const h of w.households) {
    const head = usableHead(w, h);
    if (!head) continue;
    const r = rng.float();
    if (r < 0.35) house(head, `${placeOf(w, h.village)}${rng.int(1, 120)}号`, rng.int(800, 2200) / 10, '自建房', within(rng, w.asOf, 15, 200));
    else if (r < 0.4)
      house(
        head,
        `${w.countyName}${rng.pick(RELOCATION_SITES)}${rng.int(1, 30)}栋`,
        rng.int(500, 1200) / 10,
        '安置房',
        daysBefore(w.asOf, rng.int(5 * 365, 9 * 365)),
      );
    else if (r < 0.405) house(head, `${w.countyName}莲城街道安居小区${rng.int(1, 12)}栋`, rng.int(600, 900) / 10, '经济适用房', within(rng, w.asOf, 10, 200));
  }
  for (const p of w.a.property) {
    const where = rng.chance(0.6)
      ? `${w.countyName}莲城街道${rng.pick(['东风路', '环城路', '西山路'])}${rng.int(1, 300)}号`
      : `兴义市桔山街道${rng.int(1, 200)}号`;
    house(p, where, rng.int(800, 1400) / 10, '商品房', within(rng, w.asOf, 5, 60));
  }
  return rows;
}

/** 人社/编办: the county's public payroll — invented people, and a few registry members among them. */
function publicPayroll(w: World): Row[] {
  const rng = rngFor(w, 'public_payroll');
  const employers = [`${w.countyName}人民政府办公室`, `${w.countyName}财政局`, `${w.countyName}教育局`, `${w.countyName}人民医院`, `${w.countyName}第一中学`];
  const category = () =>
    rng.weighted<string>([
      ['公务员', 4],
      ['参公', 1],
      ['事业编制', 5],
    ]);
  const hired = (age: number) => daysBefore(w.asOf, rng.int(100, Math.max(101, (age - 21) * 365)));
  const rows: Row[] = [];
  for (let i = Math.max(15, Math.round(w.households.length / 8)); i > 0; i--) {
    const p = w.inventor.person(rng, 23, 59, w.asOf);
    rows.push([p.name, p.id, rng.pick(employers), category(), hired(Number(w.asOf.slice(0, 4)) - Number(p.birth.slice(0, 4)))]);
  }
  for (const p of w.a.payroll) rows.push([p.name, p.id, `${townOf(w, p.household.village)}人民政府`, category(), hired(p.age)]);
  return rows;
}

const STAGES: Record<string, string> = {
  学前教育: '学前',
  小学: '小学',
  初中: '初中',
  高中: '高中',
  中职: '中职',
  高职: '高职',
  大专: '大专',
  本科及以上: '本科',
};
const CN = [...'一二三四五六七八九'];

function gradeOf(stage: string, age: number): string {
  const nth = (i: number, lo: number, hi: number) => CN[clamp(i, lo, hi)] ?? '';
  switch (stage) {
    case '学前':
      return ['小班', '中班', '大班'][clamp(age - 3, 0, 2)] ?? '';
    case '小学':
      return `${nth(age - 6, 0, 5)}年级`;
    case '初中':
      return `${nth(age - 6, 6, 8)}年级`;
    case '高中':
      return `高${nth(age - 15, 0, 2)}`;
    case '中职':
      return `${nth(age - 15, 0, 2)}年级`;
    case '本科':
      return `${nth(age - 18, 0, 3)}年级`;
    default:
      return `${nth(age - 18, 0, 2)}年级`;
  }
}

function schoolOf(w: World, p: Person, stage: string): string {
  const town = townOf(w, p.household.village);
  const schools: Record<string, string> = {
    学前: `${town}中心幼儿园`,
    小学: `${town}中心小学`,
    初中: `${town}中学`,
    高中: `${w.countyName}第一中学`,
    中职: `${w.countyName}中等职业学校`,
    高职: '黔西南民族职业技术学院',
    大专: '贵州工商职业学院',
  };
  return schools[stage] ?? '贵州大学';
}

/** 教育 学籍: every member the card lists in school, graduates — and a few in school whom the card lists as 非在校生. */
function students(w: World): Row[] {
  const rng = rngFor(w, 'students');
  const rows: Row[] = [];
  const enrol = (p: Person, stage: string, status: string) => rows.push([p.name, p.id, schoolOf(w, p, stage), stage, gradeOf(stage, p.age), status]);
  for (const p of w.people.filter(living)) {
    const stage = STAGES[p.schooling ?? ''];
    if (stage) enrol(p, stage, '在读');
    else if (p.schooling === '非在校生' && p.age >= 18 && p.age <= 23 && !w.a.student.includes(p) && rng.chance(0.4))
      enrol(p, rng.pick(['高中', '中职']), '毕业');
  }
  for (const p of w.a.student) enrol(p, p.age >= 15 ? rng.pick(['高中', '中职']) : p.age >= 12 ? '初中' : '小学', '在读');
  const child = w.inventor.person(rng, 7, 12, w.asOf);
  rows.push([child.name, '', `${w.countyName}第一小学`, '小学', gradeOf('小学', 9), '在读']);
  return rows;
}

// ── Files, imports, findings ────────────────────────────────────────────────────────────────
function csvText(headers: readonly string[], rows: Row[]): string {
  return [headers, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** A department's export is in the order of its ID numbers (the second column), not in the order the rows were made. */
const byIdNumber = (rows: Row[]) => rows.sort((a, b) => byCode(a[1] ?? '', b[1] ?? ''));

/** Writes one file as the department would and imports it; returns its rows. */
async function importOne(ctx: Ctx, bulk: BulkRunner, dir: string, countyCode: string, d: Dataset): Promise<number> {
  const filePath = path.join(dir, `${d.source}.csv`);
  const text = csvText(d.headers, byIdNumber(d.rows));
  fs.writeFileSync(filePath, d.gbk ? iconv.encode(text, 'gb18030') : `\uFEFF${text}`);
  const r = await importDataset(ctx, bulk, { countyCode, source: d.source, filePath, fileName: `demo-${d.source}.csv` });
  if (!r.ok) throw new Error(`the demo ${d.source} file was rejected: ${rejection(r)}`);
  return r.rowsRead;
}

function rejection(r: DatasetImportResult): string {
  if (r.fileError) return `${r.fileError.key} ${r.fileError.columns?.join('、') ?? r.fileError.message ?? ''}`;
  const e = r.errors[0];
  return e ? `${r.errorCount} error(s), first row ${e.rowNo} ${e.column} ${e.reason}` : 'no reason given';
}

async function presentFindings(db: Kysely<Database>, countyCode: string): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('findings')
    .select(['rule', (eb) => eb.fn.countAll<number>().as('n')])
    .where('county_code', '=', countyCode)
    .where('present', '=', true)
    .groupBy('rule')
    .orderBy('rule')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.rule, Number(r.n)]));
}
