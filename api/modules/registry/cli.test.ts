// `dripline registry import FILE` as an operator runs it: a real child process on a real database.
import fs from 'node:fs';
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import { cloneTemplate, dripline } from '../../test/cli.ts';
import { household, type Row, tmpPath, writeCsv } from './test-files.ts';

// CLI processes each opening the database: minutes on a loaded machine; the timeout is a hang guard.
describe('dripline registry import', { timeout: 480_000 }, () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const c of cleanups) await c();
  });

  it('imports a good file with a summary, and rejects a bad one with exit 1 and the path of an xlsx report', async () => {
    const target = await cloneTemplate('regcli');
    cleanups.push(target.drop);
    const good = [...household('522324101209', 3), ...household('522324101002', 2)];
    const ok = await dripline(['registry', 'import', writeCsv(good, { encoding: 'gbk' })], target.env);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/gb18030\), 5 rows read, 2 households/);
    expect(ok.stdout).toMatch(/Households: 2 created, 0 updated, 0 unchanged/);
    expect(ok.stdout).toMatch(/Members: 5 created/);

    const bad = household('522324101209', 2);
    (bad[1] as Row)['与户主关系'] = '户主';
    const badFile = writeCsv(bad);
    const rejected = await dripline(['registry', 'import', badFile], target.env);
    expect(rejected.code).toBe(1);
    expect(rejected.stderr).toMatch(/REJECTED: 1 error\(s\); nothing was imported/);
    expect(rejected.stderr).toMatch(/row 3 \[与户主关系\]: 户 \d+ 有多个户主/);
    const reportPath = badFile.replace(/\.csv$/, '.errors.xlsx');
    expect(rejected.stderr).toContain(`Error report: ${reportPath}`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(reportPath);
    const ws = wb.worksheets[0] as ExcelJS.Worksheet;
    expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual(['行号', '列', '原因', '级别']);
    expect((ws.getRow(2).values as unknown[]).slice(1, 3)).toEqual([3, '与户主关系']);

    const custom = tmpPath('xlsx');
    const again = await dripline(['registry', 'import', badFile, '--errors', custom, '--lang', 'en'], target.env);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/row 3 \[与户主关系\]: Household \d+ has more than one 户主/);
    expect(fs.existsSync(custom)).toBe(true);

    const usage = await dripline(['registry', 'import'], target.env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/Give exactly one FILE/);

    const h = await target.open();
    try {
      const rows = await h.db
        .selectFrom('households')
        .select('household_no')
        .where(
          'household_no',
          'in',
          [...good, ...bad].map((r) => r['户编号'] as string),
        )
        .execute();
      expect(rows.map((r) => r.household_no).sort()).toEqual([...new Set(good.map((r) => r['户编号'] as string))].sort());
    } finally {
      await h.close();
    }
  });
});
