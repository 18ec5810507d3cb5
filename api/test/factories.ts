// Factories for valid test records with overrides (no giant fixtures).
import { checkChar } from '../shared/id-number.ts';
import { insertRegistryRows, type RegistryRow } from '../modules/households/registry.ts';
import { getTestDb } from './db.ts';

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
  return `52232499${String((process.pid % 1000) * 1000 + householdSeq).padStart(6, '0').slice(-6)}${String(Date.now() % 10)}`;
}

export function registryRows(opts: { village: string; householdNo?: string; head?: string; members?: number; memberNames?: string[] }): RegistryRow[] {
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
    户状态: '脱贫户',
    联系电话: i === 0 ? '15585268493' : '',
    经度: '105.2',
    纬度: '25.8',
    是否死亡: '否',
  }));
}

/** Inserts one household and returns its id and number. */
export async function createHousehold(opts: { village: string; head?: string; members?: number; memberNames?: string[]; householdNo?: string }) {
  const { db } = await getTestDb();
  const rows = registryRows(opts);
  await insertRegistryRows(db, rows);
  const h = await db.selectFrom('households').select(['id', 'household_no']).where('household_no', '=', rows[0]?.['户编号'] as string).executeTakeFirstOrThrow();
  return { id: h.id, householdNo: h.household_no, rows };
}
