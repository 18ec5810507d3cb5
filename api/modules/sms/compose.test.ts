// The summary text (both backends): UCS-2 segment counting (70 / 67, the signature counts, never
// more than two parts), the figures read from the ledger through funds.villageFunds, and no
// personal data of the village's people in the text.
import fc from 'fast-check';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/schema.ts';
import { getTestDb } from '../../test/db.ts';
import { createHousehold } from '../../test/factories.ts';
import { postEntry } from '../funds/funds.ts';
import { createProject, ctxAs, SOURCE_A, SOURCE_B } from '../funds/test-projects.ts';
import { amountText, composeSummary, MAX_PARTS, monthPeriod, partsOf, segmentsOf, type SummaryFigures, summaryFigures, villageSummary } from './compose.ts';

const figures = (o: Partial<SummaryFigures> = {}): SummaryFigures => ({
  villageName: '三合社区',
  month: '2026-05',
  projects: 3,
  allocatedFen: 12_500_000,
  disbursedFen: 10_000_000,
  reimbursedFen: 8_200_000,
  households: 18,
  topProjects: [],
  ...o,
});

describe('segments (UCS-2)', () => {
  it('counts 70 characters as one segment and 67 per part above', () => {
    expect(segmentsOf('字'.repeat(70))).toBe(1);
    expect(segmentsOf('字'.repeat(71))).toBe(2);
    expect(segmentsOf('字'.repeat(134))).toBe(2);
    expect(segmentsOf('字'.repeat(135))).toBe(3);
    expect(partsOf('字'.repeat(70))).toEqual(['字'.repeat(70)]);
    expect(partsOf('字'.repeat(100)).map((p) => p.length)).toEqual([67, 33]);
    // A surrogate pair is never cut in two.
    const astral = `${'字'.repeat(66)}𠀀${'字'.repeat(10)}`;
    expect(partsOf(astral)[0]).toBe('字'.repeat(66));
  });

  it('writes amounts short: 万元 from ten thousand yuan up', () => {
    expect(amountText(12_500_000)).toBe('12.5万元');
    expect(amountText(10_000_000)).toBe('10万元');
    expect(amountText(860_000)).toBe('8600元');
    expect(amountText(8_650)).toBe('86.5元');
    expect(amountText(0)).toBe('0元');
  });
});

describe('composeSummary', () => {
  it('fits one segment with the signature and the hints when the figures allow', () => {
    const s = composeSummary(figures(), { signature: '滴灌', hints: 'summary' });
    expect(s.text).toBe('【滴灌】三合社区2026年1-5月扶贫项目3个，下达12.5万元，拨付10万元，报账8.2万元，受益18户。回复CX查询，回复退订停收');
    expect(s.text.length).toBeLessThanOrEqual(70);
    expect(s.segments).toBe(1);
  });

  it('drops detail to fit one segment rather than sending two', () => {
    const long = composeSummary(figures({ topProjects: [{ name: '茶叶种植基地', allocatedFen: 5_000_000 }] }), { signature: '滴灌', hints: 'summary' });
    expect(long.segments).toBe(1);
    expect(long.text).not.toContain('茶叶种植基地');
  });

  it('counts the signature: a longer signature takes room from the text', () => {
    const short = composeSummary(figures(), { signature: '滴灌', hints: 'summary' });
    const longSig = composeSummary(figures(), { signature: '晴隆县扶贫开发办公室', hints: 'summary' });
    expect(longSig.text.startsWith('【晴隆县扶贫开发办公室】')).toBe(true);
    expect(longSig.text.length).toBeLessThanOrEqual(70);
    expect(longSig.text.length - '【晴隆县扶贫开发办公室】'.length).toBeLessThan(short.text.length - '【滴灌】'.length);
  });

  it('never takes more than two parts, whatever the names and figures', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 200 }),
        fc.integer({ min: 0, max: 2_000_000_000_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.array(fc.record({ name: fc.string({ minLength: 1, maxLength: 60 }), allocatedFen: fc.integer({ min: 0, max: 1e12 }) }), { maxLength: 5 }),
        fc.string({ minLength: 1, maxLength: 12 }),
        (villageName, fen, households, topProjects, signature) => {
          const s = composeSummary(
            figures({ villageName, allocatedFen: fen, disbursedFen: fen, reimbursedFen: fen, households, projects: households, topProjects }),
            { signature, hints: 'summary' },
          );
          expect(s.segments).toBeLessThanOrEqual(MAX_PARTS);
          expect(segmentsOf(s.text)).toBe(s.segments);
          expect(s.text.startsWith(`【${signature}】`)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses a malformed month', () => {
    expect(() => monthPeriod('2026-13')).toThrow();
    expect(monthPeriod('2024-02')).toEqual({ from: '2024-01-01', to: '2024-02-29' });
  });
});

describe('the summary from the ledger', () => {
  let db: Db;
  let village: { code: string; name: string };
  const people: string[] = [];

  beforeAll(async () => {
    db = (await getTestDb()).db;
    // A village no other test gives projects: 安龙县 (522328), the first without any.
    const v = await sql<{ code: string; name: string }>`
      select code, name from areas a where level = 'village' and county_code = '522328'
        and not exists (select 1 from project_villages pv where pv.village_code = a.code)
        and not exists (select 1 from households h where h.village_code = a.code)
      order by code desc limit 1`.execute(db);
    village = v.rows[0] as { code: string; name: string };
    const h1 = await createHousehold({ village: village.code, head: '罗大顺' });
    const h2 = await createHousehold({ village: village.code, head: '韦小红' });
    for (const h of [h1, h2]) for (const r of h.rows) people.push(r['证件号码'] as string, r['姓名'] as string, ...(r['联系电话'] ? [r['联系电话']] : []));
    people.push(h1.householdNo, h2.householdNo);
    await db.updateTable('households').set({ phone: '13987654321', bank_account: '6228480099887766554' }).where('id', '=', h1.id).execute();
    people.push('13987654321', '6228480099887766554', '罗*顺', '韦*红');
    const county = ctxAs(db, 'county_official', '522328');
    const township = ctxAs(db, 'township_officer', village.code.slice(0, 9));
    const p = await createProject(db, {
      villages: [village.code],
      name: '精品水果种植',
      type: '种植业',
      state: '实施',
      beneficiaries: [
        { householdId: h1.id, mechanism: '务工' },
        { householdId: h2.id, mechanism: '产业奖补' },
      ],
    });
    await postEntry(county, { projectId: p.id, kind: '下达', source: SOURCE_A, amountYuan: '80000', bookedOn: '2026-02-01' });
    await postEntry(county, { projectId: p.id, kind: '下达', source: SOURCE_B, amountYuan: '20000', bookedOn: '2026-02-03' });
    await postEntry(county, { projectId: p.id, kind: '拨付', source: SOURCE_A, amountYuan: '60000', bookedOn: '2026-03-01' });
    await postEntry(township, { projectId: p.id, kind: '报账', source: SOURCE_A, amountYuan: '45000', bookedOn: '2026-05-20', voucherNo: 'BZ-1' });
    // After May: not in May's summary.
    await postEntry(township, { projectId: p.id, kind: '报账', source: SOURCE_A, amountYuan: '5000', bookedOn: '2026-06-02', voucherNo: 'BZ-2' });
  });

  it('sums the year to the month’s end: projects, allocated, disbursed, reimbursed, households', async () => {
    const f = await summaryFigures(db, village.code, '2026-05');
    expect(f).toMatchObject({
      villageName: village.name,
      projects: 1,
      allocatedFen: 10_000_000,
      disbursedFen: 6_000_000,
      reimbursedFen: 4_500_000,
      households: 2,
    });
    const june = await summaryFigures(db, village.code, '2026-06');
    expect(june.reimbursedFen).toBe(5_000_000);
    const march = await summaryFigures(db, village.code, '2026-03');
    expect(march.reimbursedFen).toBe(0);
    const s = await villageSummary(db, village.code, '2026-05', '滴灌');
    expect(s.text).toContain('下达10万元');
    expect(s.text).toContain('拨付6万元');
    expect(s.text).toContain('报账4.5万元');
    expect(s.text).toContain('受益2户');
    expect(s.segments).toBeLessThanOrEqual(2);
  });

  it('carries no personal data: no name, number, phone, account or 户编号 of the village’s people', async () => {
    const s = await villageSummary(db, village.code, '2026-05', '滴灌');
    expect(people.length).toBeGreaterThan(8);
    for (const p of people) expect(s.text, p).not.toContain(p);
    // Nothing that looks like a phone, an ID number or an account.
    expect(s.text).not.toMatch(/1[3-9]\d{9}|\d{15,}/);
  });
});
