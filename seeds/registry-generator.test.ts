// Tests for the synthetic registry: the shape of docs/data-formats.md §1, code lists, ID validity, family consistency,
// determinism and the streamed CSV. Code lists and the ID checksum are re-stated here from the
// contract on purpose, so the tests don't just echo the generator's own constants.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  csvField,
  DEFAULT_AS_OF,
  generateHouseholds,
  generateRegistryRows,
  type GenerateOptions,
  REGISTRY_HEADERS,
  type RegistryRow,
  type VillageInput,
  writeRegistryCsv,
} from './registry-generator.ts';

const SAMPLE = path.resolve(import.meta.dirname, 'samples/registry.csv');
// header row of the sample (seeds/samples) (samples/registry.csv), in its order
const SAMPLE_HEADERS = [
  '户编号',
  '区划代码',
  '户主姓名',
  '姓名',
  '证件号码',
  '与户主关系',
  '性别',
  '民族',
  '文化程度',
  '在校生状况',
  '健康状况',
  '劳动技能',
  '务工状况',
  '务工时间（月）',
  '是否参加基本医疗保险',
  '是否参加基本养老保险',
  '户类型',
  '户状态',
  '监测对象类别',
  '主要致贫原因',
  '脱贫年度',
  '年人均纯收入（元）',
  '联系电话',
  '经度',
  '纬度',
  '是否死亡',
];

// code lists of docs/data-formats.md §1
const CODE_LISTS: Partial<Record<keyof RegistryRow, readonly string[]>> = {
  与户主关系: ['户主', '配偶', '之子', '之女', '之儿媳', '之女婿', '之孙子', '之孙女', '之父', '之母', '之兄弟姐妹', '其他'],
  性别: ['男', '女'],
  民族: ['汉族', '布依族', '苗族', '彝族', '回族', '仡佬族'],
  文化程度: ['文盲或半文盲', '小学', '初中', '高中', '中专', '大专及以上', '学龄前儿童'],
  在校生状况: ['非在校生', '学前教育', '小学', '初中', '高中', '中职', '高职', '大专', '本科及以上'],
  健康状况: ['健康', '长期慢性病', '患有大病', '残疾'],
  劳动技能: ['普通劳动力', '技能劳动力', '弱劳动力或半劳动力', '丧失劳动力', '无劳动力'],
  务工状况: ['未务工', '乡镇内务工', '乡镇外县内务工', '县外省内务工', '省外务工'],
  是否参加基本医疗保险: ['是', '否'],
  是否参加基本养老保险: ['是', '否'],
  户类型: ['一般户', '低保户', '特困供养户'],
  户状态: ['脱贫户', '监测户', '未脱贫户'],
  监测对象类别: ['', '脱贫不稳定户', '边缘易致贫户', '突发严重困难户'],
  主要致贫原因: [
    '因病',
    '因残',
    '因学',
    '因灾',
    '缺土地',
    '缺水',
    '缺技术',
    '缺劳力',
    '缺资金',
    '交通条件落后',
    '自身发展动力不足',
    '因意外事故',
    '因产业失败',
    '因务工就业不稳',
  ],
  是否死亡: ['是', '否'],
};

const HOUSEHOLD_FIELDS = [
  '户编号',
  '区划代码',
  '村民小组',
  '户主姓名',
  '户类型',
  '户状态',
  '监测对象类别',
  '主要致贫原因',
  '脱贫年度',
  '年人均纯收入（元）',
  '经度',
  '纬度',
] as const;

// a few real 晴隆县 village codes with made-up centres
const VILLAGES: VillageInput[] = [
  { code: '522324101201', name: 'A', lon: 105.2, lat: 25.9 },
  { code: '522324103202', name: 'B', lon: 105.12, lat: 25.72 },
  { code: '522324106204', name: 'C', lon: 105.25, lat: 25.86 },
  { code: '522324108208', name: 'D', lon: 105.15, lat: 25.87 },
  { code: '522324200207', name: 'E', lon: 105.17, lat: 25.77 },
  { code: '522324205209', name: 'F', lon: 105.13, lat: 25.77 },
];

// ---- independent helpers ---------------------------------------------------------------------

function gb11643Check(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (weights[i] ?? 0);
  return '10X98765432'.charAt(sum % 11);
}

/** Birth date and age (whole years at asOf) read from an ID number. */
function personFromId(id: string, asOf: string): { age: number; validDate: boolean; male: boolean } {
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const dt = new Date(Date.UTC(y, m - 1, d));
  const validDate = dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
  const [ay, am, ad] = asOf.split('-').map(Number) as [number, number, number];
  const age = ay - y - (am < m || (am === m && ad < d) ? 1 : 0);
  return { age, validDate, male: Number(id[16]) % 2 === 1 };
}

/** Minimal RFC 4180 reader for the test: quotes, "" escapes, CRLF. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      // CR of CRLF: the LF ends the row
    } else if (c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** A slow sink with a tiny buffer, so the writer has to wait for 'drain'. */
class SlowSink extends Writable {
  readonly chunks: Buffer[] = [];
  drains = 0;
  constructor() {
    super({ highWaterMark: 4096 });
    this.on('drain', () => {
      this.drains++;
    });
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    this.chunks.push(chunk);
    setImmediate(done);
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

const opts = (households: number, seed: number, extra: Partial<GenerateOptions> = {}): GenerateOptions => ({
  households,
  seed,
  villages: VILLAGES,
  ...extra,
});

// ---- tests -----------------------------------------------------------------------------------

describe('registry headers', () => {
  it('are the sample header set plus 村民小组 right after 区划代码', () => {
    const expected = [...SAMPLE_HEADERS];
    expected.splice(2, 0, '村民小组');
    expect([...REGISTRY_HEADERS]).toEqual(expected);
  });

  it.skipIf(!existsSync(SAMPLE))('match the sample file (seeds/samples)', () => {
    const firstLine =
      readFileSync(SAMPLE, 'utf8')
        .replace(/^\uFEFF/, '')
        .split(/\r?\n/)[0] ?? '';
    expect(firstLine.split(',')).toEqual(SAMPLE_HEADERS);
  });

  it('every row has exactly these keys, all strings', () => {
    for (const row of generateRegistryRows(opts(50, 1))) {
      expect(Object.keys(row)).toEqual([...REGISTRY_HEADERS]);
      for (const v of Object.values(row)) expect(typeof v).toBe('string');
    }
  });
});

describe('determinism', () => {
  it('same seed gives identical rows, another seed different ones', () => {
    const a = [...generateRegistryRows(opts(500, 42))];
    const b = [...generateRegistryRows(opts(500, 42))];
    const c = [...generateRegistryRows(opts(500, 43))];
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    expect(c.map((r) => r.证件号码)).not.toEqual(a.map((r) => r.证件号码));
  });

  it('same seed gives byte-identical CSV', async () => {
    const s1 = new SlowSink();
    const s2 = new SlowSink();
    await writeRegistryCsv(opts(300, 9), s1);
    await writeRegistryCsv(opts(300, 9), s2);
    expect(Buffer.concat(s2.chunks).equals(Buffer.concat(s1.chunks))).toBe(true);
  });
});

describe('20,000 households', () => {
  // Checks collect violations and assert once: an expect() per row would take minutes here.
  const HOUSEHOLDS = 20_000;
  const START = 101;
  let households: RegistryRow[][] = [];
  let rows: RegistryRow[] = [];

  beforeAll(() => {
    households = [...generateHouseholds(opts(HOUSEHOLDS, 2024, { startHouseholdNo: START }))];
    rows = households.flat();
  }, 60_000);

  const headOf = (members: RegistryRow[]): RegistryRow => {
    const head = members[0];
    if (!head) throw new Error('empty household');
    return head;
  };
  const ageOf = (row: RegistryRow): number => personFromId(row.证件号码, DEFAULT_AS_OF).age;

  it('numbers households with county code + 7-digit sequence, consecutive from the start', () => {
    expect(households).toHaveLength(HOUSEHOLDS);
    const bad = households.flatMap((members, i) => {
      const no = `522324${String(START + i).padStart(7, '0')}`;
      return members.filter((m) => m.户编号 !== no).map((m) => `${m.户编号} ≠ ${no}`);
    });
    expect(bad).toEqual([]);
  });

  it('has 1–8 members, exactly one 户主, listed first, whose name is 户主姓名', () => {
    const bad = households.filter(
      (members) =>
        members.length < 1 ||
        members.length > 8 ||
        members.filter((m) => m.与户主关系 === '户主').length !== 1 ||
        members[0]?.与户主关系 !== '户主' ||
        members[0]?.户主姓名 !== members[0]?.姓名,
    );
    expect(bad.map((m) => m[0]?.户编号)).toEqual([]);
    const sizes = new Map<number, number>();
    for (const m of households) sizes.set(m.length, (sizes.get(m.length) ?? 0) + 1);
    const mode = [...sizes.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
    expect([3, 4]).toContain(mode);
  });

  it('repeats household-level fields on every member row', () => {
    const bad: string[] = [];
    for (const members of households) {
      const head = headOf(members);
      for (const m of members) {
        for (const f of HOUSEHOLD_FIELDS) if (m[f] !== head[f]) bad.push(`${m.户编号} ${f}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('uses only code-list values', () => {
    const bad: string[] = [];
    const lists = Object.entries(CODE_LISTS) as [keyof RegistryRow, readonly string[]][];
    for (const row of rows) {
      for (const [col, list] of lists) if (!list.includes(row[col])) bad.push(`${col}=${row[col]}`);
    }
    expect(bad.slice(0, 10)).toEqual([]);
  });

  it('gives valid, unique GB 11643 ID numbers in the county whose sex digit matches 性别', () => {
    const seen = new Set<string>();
    const bad: string[] = [];
    for (const row of rows) {
      const id = row.证件号码;
      const p = personFromId(id, DEFAULT_AS_OF);
      if (!/^522324\d{11}[\dX]$/.test(id)) bad.push(`${id} shape`);
      else if (id[17] !== gb11643Check(id.slice(0, 17))) bad.push(`${id} checksum`);
      else if (!p.validDate) bad.push(`${id} date`);
      else if (p.age < 0 || p.age > 100) bad.push(`${id} age ${p.age}`);
      else if ((p.male ? '男' : '女') !== row.性别) bad.push(`${id} sex ${row.性别}`);
      if (seen.has(id)) bad.push(`${id} duplicate`);
      seen.add(id);
    }
    expect(bad.slice(0, 10)).toEqual([]);
    expect(seen.size).toBe(rows.length);
  });

  it('keeps schooling, labour and work consistent with the age in the ID', () => {
    const bad: string[] = [];
    for (const row of rows) {
      const age = ageOf(row);
      const edu = row.文化程度;
      const school = row.在校生状况;
      const labor = row.劳动技能;
      const months = Number(row['务工时间（月）']);
      const problems = [
        age < 3 && (edu !== '学龄前儿童' || school !== '非在校生'),
        age >= 3 && age <= 5 && (edu !== '学龄前儿童' || !['学前教育', '非在校生'].includes(school)),
        age >= 6 && age <= 11 && (edu !== '小学' || school !== '小学'),
        age >= 12 && age <= 14 && (edu !== '初中' || school !== '初中'),
        age >= 6 && edu === '学龄前儿童',
        age >= 23 && school !== '非在校生',
        school !== '非在校生' && labor !== '无劳动力',
        age < 16 && (labor !== '无劳动力' || row.是否参加基本养老保险 !== '否'),
        age < 18 && labor === '技能劳动力',
        !(Number.isInteger(months) && months >= 0 && months <= 12),
        row.务工状况 === '未务工' ? months !== 0 : months === 0 || labor === '无劳动力' || labor === '丧失劳动力',
        row.是否死亡 === '是' && (row.与户主关系 === '户主' || row.务工状况 !== '未务工'),
      ];
      const i = problems.indexOf(true);
      if (i >= 0) bad.push(`check ${i}: ${row.证件号码} age ${age}: ${edu}/${school}/${labor}/${row.务工状况}/${months}`);
    }
    expect(bad.slice(0, 10)).toEqual([]);
  });

  it('makes relations agree with sex and age', () => {
    const male = new Set(['之子', '之孙子', '之父', '之女婿']);
    const female = new Set(['之女', '之孙女', '之母', '之儿媳']);
    const bad: string[] = [];
    for (const members of households) {
      const head = headOf(members);
      const headAge = ageOf(head);
      if (headAge < 18) bad.push(`${head.户编号} 户主 aged ${headAge}`);
      for (const m of members) {
        const rel = m.与户主关系;
        const age = ageOf(m);
        const gap = headAge - age;
        const wrong =
          (male.has(rel) && m.性别 !== '男') ||
          (female.has(rel) && m.性别 !== '女') ||
          (rel === '配偶' && (m.性别 === head.性别 || Math.abs(gap) > 15 || age < 18)) ||
          ((rel === '之子' || rel === '之女') && (gap < 18 || gap > 40)) ||
          ((rel === '之孙子' || rel === '之孙女') && gap < 36) ||
          ((rel === '之父' || rel === '之母') && -gap < 18) ||
          ((rel === '之儿媳' || rel === '之女婿') && age < 18);
        if (wrong) bad.push(`${m.户编号} ${rel} ${m.性别} ${age} (户主 ${head.性别} ${headAge})`);
      }
    }
    expect(bad.slice(0, 10)).toEqual([]);
  });

  it('gives realistic names; sons and grandsons mostly carry the head’s surname, spouses not', () => {
    let sons = 0;
    let sameSons = 0;
    let spouses = 0;
    let sameSpouses = 0;
    const badNames: string[] = [];
    for (const members of households) {
      const surname = headOf(members).姓名.charAt(0);
      for (const m of members) {
        if (!/^[\u4e00-\u9fff]{2,4}$/.test(m.姓名)) badNames.push(m.姓名);
        if (m.与户主关系 === '之子' || m.与户主关系 === '之孙子') {
          sons++;
          if (m.姓名.charAt(0) === surname) sameSons++;
        }
        if (m.与户主关系 === '配偶') {
          spouses++;
          if (m.姓名.charAt(0) === surname) sameSpouses++;
        }
      }
    }
    expect(badNames).toEqual([]);
    expect(sameSons / sons).toBeGreaterThan(0.85);
    expect(sameSpouses / spouses).toBeLessThan(0.2);
  });

  it('fills household classification, phone and location by the rules of docs/data-formats.md §1', () => {
    const bad: string[] = [];
    for (const members of households) {
      const h = headOf(members);
      const income = h['年人均纯收入（元）'];
      const village = VILLAGES.find((v) => v.code === h.区划代码);
      const problems = [
        (h.户状态 === '监测户') !== (h.监测对象类别 !== ''),
        h.户状态 === '脱贫户' ? !/^20(1[4-9]|20)$/.test(h.脱贫年度) : h.脱贫年度 !== '',
        !/^\d+$/.test(income) || Number(income) < 5000 || Number(income) > 25000,
        !/^1[3-9]\d{9}$/.test(h.联系电话),
        !village,
        !/^\d{1,2}组$/.test(h.村民小组),
        !/^\d{3}\.\d{6}$/.test(h.经度) || !/^\d{2}\.\d{6}$/.test(h.纬度),
        Math.abs(Number(h.经度) - (village?.lon ?? 0)) > 0.03 || Math.abs(Number(h.纬度) - (village?.lat ?? 0)) > 0.03,
        members.some((m) => !/^(1[3-9]\d{9})?$/.test(m.联系电话)),
      ];
      const i = problems.indexOf(true);
      if (i >= 0) bad.push(`check ${i}: ${Object.values(h).join(',')}`);
    }
    expect(bad.slice(0, 10)).toEqual([]);
  });

  it('has a plausible overall mix', () => {
    const share = (pick: (r: RegistryRow) => boolean, list: RegistryRow[]): number => list.filter(pick).length / list.length;
    const heads = households.map(headOf);
    const within = (v: number, lo: number, hi: number): boolean => v > lo && v < hi;
    expect(
      within(
        share((r) => r.户类型 === '低保户', heads),
        0.1,
        0.2,
      ),
    ).toBe(true);
    expect(
      within(
        share((r) => r.户类型 === '特困供养户', heads),
        0.02,
        0.09,
      ),
    ).toBe(true);
    expect(
      within(
        share((r) => r.户状态 === '脱贫户', heads),
        0.8,
        0.92,
      ),
    ).toBe(true);
    expect(
      within(
        share((r) => r.户状态 === '监测户', heads),
        0.06,
        0.15,
      ),
    ).toBe(true);
    expect(
      within(
        share((r) => r.民族 === '汉族', rows),
        0.35,
        0.55,
      ),
    ).toBe(true);
    expect(
      within(
        share((r) => r.民族 === '布依族', rows),
        0.2,
        0.4,
      ),
    ).toBe(true);
    expect(
      within(
        share((r) => r.民族 === '苗族', rows),
        0.12,
        0.28,
      ),
    ).toBe(true);
    expect(share((r) => r.健康状况 === '健康', rows)).toBeGreaterThan(0.7);
    expect(share((r) => r.是否死亡 === '否', rows)).toBeGreaterThan(0.99);
    expect(share((r) => ageOf(r) >= 60, rows)).toBeGreaterThan(0.15);
    // 特困供养 households of one person are mostly elderly
    const tekunSingles = households.filter((m) => m.length === 1 && m[0]?.户类型 === '特困供养户');
    expect(tekunSingles.filter((m) => ageOf(headOf(m)) >= 60).length / tekunSingles.length).toBeGreaterThan(0.6);
  });
});

describe('writeRegistryCsv', () => {
  it('writes UTF-8 with BOM, CRLF rows that parse back to the generated rows, waiting for drain', async () => {
    const sink = new SlowSink();
    const o = opts(2000, 5);
    const counts = await writeRegistryCsv(o, sink);
    const bytes = Buffer.concat(sink.chunks);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8').slice(1);
    expect(text.endsWith('\r\n')).toBe(true);
    const [header, ...body] = parseCsv(text);
    expect(header).toEqual([...REGISTRY_HEADERS]);
    const expected = [...generateRegistryRows(o)].map((r) => REGISTRY_HEADERS.map((h) => r[h]));
    expect(body).toEqual(expected);
    expect(counts).toEqual({ households: 2000, members: expected.length });
    expect(sink.drains).toBeGreaterThan(0);
  });

  it('quotes a field only when it must', () => {
    expect(csvField('晴隆县')).toBe('晴隆县');
    expect(csvField('')).toBe('');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(parseCsv(`${['a,b', 'say "hi"', 'x'].map(csvField).join(',')}\r\n`)).toEqual([['a,b', 'say "hi"', 'x']]);
  });

  it('rejects (without an unhandled error event) when the stream fails', async () => {
    const broken = new Writable({
      highWaterMark: 16,
      write(_chunk, _enc, done) {
        done(new Error('disk full'));
      },
    });
    await expect(writeRegistryCsv(opts(200, 1), broken)).rejects.toThrow('disk full');
  });
});

describe('options', () => {
  it('refuses villages of another county and household numbers past 7 digits', () => {
    expect(() => [...generateRegistryRows(opts(1, 1, { countyCode: '522323' }))]).toThrow(/not in county/);
    expect(() => [...generateRegistryRows(opts(2, 1, { startHouseholdNo: 9_999_999 }))]).toThrow(/7 digits/);
    expect(() => [...generateRegistryRows({ households: 1, villages: [] })]).toThrow(/no villages/);
  });
});
