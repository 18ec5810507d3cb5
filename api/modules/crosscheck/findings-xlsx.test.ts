// The findings queue's Excel export and the person a 疑似漏评 finding names: built in 贞丰县 (no
// demo data there) from small department files through the real importer. The names on the
// department roll reach the queue and the workbook; a finding dismissed once stays dismissed when
// only the spelling of the name on the roll changes; the export is masked, capped and audited.
import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemCtx } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { getTestDb, type TestDb, unique } from '../../test/db.ts';
import { makeIdNumber, roleCtx } from '../../test/factories.ts';
import { loginAs } from '../../test/http.ts';
import { TMP } from '../../test/template.ts';
import { maskerFor } from '../auth/personal-data.ts';
import { importDataset } from '../datasets/import.ts';
import { exportFindingsXlsx } from './findings-xlsx.ts';
import * as q from './queries.ts';
import { reviewFinding } from './review.ts';
import { runCrosscheck } from './run.ts';

const COUNTY = '522325';
let t: TestDb;
let village: string;
const dir = path.join(TMP, `findings-xlsx-${process.pid}`);
const CIVIL = ['姓名', '身份证号', '区划代码', '救助类型', '保障人数', '月保障金额', '起始年月', '状态', '停保日期'];

async function civilRoll(rows: string[][]) {
  const file = path.join(dir, `${unique('civil')}.csv`);
  fs.writeFileSync(file, `${[CIVIL, ...rows].map((r) => r.join(',')).join('\n')}\n`);
  const r = await importDataset(systemCtx(t.db), t.handle.bulk, { countyCode: COUNTY, source: 'civil_assistance', filePath: file });
  expect({ ok: r.ok, errors: r.errors }).toEqual({ ok: true, errors: [] });
  await runCrosscheck(systemCtx(t.db), { countyCode: COUNTY, asOf: '2026-11-01', rules: ['MISSED_ASSISTANCE'] });
}

async function workbook(stream: NodeJS.ReadableStream) {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Uint8Array));
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.concat(chunks) as unknown as ArrayBuffer);
  return wb;
}
const rowsOf = (ws: ExcelJS.Worksheet | undefined) => {
  const out: string[][] = [];
  ws?.eachRow((row) => out.push((row.values as ExcelJS.CellValue[]).slice(1).map((v) => (typeof v === 'string' || typeof v === 'number' ? String(v) : ''))));
  return out;
};

beforeAll(async () => {
  t = await getTestDb();
  fs.mkdirSync(dir, { recursive: true });
  const v = await sql<{ code: string }>`select code from areas where level = 'village' and code like ${`${COUNTY}%`} order by code desc limit 1`.execute(t.db);
  village = v.rows[0]?.code as string;
  expect(village).toMatch(/^522325\d{6}$/);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('findings: the person named, and the Excel export', () => {
  it('a 疑似漏评 finding names the person on the roll; a dismissal survives a respelt name but not new evidence', async () => {
    const id = makeIdNumber('19580808', '女');
    const name = `韦${unique('').slice(-3)}`;
    await civilRoll([[name, id, village, '农村低保', '2', '600', '2024-03', '在保', '']]);
    const county = roleCtx(t.db, village, 'county_official');
    const [row] = (
      await q.listFindings(t.db, county.scope, { rule: ['MISSED_ASSISTANCE'], area: village, presentOnly: true, limit: 500, offset: 0 })
    ).rows.filter((r) => r.id_number === id);
    expect(row).toMatchObject({ household_no: '', household_id: null, person_name: name, status: 'open' });

    await reviewFinding(county, row?.id ?? '', { action: 'dismiss', reason: '已核实：户籍在外县，由外县纳入' });
    // The roll spells the name differently next month: the same evidence, still dismissed.
    await civilRoll([[`${name}华`, id, village, '农村低保', '2', '600', '2024-03', '在保', '']]);
    let again = await q.findFinding(t.db, county.scope, row?.id ?? '');
    expect(again).toMatchObject({ status: 'dismissed', person_name: `${name}华` });
    // More people covered: the evidence changed, so the finding opens again for another look.
    await civilRoll([[name, id, village, '农村低保', '3', '900', '2024-03', '在保', '']]);
    again = await q.findFinding(t.db, county.scope, row?.id ?? '');
    expect(again).toMatchObject({ status: 'open', status_reason: '证据已变化，重新打开' });
  });

  it('exports the filtered queue with Chinese rule names, the person, masked ID numbers, and an audit record; refuses above the cap', async () => {
    const ids = [makeIdNumber('19610101', '男'), makeIdNumber('19620202', '女')];
    const names = [`岑${unique('').slice(-3)}`, `班${unique('').slice(-3)}`];
    await civilRoll(ids.map((id, i) => [names[i] ?? '', id, village, '特困供养', '1', '800', '2022-01', '在保', '']));
    const ctx = roleCtx(t.db, village, 'county_official');
    const filter = { rule: ['MISSED_ASSISTANCE'], area: village, presentOnly: true };
    const file = await exportFindingsXlsx(ctx, COUNTY, filter, { mask: maskerFor({ role: 'county_official' }), lang: 'zh-CN', unmasked: false });
    const listed = await q.listFindings(t.db, ctx.scope, { ...filter, limit: 500, offset: 0 });
    expect(file.total).toBe(listed.total);
    expect(file.filename).toMatch(/^findings-522325-\d{4}-\d{2}-\d{2}\.xlsx$/);
    const wb = await workbook(file.stream);
    const [header, ...rows] = rowsOf(wb.getWorksheet('比对疑点'));
    expect(header?.slice(0, 4)).toEqual(['比对规则', '规则代码', '性质', '状态']);
    expect(rows).toHaveLength(listed.total);
    const col = (h: string) => header?.indexOf(h) ?? -1;
    for (const [i, id] of ids.entries()) {
      const r = rows.find((x) => x[col('人员')] === names[i]);
      expect(r?.[col('比对规则')]).toBe('民政在保但未纳入（疑似漏评）');
      expect(r?.[col('性质')]).toBe('需核实');
      expect(r?.[col('状态')]).toBe('待核实');
      expect(r?.[col('身份证号')]).toBe(`5223**********${id.slice(-4)}`);
    }
    expect(JSON.stringify(rows)).not.toContain(ids[0]);
    const info = Object.fromEntries(rowsOf(wb.getWorksheet('导出说明')).map(([k, v]) => [k, v]));
    expect(info).toMatchObject({ 县: COUNTY, 行数: String(listed.total), 身份证号: '已遮蔽' });
    expect(info['筛选条件']).toContain('规则=MISSED_ASSISTANCE');

    const audit = await sql<{ note: unknown; actor_name: string }>`
      select diff->'_note' as note, actor_name from audit_log where action = 'findings.export' order by id desc limit 1`.execute(t.db);
    const note = audit.rows[0]?.note;
    expect(typeof note === 'string' ? JSON.parse(note) : note).toMatchObject({ format: 'xlsx', rows: listed.total, unmasked: false });

    const e = await exportFindingsXlsx(
      ctx,
      COUNTY,
      filter,
      { mask: maskerFor({ role: 'county_official' }), lang: 'zh-CN', unmasked: false },
      { maxRows: 1 },
    ).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AppError);
    expect(e).toMatchObject({ code: 'INVALID', key: 'findings.exportTooMany', params: { count: listed.total, max: 1 } });
  });

  it('over HTTP: a workbook for the county and the village; unmasked only for a role that needs ID numbers; nothing outside the area', async () => {
    const countyAgent = await loginAs('qinglong_county');
    const res = await countyAgent.get('/api/crosscheck/findings.xlsx?severity=exclude,review');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="findings-522324-/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    const [header, ...rows] = rowsOf(wb.getWorksheet('比对疑点'));
    expect(header).toContain('人员');
    expect(rows.every((r) => ['应清退', '需核实'].includes(r[2] ?? ''))).toBe(true);

    const supervisor = await loginAs('baojia_supervisor');
    expect((await supervisor.get('/api/crosscheck/findings.xlsx?reveal=true')).status).toBe(403);
    expect((await (await loginAs('admin')).get('/api/crosscheck/findings.xlsx?county=522324&reveal=true')).status).toBe(403);
    // A village account asking for another village's findings is refused.
    expect((await supervisor.get(`/api/crosscheck/findings.xlsx?area=${village}`)).status).toBe(403);
    const own = await supervisor.get('/api/crosscheck/findings.xlsx');
    expect(own.status).toBe(200);
    const ownWb = new ExcelJS.Workbook();
    await ownWb.xlsx.load(await own.arrayBuffer());
    const [h2, ...ownRows] = rowsOf(ownWb.getWorksheet('比对疑点'));
    expect(ownRows.every((r) => r[h2?.indexOf('区划代码') ?? -1]?.startsWith('522324101209'))).toBe(true);
  });
});
