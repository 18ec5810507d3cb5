// Every rule of the catalogue (docs/domain/crosscheck-rules.md) fires where it should and not
// on the decoys it names: production vehicles, 注销 vehicles, cooperatives, 安置房, 城市低保
// outside the registry, claims outside the 12-month window, namesakes with other IDs. Each test
// builds its own households in 贞丰县 (no demo data there), imports small department files through
// the real importer, and runs only the rule under test.
import { systemCtx } from '../../../context.ts';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTestDb, type TestDb, unique } from '../../../test/db.ts';
import { makeHouseholdNo, makeIdNumber } from '../../../test/factories.ts';
import { loginAs } from '../../../test/http.ts';
import { createAccount } from '../../auth/auth.ts';
import { TMP } from '../../../test/template.ts';
import { importDataset } from '../../datasets/import.ts';
import type { SourceCode } from '../../datasets/sources.ts';
import { insertRegistryRows, type RegistryRow } from '../../households/registry.ts';
import { runCrosscheck } from '../run.ts';

const COUNTY = '522325';
const AS_OF = '2026-11-01';
let t: TestDb;
let village: string;
const dir = path.join(TMP, `rules-${process.pid}`);

interface PersonSpec {
  name?: string;
  id?: string;
  relation?: string;
  dead?: boolean;
  schooling?: string;
  health?: string;
}
interface HouseholdSpec {
  type?: '一般户' | '低保户' | '特困供养户';
  members: PersonSpec[];
}
interface Made {
  householdNo: string;
  ids: string[];
  names: string[];
}

let nameSeq = 0;
async function households(...specs: HouseholdSpec[]): Promise<Made[]> {
  const made: Made[] = [];
  const rows: RegistryRow[] = [];
  for (const spec of specs) {
    const householdNo = makeHouseholdNo().replace(/^522324/, COUNTY);
    const people = spec.members.map((m, i) => ({
      name: m.name ?? `测${String.fromCharCode(0x4e00 + (++nameSeq % 500))}${i}`,
      id: m.id ?? makeIdNumber(i === 0 ? '19700101' : '19980303', i === 0 ? '男' : '女'),
      ...m,
    }));
    for (const [i, p] of people.entries()) {
      rows.push({
        户编号: householdNo,
        区划代码: village,
        户主姓名: people[0]?.name ?? '',
        姓名: p.name,
        证件号码: p.id,
        与户主关系: p.relation ?? (i === 0 ? '户主' : '之女'),
        户类型: spec.type ?? '一般户',
        户状态: '脱贫户',
        在校生状况: p.schooling ?? '非在校生',
        健康状况: p.health ?? '健康',
        是否死亡: p.dead ? '是' : '否',
      });
    }
    made.push({ householdNo, ids: people.map((p) => p.id), names: people.map((p) => p.name) });
  }
  await insertRegistryRows(t.db, rows);
  return made;
}

let fileSeq = 0;
async function dataset(source: SourceCode, headers: string[], rows: (string | number)[][]) {
  const file = path.join(dir, `${source}-${++fileSeq}.csv`);
  fs.writeFileSync(file, `${[headers, ...rows].map((r) => r.join(',')).join('\n')}\n`);
  const r = await importDataset(systemCtx(t.db), t.handle.bulk, { countyCode: COUNTY, source, filePath: file });
  expect({ ok: r.ok, errors: r.errors, fileError: r.fileError }).toEqual({ ok: true, errors: [], fileError: undefined });
  return r;
}

async function run(rule: string, asOf = AS_OF) {
  return runCrosscheck(systemCtx(t.db), { countyCode: COUNTY, asOf, rules: [rule] });
}

interface FindingRow {
  rule: string;
  household_no: string;
  id_number: string;
  severity: string;
  evidence: Record<string, unknown>;
  evidence_text: string;
  status: string;
  present: boolean;
}
async function findings(rule: string, householdNos: string[], ids: string[] = []): Promise<FindingRow[]> {
  const r = await sql<FindingRow>`
    select rule, household_no, id_number, severity, evidence, evidence_text, status, present from findings
    where county_code = ${COUNTY} and rule = ${rule} and present
      and (household_no in (${sql.join(householdNos.length ? householdNos : ['-'])}) or id_number in (${sql.join(ids.length ? ids : ['-'])}))
    order by household_no, id_number`.execute(t.db);
  return r.rows.map((f) => ({ ...f, evidence: typeof f.evidence === 'string' ? JSON.parse(f.evidence) : f.evidence }));
}
const keys = (fs: FindingRow[]) => fs.map((f) => `${f.household_no}|${f.id_number}`).sort();

/** The 15-digit form of an 18-digit ID born in the 1900s. */
const to15 = (id18: string) => id18.slice(0, 6) + id18.slice(8, 17);

beforeAll(async () => {
  t = await getTestDb();
  fs.mkdirSync(dir, { recursive: true });
  const v = await sql<{ code: string }>`select code from areas where level = 'village' and code like ${`${COUNTY}%`} order by code limit 1`.execute(t.db);
  village = v.rows[0]?.code as string;
  expect(village).toMatch(/^522325\d{6}$/);
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const EVENTS = ['姓名', '身份证号', '事件类型', '事件日期', '迁往地区'];

describe('DECEASED', () => {
  it('fires for a death on or before as-of, matched by normalised ID — not for later deaths or namesakes', async () => {
    const [a, b, c, d] = await households({ members: [{}, {}] }, { members: [{}] }, { members: [{}] }, { members: [{}] });
    const namesake = makeIdNumber('19700101', '男');
    await dataset('household_events', EVENTS, [
      [a?.names[1] ?? '', a?.ids[1] ?? '', '死亡', '2026-05-04', ''],
      [b?.names[0] ?? '', to15(b?.ids[0] ?? ''), '死亡', '2026年10月31日', ''], // 15-digit ID, Chinese date
      [c?.names[0] ?? '', c?.ids[0] ?? '', '死亡', '2026-11-02', ''], // after as-of
      [d?.names[0] ?? '', namesake, '死亡', '2026-01-01', ''], // same name, another person
      [a?.names[0] ?? '', a?.ids[0]?.toLowerCase().replace(/^(\d{5})/, ' $1 ') ?? '', '出生', '1970-01-01', ''],
    ]);
    await run('DECEASED');
    const f = await findings(
      'DECEASED',
      [a, b, c, d].map((h) => h?.householdNo ?? ''),
    );
    expect(keys(f)).toEqual([`${a?.householdNo}|${a?.ids[1]}`, `${b?.householdNo}|${b?.ids[0]}`].sort());
    const fa = f.find((x) => x.id_number === a?.ids[1]);
    expect(fa?.severity).toBe('update');
    expect(fa?.evidence).toMatchObject({ deathDate: '2026-05-04' });
    expect(fa?.evidence_text).toContain('2026-05-04');
  });
});

describe('MOVED_OUT', () => {
  it('fires for 迁出 without a later 迁入, not when the person moved back', async () => {
    const [a, b] = await households({ members: [{}] }, { members: [{}] });
    await dataset('household_events', EVENTS, [
      [a?.names[0] ?? '', a?.ids[0] ?? '', '迁出', '2025-03-01', '浙江省宁波市'],
      [b?.names[0] ?? '', b?.ids[0] ?? '', '迁出', '2025-03-01', '广东省东莞市'],
      [b?.names[0] ?? '', b?.ids[0] ?? '', '迁入', '2025-09-01', ''],
    ]);
    await run('MOVED_OUT');
    const f = await findings('MOVED_OUT', [a?.householdNo ?? '', b?.householdNo ?? '']);
    expect(keys(f)).toEqual([`${a?.householdNo}|${a?.ids[0]}`]);
    expect(f[0]?.evidence_text).toContain('浙江省宁波市');
  });
});

describe('PAYMENT_AFTER_DEATH', () => {
  it('fires for a payment after the death date, from the events or the registry, with the account masked', async () => {
    const [a, b] = await households({ members: [{}] }, { members: [{}, { dead: true }] });
    await sql`update members set status_date = '2026-01-10' where id_number = ${b?.ids[1] ?? ''}`.execute(t.db);
    await dataset('household_events', EVENTS, [[a?.names[0] ?? '', a?.ids[0] ?? '', '死亡', '2026-03-01', '']]);
    await dataset(
      'subsidy_payments',
      ['姓名', '身份证号', '银行账号', '补贴项目', '金额', '发放日期'],
      [
        [a?.names[0] ?? '', a?.ids[0] ?? '', '6217000000001234567', '耕地地力保护补贴', '520.00', '2026-04-01'],
        [a?.names[0] ?? '', a?.ids[0] ?? '', '6217000000001234567', '耕地地力保护补贴', '300', '2026-02-01'], // before death
        [b?.names[1] ?? '', b?.ids[1] ?? '', '6217000000009876543', '生态护林员补助', '"1,000元"', '2026-06-30'],
      ],
    );
    await run('PAYMENT_AFTER_DEATH');
    const f = await findings('PAYMENT_AFTER_DEATH', [a?.householdNo ?? '', b?.householdNo ?? '']);
    expect(keys(f)).toEqual([`${a?.householdNo}|${a?.ids[0]}`, `${b?.householdNo}|${b?.ids[1]}`].sort());
    const text = f.map((x) => x.evidence_text).join(' ');
    expect(text).not.toContain('6217000000001234567');
    expect(text).toContain('4567');
    expect(f.find((x) => x.id_number === a?.ids[0])?.severity).toBe('review');
  });
});

describe('PUBLIC_PAYROLL', () => {
  it('fires for a registry member on the public payroll, not for others', async () => {
    const [a] = await households({ members: [{}, {}] });
    await dataset(
      'public_payroll',
      ['姓名', '身份证号', '工作单位', '人员类别', '入职日期'],
      [
        [a?.names[1] ?? '', a?.ids[1] ?? '', '贞丰县某镇人民政府', '公务员', '2019-08-01'],
        ['无关人员', makeIdNumber('19900101', '男'), '某单位', '事业编制', '2019-08-01'],
      ],
    );
    await run('PUBLIC_PAYROLL');
    const f = await findings('PUBLIC_PAYROLL', [a?.householdNo ?? '']);
    expect(keys(f)).toEqual([`${a?.householdNo}|${a?.ids[1]}`]);
    expect(f[0]?.severity).toBe('exclude');
    expect(f[0]?.evidence_text).toContain('贞丰县某镇人民政府');
  });
});

describe('VEHICLE', () => {
  it('fires for a passenger car in use; production vehicles and 注销 cars do not', async () => {
    const [a, b, c, d] = await households({ members: [{}] }, { members: [{}] }, { members: [{}] }, { members: [{}] });
    await dataset(
      'vehicles',
      ['所有人', '身份证号', '号牌号码', '车辆类型', '初次登记日期', '状态'],
      [
        [a?.names[0] ?? '', a?.ids[0] ?? '', '贵E12345', '小型轿车', '2021-05-06', '正常'],
        [b?.names[0] ?? '', b?.ids[0] ?? '', '贵E22222', '轻型货车', '2021-05-06', '正常'],
        [b?.names[0] ?? '', b?.ids[0] ?? '', '贵E33333', '三轮汽车', '2021-05-06', '正常'],
        [c?.names[0] ?? '', c?.ids[0] ?? '', '贵E44444', '小型轿车', '2015-05-06', '注销'],
        [d?.names[0] ?? '', d?.ids[0] ?? '', '贵E55555', '摩托车', '2020-01-01', '正常'],
        [d?.names[0] ?? '', d?.ids[0] ?? '', '贵E66666', '拖拉机', '2020-01-01', '正常'],
      ],
    );
    await run('VEHICLE');
    const f = await findings(
      'VEHICLE',
      [a, b, c, d].map((h) => h?.householdNo ?? ''),
    );
    expect(keys(f)).toEqual([`${a?.householdNo}|${a?.ids[0]}`]);
    expect(f[0]?.evidence_text).not.toContain('贵E12345');
    expect(f[0]?.evidence_text).toContain('小型轿车');
  });
});

describe('BUSINESS', () => {
  it('fires for the legal representative of a live company; 个体工商户, cooperatives and closed companies do not', async () => {
    const [a, b, c, d] = await households({ members: [{}] }, { members: [{}] }, { members: [{}] }, { members: [{}] });
    const H = ['企业名称', '法定代表人', '身份证号', '企业类型', '注册资本（万元）', '成立日期', '登记状态'];
    await dataset('businesses', H, [
      ['贞丰县某某商贸有限公司', a?.names[0] ?? '', a?.ids[0] ?? '', '有限责任公司', '50', '2020-01-01', '存续'],
      ['某某小卖部', b?.names[0] ?? '', b?.ids[0] ?? '', '个体工商户', '1', '2020-01-01', '存续'],
      ['某某种养殖农民专业合作社', c?.names[0] ?? '', c?.ids[0] ?? '', '农民专业合作社', '10', '2020-01-01', '在业'],
      ['某某建材有限公司', d?.names[0] ?? '', d?.ids[0] ?? '', '有限责任公司', '100', '2015-01-01', '注销'],
    ]);
    await run('BUSINESS');
    const f = await findings(
      'BUSINESS',
      [a, b, c, d].map((h) => h?.householdNo ?? ''),
    );
    expect(keys(f)).toEqual([`${a?.householdNo}|${a?.ids[0]}`]);
    expect(f[0]?.evidence_text).toContain('贞丰县某某商贸有限公司');
  });
});

describe('PROPERTY', () => {
  it('fires for a 商品房 owner; 安置房, 自建房 and 经济适用房 do not', async () => {
    const [a, b, c, d] = await households({ members: [{}] }, { members: [{}] }, { members: [{}] }, { members: [{}] });
    const H = ['权利人', '身份证号', '坐落', '建筑面积', '房屋性质', '登记日期'];
    await dataset('property', H, [
      [a?.names[0] ?? '', a?.ids[0] ?? '', '兴义市桔山街道某小区3栋', '98.5', '商品房', '2022-06-01'],
      [b?.names[0] ?? '', b?.ids[0] ?? '', '贞丰县易地扶贫搬迁安置点', '80', '安置房', '2019-06-01'],
      [c?.names[0] ?? '', c?.ids[0] ?? '', '某村某组', '120', '自建房', '2010-06-01'],
      [d?.names[0] ?? '', d?.ids[0] ?? '', '某小区', '70', '经济适用房', '2012-06-01'],
    ]);
    await run('PROPERTY');
    const f = await findings(
      'PROPERTY',
      [a, b, c, d].map((h) => h?.householdNo ?? ''),
    );
    expect(keys(f)).toEqual([`${a?.householdNo}|${a?.ids[0]}`]);
    expect(f[0]?.evidence_text).toContain('兴义市桔山街道某小区3栋');
  });
});

const CIVIL = ['姓名', '身份证号', '区划代码', '救助类型', '保障人数', '月保障金额', '起始年月', '状态', '停保日期'];

describe('ASSISTANCE_MISMATCH', () => {
  it('compares 户类型 with the civil-affairs rolls at household level', async () => {
    const [dibaoNoRecord, dibaoOk, generalWithDibao, generalWithUrban, tekunOk] = await households(
      { type: '低保户', members: [{}, {}] },
      { type: '低保户', members: [{}, { dead: true }] },
      { type: '一般户', members: [{}, {}] },
      { type: '一般户', members: [{}] },
      { type: '特困供养户', members: [{}] },
    );
    await dataset('civil_assistance', CIVIL, [
      // 低保户 whose record is held by a deceased member still counts as listed
      ['', dibaoOk?.ids[1] ?? '', village, '农村低保', '2', '600', '2020-01', '在保', ''],
      ['', generalWithDibao?.ids[1] ?? '', village, '农村低保', '1', '400', '2024-03', '在保', ''],
      ['', generalWithUrban?.ids[0] ?? '', village, '城市低保', '1', '700', '2024-03', '在保', ''],
      ['', tekunOk?.ids[0] ?? '', village, '特困供养', '1', '900', '2018-01', '在保', ''],
      ['', dibaoNoRecord?.ids[0] ?? '', village, '农村低保', '2', '600', '2019-01', '停保', '2025-12-31'],
    ]);
    await run('ASSISTANCE_MISMATCH');
    const all = [dibaoNoRecord, dibaoOk, generalWithDibao, generalWithUrban, tekunOk].map((h) => h?.householdNo ?? '');
    const f = await findings('ASSISTANCE_MISMATCH', all);
    expect(keys(f)).toEqual([`${dibaoNoRecord?.householdNo}|`, `${generalWithDibao?.householdNo}|`].sort());
    expect(f.every((x) => x.id_number === '' && x.severity === 'update')).toBe(true);
  });
});

describe('MISSED_ASSISTANCE', () => {
  it('fires for 在保 农村低保/特困 people in no registry household; not 城市低保, not 停保, not registry members', async () => {
    const [a] = await households({ members: [{}] });
    const outsider1 = makeIdNumber('19600606', '女');
    const outsider2 = makeIdNumber('19500505', '男');
    const urban = makeIdNumber('19650606', '女');
    const stopped = makeIdNumber('19660606', '女');
    await dataset('civil_assistance', CIVIL, [
      ['张某', outsider1, village, '农村低保', '3', '500', '2023-05', '在保', ''],
      ['李某', outsider2, village, '特困供养', '1', '900', '2021-05', '在保', ''],
      ['王某', urban, village, '城市低保', '1', '700', '2023-05', '在保', ''],
      ['赵某', stopped, village, '农村低保', '1', '500', '2020-05', '停保', '2024-05-31'],
      ['', a?.ids[0] ?? '', village, '农村低保', '1', '500', '2020-05', '在保', ''],
    ]);
    await run('MISSED_ASSISTANCE');
    const f = await findings('MISSED_ASSISTANCE', [], [outsider1, outsider2, urban, stopped, a?.ids[0] ?? '']);
    expect(f.map((x) => `${x.household_no}|${x.id_number}`).sort()).toEqual([`|${outsider1}`, `|${outsider2}`].sort());
    expect(f.every((x) => x.severity === 'review')).toBe(true);
    expect(f[0]?.evidence_text).toContain(village);
  });
});

const CLAIMS = ['姓名', '身份证号', '就诊机构', '入院日期', '出院日期', '总费用', '医保报销', '个人自付'];

describe('MEDICAL_RISK', () => {
  it('sums self-pay over the 12 months up to as-of; older claims do not count; the threshold is a county setting', async () => {
    const [a, b, c] = await households({ members: [{}] }, { members: [{}] }, { members: [{}] });
    await dataset('medical_claims', CLAIMS, [
      // a: 6,000 + 4,000 within the window → 10,000 fires (inclusive)
      ['', a?.ids[0] ?? '', '贞丰县人民医院', '2026-01-01', '2026-01-10', '20000', '14000', '6000'],
      ['', a?.ids[0] ?? '', '黔西南州人民医院', '2026-10-20', '2026-11-01', '9000', '5000', '4000.00'],
      // b: 9,000 in the window + 5,000 discharged 2025-11-01 (outside: window is 2025-11-02..2026-11-01)
      ['', b?.ids[0] ?? '', '贞丰县人民医院', '2026-03-01', '2026-03-05', '15000', '6000', '9000'],
      ['', b?.ids[0] ?? '', '贞丰县人民医院', '2025-10-25', '2025-11-01', '8000', '3000', '5000'],
      // c: 6,000 — fires only with a lower county threshold
      ['', c?.ids[0] ?? '', '贞丰县人民医院', '2026-06-01', '2026-06-09', '9000', '3000', '6000'],
    ]);
    await run('MEDICAL_RISK');
    let f = await findings(
      'MEDICAL_RISK',
      [a, b, c].map((h) => h?.householdNo ?? ''),
    );
    expect(keys(f)).toEqual([`${a?.householdNo}|${a?.ids[0]}`]);
    expect(f[0]?.evidence).toMatchObject({ selfPaid: 1_000_000, claims: 2 });
    expect(f[0]?.severity).toBe('risk');

    // The threshold is the county's yearly standard (年度标准) of the as-of year, set by the
    // county official on the 年度标准 page (PUT /api/county-settings/…): lowering it there changes
    // the next run's findings, and the run records the value it used and the year it came from.
    const year = Number(AS_OF.slice(0, 4));
    const username = unique('zf_county');
    const password = `Pw${unique('p')}123`;
    await createAccount(systemCtx(t.db), { username, displayName: '贞丰县扶贫办', role: 'county_official', areaCode: COUNTY, password });
    const county = await loginAs(username, { password });
    const path = `/api/county-settings/${COUNTY}/years/${year}`;
    const before = (await (await county.get(path)).json()) as {
      povertyLineFen: number;
      monitoringLineFen: number;
      medicalSelfPayThresholdFen: number | null;
      version: number;
    };
    const put = (fen: number | null, version: number) =>
      county.request('PUT', path, {
        povertyLineFen: before.povertyLineFen,
        monitoringLineFen: before.monitoringLineFen,
        medicalSelfPayThresholdFen: fen,
        version,
      });
    const lowered = await put(500000, before.version);
    expect(lowered.status).toBe(200);
    try {
      const r = await run('MEDICAL_RISK');
      const settings = await sql<{ settings: unknown }>`select settings from crosscheck_runs where id = ${r.runId}`.execute(t.db);
      const s = settings.rows[0]?.settings;
      expect(typeof s === 'string' ? JSON.parse(s) : s).toMatchObject({
        medicalSelfPayThreshold: 500000,
        medicalWindowMonths: 12,
        standardYear: year,
        medicalThresholdSource: 'county',
      });
      f = await findings(
        'MEDICAL_RISK',
        [a, b, c].map((h) => h?.householdNo ?? ''),
      );
      expect(keys(f)).toEqual([`${a?.householdNo}|${a?.ids[0]}`, `${b?.householdNo}|${b?.ids[0]}`, `${c?.householdNo}|${c?.ids[0]}`].sort());
      expect(f.find((x) => x.household_no === c?.householdNo)?.evidence_text).toContain('达到5000.00元预警线');
      // Raised above everyone's self-pay: the next run finds none (they are no longer present).
      const raised = await put(2_000_000, before.version + 1);
      expect(raised.status).toBe(200);
      await run('MEDICAL_RISK');
      f = await findings(
        'MEDICAL_RISK',
        [a, b, c].map((h) => h?.householdNo ?? ''),
      );
      expect(f).toEqual([]);
    } finally {
      const now = (await (await county.get(path)).json()) as { version: number };
      expect((await put(before.medicalSelfPayThresholdFen, now.version)).status).toBe(200);
    }
  });

  it('a run before the county entered the as-of year uses its latest earlier year; with no standard at all, the catalogue default', async () => {
    const { runSettings } = await import('../run.ts');
    const latest = await sql<{ year: number; medical_self_pay_threshold: number | null }>`
      select year, medical_self_pay_threshold from county_year_settings where county_code = ${COUNTY} order by year desc limit 1`.execute(t.db);
    const last = latest.rows[0];
    expect(last).toBeDefined();
    const later = await runSettings(t.db, COUNTY, `${Number(last?.year) + 3}-03-01`);
    expect(later).toMatchObject({ standardYear: Number(last?.year), medicalSelfPayThreshold: Number(last?.medical_self_pay_threshold ?? 1_000_000) });
    expect(await runSettings(t.db, COUNTY, '2014-06-30')).toEqual({
      medicalSelfPayThreshold: 1_000_000,
      medicalWindowMonths: 12,
      standardYear: null,
      medicalThresholdSource: 'default',
    });
  });
});

describe('STUDENT_MISMATCH', () => {
  it('fires for an enrolled student recorded as 非在校生; not for graduates or members recorded as students', async () => {
    const [a, b, c] = await households(
      { members: [{}, { schooling: '非在校生' }] },
      { members: [{}, { schooling: '非在校生' }] },
      { members: [{}, { schooling: '初中' }] },
    );
    const H = ['姓名', '身份证号', '学校名称', '学段', '年级', '学籍状态'];
    await dataset('students', H, [
      ['', a?.ids[1] ?? '', '贞丰县第一中学', '高中', '高二', '在读'],
      ['', b?.ids[1] ?? '', '贞丰县第一中学', '高中', '高三', '毕业'],
      ['', c?.ids[1] ?? '', '贞丰县某中学', '初中', '初二', '在读'],
    ]);
    await run('STUDENT_MISMATCH');
    const f = await findings(
      'STUDENT_MISMATCH',
      [a, b, c].map((h) => h?.householdNo ?? ''),
    );
    expect(keys(f)).toEqual([`${a?.householdNo}|${a?.ids[1]}`]);
    expect(f[0]?.evidence_text).toContain('贞丰县第一中学');
  });
});

describe('DISABILITY_MISMATCH', () => {
  it('fires for a certificate holder not recorded as 残疾', async () => {
    const [a, b] = await households({ members: [{ health: '长期慢性病' }] }, { members: [{ health: '残疾' }] });
    await dataset(
      'disability',
      ['姓名', '身份证号', '残疾类别', '残疾等级', '发证日期'],
      [
        ['', a?.ids[0] ?? '', '肢体', '三级', '2022-04-01'],
        ['', b?.ids[0] ?? '', '视力', '二级', '2020-04-01'],
      ],
    );
    await run('DISABILITY_MISMATCH');
    const f = await findings('DISABILITY_MISMATCH', [a?.householdNo ?? '', b?.householdNo ?? '']);
    expect(keys(f)).toEqual([`${a?.householdNo}|${a?.ids[0]}`]);
    expect(f[0]?.evidence_text).toContain('肢体');
  });
});

describe('DUPLICATE_PERSON', () => {
  it('fires once per household that the same ID appears in', async () => {
    const shared = makeIdNumber('19881111', '女');
    const [a, b, c] = await households(
      { members: [{}, { id: shared, relation: '之儿媳' }] },
      { members: [{}, { id: shared, relation: '之女' }] },
      { members: [{}, {}] },
    );
    await run('DUPLICATE_PERSON');
    const f = await findings(
      'DUPLICATE_PERSON',
      [a, b, c].map((h) => h?.householdNo ?? ''),
    );
    expect(keys(f)).toEqual([`${a?.householdNo}|${shared}`, `${b?.householdNo}|${shared}`].sort());
    expect(f.find((x) => x.household_no === a?.householdNo)?.evidence_text).toContain(b?.householdNo ?? '?');
  });
});

describe('SHARED_ACCOUNT', () => {
  it('fires for each (household, person) paid into an account shared across households, not within one household', async () => {
    const [a, b, c] = await households({ members: [{}, {}] }, { members: [{}] }, { members: [{}, {}] });
    const H = ['姓名', '身份证号', '一折通账号', '补贴项目', '金额', '发放日期'];
    await dataset('subsidy_payments', H, [
      ['', a?.ids[0] ?? '', '6230000011112222', '耕地地力保护补贴', '300', '2026-05-01'],
      ['', b?.ids[0] ?? '', '6230000011112222', '耕地地力保护补贴', '300', '2026-05-01'],
      ['', c?.ids[0] ?? '', '6230000099998888', '耕地地力保护补贴', '300', '2026-05-01'],
      ['', c?.ids[1] ?? '', '6230000099998888', '生态护林员补助', '800', '2026-05-01'],
    ]);
    await run('SHARED_ACCOUNT');
    const f = await findings(
      'SHARED_ACCOUNT',
      [a, b, c].map((h) => h?.householdNo ?? ''),
    );
    expect(keys(f)).toEqual([`${a?.householdNo}|${a?.ids[0]}`, `${b?.householdNo}|${b?.ids[0]}`].sort());
    expect(f.map((x) => x.evidence_text).join()).not.toContain('6230000011112222');
  });
});

describe('findings across runs', () => {
  it('never duplicates, keeps a dismissal while the evidence is unchanged, reopens when it changes, and marks findings gone', async () => {
    const [a] = await households({ members: [{}] });
    const V = ['所有人', '身份证号', '号牌号码', '车辆类型', '初次登记日期', '状态'];
    await dataset('vehicles', V, [[a?.names[0] ?? '', a?.ids[0] ?? '', '贵E77777', '小型轿车', '2021-05-06', '正常']]);
    await run('VEHICLE');
    await run('VEHICLE');
    let f = await findings('VEHICLE', [a?.householdNo ?? '']);
    expect(f).toHaveLength(1);

    await sql`update findings set status = 'dismissed', status_reason = '车辆已过户，待交管更新' where county_code = ${COUNTY} and household_no = ${a?.householdNo ?? ''}`.execute(
      t.db,
    );
    await run('VEHICLE');
    f = await findings('VEHICLE', [a?.householdNo ?? '']);
    expect(f.map((x) => x.status)).toEqual(['dismissed']);

    await dataset('vehicles', V, [[a?.names[0] ?? '', a?.ids[0] ?? '', '贵E88888', '小型普通客车', '2026-02-06', '正常']]);
    await run('VEHICLE');
    f = await findings('VEHICLE', [a?.householdNo ?? '']);
    expect(f.map((x) => x.status)).toEqual(['open']);

    await dataset('vehicles', V, [[a?.names[0] ?? '', a?.ids[0] ?? '', '贵E88888', '小型普通客车', '2026-02-06', '注销']]);
    await run('VEHICLE');
    expect(await findings('VEHICLE', [a?.householdNo ?? ''])).toEqual([]);
    const gone = await sql<{
      n: number;
    }>`select count(*)::int as n from findings where county_code = ${COUNTY} and household_no = ${a?.householdNo ?? ''} and not present`.execute(t.db);
    expect(Number(gone.rows[0]?.n)).toBe(1);
  });
});
