// The cross-check operator commands as real child processes: datasets import (a GBK sample),
// a rejected file, crosscheck run --as-of, findings export --format csv --out.
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloneTemplate, dripline } from '../../test/cli.ts';
import { loadRegistryFileForTests } from '../../test/registry-loader.ts';
import { TMP } from '../../test/template.ts';

const SAMPLES = path.resolve(import.meta.dirname, '../../../seeds/samples');

// CLI processes each opening the database: minutes on a loaded machine; the timeout is a hang guard.
describe('dripline datasets / crosscheck / findings', { timeout: 480_000 }, () => {
  let target: Awaited<ReturnType<typeof cloneTemplate>>;
  const scratch = path.join(TMP, `cc-cli-${process.pid}`);
  beforeAll(async () => {
    fs.mkdirSync(scratch, { recursive: true });
    target = await cloneTemplate('cccli');
    const h = await target.open();
    try {
      await sql`delete from members where county_code = '522324'`.execute(h.db);
      await sql`delete from households where county_code = '522324'`.execute(h.db);
      await loadRegistryFileForTests(h, path.join(SAMPLES, 'registry.csv'));
    } finally {
      await h.close();
    }
  });
  afterAll(async () => {
    await target?.drop();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('imports a GBK file, refuses a bad one naming the column, runs as of a date and exports the findings', async () => {
    const imported = await dripline(['datasets', 'import', '--source', 'vehicles', path.join(SAMPLES, 'departments/vehicles.csv')], target.env);
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/Imported vehicles for county 522324: version [0-9a-f-]{36}, \d+ rows \(csv, gb18030\)/);

    // A file without the plate-number column: rejected, the column named, nothing kept.
    const bad = path.join(scratch, 'no-plate.csv');
    fs.writeFileSync(bad, '所有人,身份证号,车辆类型,初次登记日期,状态\n张三,522324194206141917,小型轿车,2020-01-01,正常\n');
    const refused = await dripline(['datasets', 'import', '--source', 'vehicles', bad], target.env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/missing required column\(s\): 号牌号码/);

    const unknown = await dripline(['datasets', 'import', '--source', 'cars', bad], target.env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--source must be one of: civil_assistance/);

    const badDate = await dripline(['crosscheck', 'run', '--as-of', '2026-13-01'], target.env);
    expect(badDate.code).toBe(2);
    expect(badDate.stderr).toMatch(/--as-of must be a date YYYY-MM-DD/);

    const ran = await dripline(['crosscheck', 'run', '--as-of', '2026-11-01'], target.env);
    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(0);
    expect(ran.stdout).toMatch(/Cross-check of county 522324 as of 2026-11-01/);
    expect(ran.stdout).toMatch(/VEHICLE\s+\d+/);
    expect(ran.stdout).toMatch(/DECEASED\s+not run: no data from household_events/);

    const out = path.join(scratch, 'findings.csv');
    const exported = await dripline(['findings', 'export', '--format', 'csv', '--out', out, '--rule', 'VEHICLE'], target.env);
    expect(exported.code).toBe(0);
    expect(exported.stderr).toMatch(/Wrote \d+ findings to/);
    const lines = fs
      .readFileSync(out, 'utf8')
      .replace(/^\ufeff/, '')
      .trim()
      .split('\n');
    expect(lines[0]).toBe('rule,household_no,id_number,severity,evidence,status,village_code,first_seen,last_seen');
    const got = new Set(lines.slice(1).map((l) => l.split(',').slice(0, 3).join(',')));
    const expected = new Set(
      fs
        .readFileSync(path.join(SAMPLES, 'expected-findings.csv'), 'utf8')
        .trim()
        .split(/\r?\n/)
        .filter((l) => l.startsWith('VEHICLE,')),
    );
    expect(expected.size).toBeGreaterThan(10);
    expect([...got].sort()).toEqual([...expected].sort());

    const unsupported = await dripline(['findings', 'export', '--format', 'pdf'], target.env);
    expect(unsupported.code).toBe(2);

    // The export is on record, and the import and run too.
    const h = await target.open();
    try {
      const actions = await h.db
        .selectFrom('audit_log')
        .select('action')
        .where('action', 'in', ['dataset.import', 'crosscheck.run', 'findings.export'])
        .execute();
      expect(new Set(actions.map((a) => a.action))).toEqual(new Set(['dataset.import', 'crosscheck.run', 'findings.export']));
      const versions = await sql<{ status: string }>`select status from dataset_versions order by status`.execute(h.db);
      expect(versions.rows.map((v) => v.status)).toEqual(['failed', 'succeeded']);
    } finally {
      await h.close();
    }
  });
});
