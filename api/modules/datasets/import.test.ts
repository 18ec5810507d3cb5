// Department dataset import (docs/data-formats.md §2) on a real database: encodings and formats, the value
// normalisation docs/data-formats.md lists, unusable IDs counted but kept out of matching, and every class
// of bad file rejected with its reason — keeping nothing but the record of the failed attempt.
import { systemCtx } from '../../context.ts';
import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTestDb, type TestDb } from '../../test/db.ts';
import { makeIdNumber } from '../../test/factories.ts';
import { TMP } from '../../test/template.ts';
import { importDataset } from './import.ts';
import type { SourceCode } from './sources.ts';

const COUNTY = '522326';
const dir = path.join(TMP, `datasets-${process.pid}`);
let t: TestDb;
let n = 0;

function file(name: string, content: string | Buffer) {
  const p = path.join(dir, `${++n}-${name}`);
  fs.writeFileSync(p, content);
  return p;
}
const imp = (source: SourceCode, filePath: string) => importDataset(systemCtx(t.db), t.handle.bulk, { countyCode: COUNTY, source, filePath });

async function rowsOf(versionId: string, table: string) {
  const r = await sql<Record<string, unknown>>`select * from ${sql.table(table)} where dataset_version_id = ${versionId} order by row_no`.execute(t.db);
  return r.rows;
}
async function versionCount() {
  const r = await sql<{ n: number }>`select count(*)::int as n from dataset_versions where county_code = ${COUNTY} and status = 'succeeded'`.execute(t.db);
  return Number(r.rows[0]?.n);
}

beforeAll(async () => {
  t = await getTestDb();
  fs.mkdirSync(dir, { recursive: true });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('department dataset import', () => {
  it('reads GBK CSV with header aliases and normalises IDs, dates, amounts and names', async () => {
    const id = makeIdNumber('19700101', '男');
    const fifteen = makeIdNumber('19650303', '女');
    const id15 = fifteen.slice(0, 6) + fifteen.slice(8, 17);
    const ascii = makeIdNumber('19800808', '男');
    const fullWidth = [...ascii].map((c) => (/\d/.test(c) ? String.fromCharCode(c.charCodeAt(0) + 0xfee0) : c)).join('');
    const csv = [
      '姓名,公民身份号码,就诊机构,入院日期,出院日期,总费用,医保报销,自付金额',
      `张 三,${id},晴隆县人民医院,2026/3/1,2026年3月9日,"1,234.50",800,434.5元`,
      `李四,${id15},晴隆县人民医院,20260401,2026-04-10,2000,1500,500`,
      `王五,${fullWidth},晴隆县中医院,2026-05-01,46150,3000,2000,1000`,
      `赵六,5.22324E+17,晴隆县中医院,2026-05-01,2026-05-02,100,50,50`,
      `钱七,${id.slice(0, 10)},晴隆县中医院,2026-05-01,2026-05-02,100,50,50`,
    ].join('\r\n');
    const r = await imp('medical_claims', file('gbk.csv', iconv.encode(csv, 'gbk')));
    expect({ ok: r.ok, errors: r.errors, fileError: r.fileError }).toEqual({ ok: true, errors: [], fileError: undefined });
    expect(r.encoding).toBe('gb18030');
    expect(r).toMatchObject({ rowsRead: 5, rowsLoaded: 5, rowsUnusable: 2, unusableReasons: { scientific: 1, length: 1 } });
    const rows = await rowsOf(r.versionId as string, 'ds_medical_claims');
    expect(rows.map((x) => x.id_number)).toEqual([id, fifteen, ascii, null, null]);
    expect(rows.map((x) => x.id_problem)).toEqual([null, null, null, 'scientific', 'length']);
    expect(rows[0]).toMatchObject({ name: '张三', admitted_on: '2026-03-01', discharged_on: '2026-03-09', total_cost: 123450, self_paid: 43450 });
    expect(rows[1]).toMatchObject({ admitted_on: '2026-04-01' });
    expect(rows[2]).toMatchObject({ discharged_on: '2026-05-08' }); // Excel serial 46150
  });

  it('reads XLSX and UTF-8 with a BOM', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('车辆');
    ws.addRow(['所有人', '身份证号', '号牌号码', '车辆类型', '初次登记日期', '状态']);
    const id = makeIdNumber('19751212', '男');
    ws.addRow(['孙八', id, '贵E1A234', '小型轿车', new Date(Date.UTC(2021, 4, 6)), '正常']);
    const xlsx = file('v.xlsx', Buffer.from(await wb.xlsx.writeBuffer()));
    const r = await imp('vehicles', xlsx);
    expect({ ok: r.ok, errors: r.errors }).toEqual({ ok: true, errors: [] });
    expect(r.format).toBe('xlsx');
    expect(await rowsOf(r.versionId as string, 'ds_vehicles')).toMatchObject([
      { id_number: id, plate: '贵E1A234', vehicle_type: '小型轿车', registered_on: '2021-05-06' },
    ]);

    const bom = file(
      'bom.csv',
      `\ufeff姓名,身份证号,工作单位,人员类别,入职日期\n周九,${makeIdNumber('19880101', '女').toLowerCase()},某局,公务员,2019-08-01\n`,
    );
    const r2 = await imp('public_payroll', bom);
    expect({ ok: r2.ok, errors: r2.errors, encoding: r2.encoding }).toEqual({ ok: true, errors: [], encoding: 'utf-8-bom' });
  });

  it('rejects each class of bad file with its reason, keeping nothing but the failed attempt', async () => {
    const before = await versionCount();
    const missing = await imp('vehicles', file('missing.csv', '所有人,身份证号,车辆类型,状态\n甲,522324197001010011,小型轿车,正常\n'));
    expect(missing).toMatchObject({ ok: false, fileError: { key: 'import.missingColumns', columns: ['号牌号码'] } });

    const dup = await imp('public_payroll', file('dup.csv', '姓名,身份证号,身份证号码,工作单位,人员类别,入职日期\n甲,1,1,某局,公务员,2019-01-01\n'));
    expect(dup).toMatchObject({ ok: false, fileError: { key: 'import.duplicateColumns' } });

    const empty = await imp('public_payroll', file('empty.csv', ''));
    expect(empty.ok).toBe(false);
    expect(empty.fileError?.key).toMatch(/import\.(empty|unreadable)/);

    const garbage = await imp('public_payroll', file('garbage.xlsx', Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5, 6, 7, 8, 9])));
    expect(garbage.ok).toBe(false);
    expect(garbage.fileError?.key).toBe('import.unreadable');

    // Bad values: every row and column named, and not one row of the file kept.
    const good = makeIdNumber('19700101', '男');
    const bad = await imp(
      'vehicles',
      file(
        'values.csv',
        [
          '所有人,身份证号,号牌号码,车辆类型,初次登记日期,状态',
          `甲,${good},贵E00001,小型轿车,2020-01-01,正常`,
          `乙,${good},贵E00002,飞机,2020-01-01,正常`,
          `丙,${good},,小型轿车,2020-13-45,报废`,
        ].join('\n'),
      ),
    );
    expect(bad.ok).toBe(false);
    expect(bad.errorCount).toBe(4);
    expect(bad.errors.map((e) => `${e.rowNo}:${e.column}:${e.reason}`)).toEqual([
      '3:车辆类型:oneOf',
      '4:号牌号码:required',
      '4:初次登记日期:date',
      '4:状态:oneOf',
    ]);
    const kept = await sql<{ n: number }>`select count(*)::int as n from ds_vehicles where plate = '贵E00001'`.execute(t.db);
    expect(Number(kept.rows[0]?.n)).toBe(0);

    expect(await versionCount()).toBe(before);
    const failed = await sql<{ n: number }>`select count(*)::int as n from dataset_versions where county_code = ${COUNTY} and status = 'failed'`.execute(t.db);
    expect(Number(failed.rows[0]?.n)).toBeGreaterThanOrEqual(5);
  });
});
