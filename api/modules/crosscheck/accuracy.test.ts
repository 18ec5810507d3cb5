// The samples' accuracy test: the sample registry and every sample department file, run as of
// 2026-11-01, export exactly the rows of samples/expected-findings.csv (as a set).
import { systemCtx } from '../../context.ts';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshTestDb, type TestDb } from '../../test/db.ts';
import { importDataset } from '../datasets/import.ts';
import { SOURCE_CODES } from '../datasets/sources.ts';
import { loadRegistryFileForTests } from '../../test/registry-loader.ts';
import { exportFindingsCsv } from './export.ts';
import { runCrosscheck } from './run.ts';

// The sample files of docs/data-formats.md (seeds/samples/README.md), kept in the repo for CI.
const SAMPLES = path.resolve(import.meta.dirname, '../../../seeds/samples');

function parseCsvSet(text: string): Set<string> {
  const lines = text
    .replace(/^\ufeff/, '')
    .trim()
    .split(/\r?\n/);
  const header = (lines[0] ?? '').split(',');
  const idx = ['rule', 'household_no', 'id_number'].map((c) => header.indexOf(c));
  return new Set(
    lines.slice(1).map((l) => {
      const cells = l.split(',');
      return idx.map((i) => cells[i] ?? '').join(',');
    }),
  );
}

describe('cross-check accuracy on the samples (seeds/samples)', () => {
  let t: TestDb & { dispose: () => Promise<void> };
  beforeAll(async () => {
    t = await freshTestDb('acc');
    // The sample uses the same 户编号 range as the generated demo households: start from an empty county.
    await sql`delete from members where county_code = '522324'`.execute(t.db);
    await sql`delete from households where county_code = '522324'`.execute(t.db);
    await loadRegistryFileForTests(t, path.join(SAMPLES, 'registry.csv'));
  });
  afterAll(async () => {
    await t?.dispose();
  });

  it('imports every department sample, runs as of 2026-11-01 and exports exactly the expected findings', async () => {
    for (const source of SOURCE_CODES) {
      const r = await importDataset(systemCtx(t.db), t.handle.bulk, {
        countyCode: '522324',
        source,
        filePath: path.join(SAMPLES, 'departments', `${source}.csv`),
      });
      expect({ source, ok: r.ok, errors: r.errors.slice(0, 3), fileError: r.fileError }).toEqual({ source, ok: true, errors: [], fileError: undefined });
    }
    const run = await runCrosscheck(systemCtx(t.db), { countyCode: '522324', asOf: '2026-11-01' });
    expect(run.skipped).toEqual([]);
    let csv = '';
    for await (const chunk of exportFindingsCsv(t.db, null, { countyCode: '522324' })) csv += chunk;
    const got = parseCsvSet(csv);
    const expected = parseCsvSet(fs.readFileSync(path.join(SAMPLES, 'expected-findings.csv'), 'utf8'));
    const missing = [...expected].filter((x) => !got.has(x)).sort();
    const extra = [...got].filter((x) => !expected.has(x)).sort();
    expect(expected.size).toBe(379);
    expect(got.size).toBe(expected.size);
    expect({ missing, extra }).toEqual({ missing: [], extra: [] });

    // Re-running on the same data produces the same findings, not duplicates.
    const again = await runCrosscheck(systemCtx(t.db), { countyCode: '522324', asOf: '2026-11-01' });
    expect(again.newFindings).toBe(0);
    const n = await sql<{ n: number }>`select count(*)::int as n from findings where county_code = '522324'`.execute(t.db);
    expect(Number(n.rows[0]?.n)).toBe(expected.size);
  });
});
