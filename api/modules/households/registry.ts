// Registry rows (docs/data-formats.md §1, one row per person, Chinese headers) → households and members.
// Foundation slice used by the demo seed; the registry importer (household-card issue) adds
// file parsing, header aliases, dirt normalisation and the row-level error report on top.
import type { DbOrTrx } from '../../db/schema.ts';
import { parseIdNumber } from '../../shared/id-number.ts';
import { nameInitials } from '../../shared/pinyin.ts';
import * as q from './queries.ts';

export type RegistryRow = Record<string, string>;

const yes = (v: string | undefined) => (v === '是' ? true : v === '否' ? false : null);
const orNull = (v: string | undefined) => (v == null || v.trim() === '' ? null : v.trim());
const intOrNull = (v: string | undefined) => (v == null || v.trim() === '' ? null : Number.parseInt(v, 10));

/** Inserts rows in chunks (set-based); returns counts. Rows must already be valid. */
export async function insertRegistryRows(db: DbOrTrx, rows: Iterable<RegistryRow>, chunk = 1000) {
  const byHousehold = new Map<string, RegistryRow[]>();
  // Each person's ID number read once: for the duplicate lookup below and for the member row.
  const idOf = new Map<RegistryRow, ReturnType<typeof parseIdNumber>>();
  const idNumber = (m: RegistryRow) => {
    const parsed = idOf.get(m) as ReturnType<typeof parseIdNumber>;
    return parsed.ok ? parsed.value.id : (m['证件号码'] ?? '');
  };
  for (const r of rows) {
    idOf.set(r, parseIdNumber(r['证件号码'] ?? ''));
    const no = r['户编号'];
    if (!no) throw new Error('registry row without 户编号');
    const list = byHousehold.get(no);
    if (list) list.push(r);
    else byHousehold.set(no, [r]);
  }
  // registry_duplicate decided here, by the rule of its trigger (migration 0014): the person is
  // live in another household already — in the database or on an earlier row. Left to the
  // trigger, each row ran a lookup whose plan, made while the table was small, could scan the
  // whole county (a 100k-household seed never finished). The database is asked once, before
  // anything is written.
  const live = new Set<string>();
  const ids = [...idOf.keys()].map(idNumber);
  for (let j = 0; j < ids.length; j += 10_000) {
    for (const k of await q.liveMemberKeys(db, ids.slice(j, j + 10_000))) live.add(`${k.county_code}|${k.id_number}`);
  }
  let households = 0;
  let members = 0;
  const entries = [...byHousehold.entries()];
  for (let i = 0; i < entries.length; i += chunk) {
    const slice = entries.slice(i, i + chunk);
    const inserted = await q.insertHouseholds(
      db,
      slice.map(([no, ms]) => {
        const r = ms[0] as RegistryRow;
        const village = r['区划代码'] as string;
        const lon = orNull(r['经度']);
        const lat = orNull(r['纬度']);
        return {
          county_code: village.slice(0, 6),
          village_code: village,
          group_name: orNull(r['村民小组']),
          household_no: no,
          head_name: r['户主姓名'] ?? '',
          head_initials: nameInitials(r['户主姓名'] ?? ''),
          household_type: r['户类型'] || '一般户',
          status: r['户状态'] || '脱贫户',
          monitoring_category: orNull(r['监测对象类别']),
          main_cause: orNull(r['主要致贫原因']),
          exit_year: intOrNull(r['脱贫年度']),
          reported_income_per_capita: orNull(r['年人均纯收入（元）']),
          phone: orNull(ms.find((m) => m['与户主关系'] === '户主')?.['联系电话']),
          location: lon && lat ? q.pointSql(Number(lon), Number(lat)) : null,
        };
      }),
    );
    households += inserted.length;
    const idByNo = new Map(inserted.map((h) => [h.household_no, h.id]));
    const memberRows = slice.flatMap(([no, ms]) =>
      ms.map((m) => {
        const parsed = idOf.get(m) as ReturnType<typeof parseIdNumber>;
        const dead = m['是否死亡'] === '是' || m['是否死亡'] === '死亡';
        return {
          household_id: idByNo.get(no) as string,
          county_code: (m['区划代码'] as string).slice(0, 6),
          household_no: no,
          name: m['姓名'] ?? '',
          name_initials: nameInitials(m['姓名'] ?? ''),
          id_number: idNumber(m),
          sex: (parsed.ok ? parsed.value.sex : (orNull(m['性别']) as '男' | '女' | null)) ?? null,
          birth_date: parsed.ok ? parsed.value.birthDate : null,
          relation: m['与户主关系'] ?? '其他',
          ethnicity: orNull(m['民族']),
          education: orNull(m['文化程度']),
          schooling: orNull(m['在校生状况']),
          health: orNull(m['健康状况']),
          labor_skill: orNull(m['劳动技能']),
          work_status: orNull(m['务工状况']),
          work_months: intOrNull(m['务工时间（月）']),
          has_medical_insurance: yes(m['是否参加基本医疗保险']),
          has_pension_insurance: yes(m['是否参加基本养老保险']),
          phone: orNull(m['联系电话']),
          person_status: dead ? ('死亡' as const) : ('正常' as const),
        };
      }),
    );
    for (let j = 0; j < memberRows.length; j += chunk) {
      const rows = memberRows.slice(j, j + chunk).map((m) => {
        const key = `${m.county_code}|${m.id_number}`;
        const registry_duplicate = live.has(key);
        if (!registry_duplicate && m.person_status !== '死亡') live.add(key);
        return { ...m, registry_duplicate };
      });
      await q.insertMembers(db, rows);
    }
    members += memberRows.length;
  }
  return { households, members };
}
