// Registry import benchmark: ~100k member rows from the deterministic generator
// (seeds/registry-generator.ts) written as the national export's CSV, imported into an empty
// county with the real importer (validation, staging COPY, merge, one audit entry per card).
// In the same run, the same file is COPYed raw into an unindexed table of text columns: the ratio
// import ÷ raw COPY shows what validation, merge, indexes and audit cost on this machine.
// Target (issue 4): ≥ 20,000 rows/s on PostgreSQL.
import fs from 'node:fs';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { sql } from 'kysely';
import { systemCtx } from '../context.ts';
import { SYSTEM_ACTOR } from '../modules/audit/audit.ts';
import { importRegistry } from '../modules/registry/import.ts';
import { seedDemo } from '../../seeds/index.ts';
import { REGISTRY_HEADERS, writeRegistryCsv } from '../../seeds/registry-generator.ts';
import { scratchDatabase } from './scratch.ts';

const TARGET_ROWS = Number(process.env.BENCH_REGISTRY_ROWS ?? 100_000);
const COUNTY = '522324';

async function registryImport() {
  const { handle, drop, where } = await scratchDatabase('registry', 4);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dripline-bench-registry-'));
  try {
    console.log(`database: ${where}`);
    await seedDemo(handle, { withoutHouseholds: true });
    const villages = await handle.db
      .selectFrom('areas')
      .select(['code', 'name', sql<number>`st_x(label_point)`.as('lon'), sql<number>`st_y(label_point)`.as('lat')])
      .where('level', '=', 'village')
      .where('county_code', '=', COUNTY)
      .orderBy('code')
      .execute();
    const file = path.join(dir, 'registry.csv');
    // ~3.6 members per household: aim a little over the target, then report the real count.
    const out = fs.createWriteStream(file);
    const gen = await writeRegistryCsv(
      {
        households: Math.ceil(TARGET_ROWS / 3.55),
        seed: 7,
        countyCode: COUNTY,
        villages: villages.map((v) => ({ ...v, lon: Number(v.lon), lat: Number(v.lat) })),
      },
      out,
    );
    out.end();
    await once(out, 'close');
    const mb = fs.statSync(file).size / 1024 / 1024;
    console.log(`file: ${gen.members} member rows, ${gen.households} households, ${mb.toFixed(1)} MB (UTF-8 CSV with BOM)`);

    // Raw COPY of the same file into an unindexed table of text columns, in one transaction.
    const cols = REGISTRY_HEADERS.map((_, i) => `c${i}`);
    await sql`create table bench_raw_registry (${sql.raw(cols.map((c) => `${c} text`).join(', '))})`.execute(handle.db);
    let t0 = performance.now();
    const copied = await handle.bulk(async ({ copyFrom }) => {
      const lines = readline.createInterface({ input: fs.createReadStream(file, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
      let first = true;
      return copyFrom(
        'bench_raw_registry',
        cols,
        (async function* () {
          for await (const l of lines) {
            if (first) {
              first = false;
              continue;
            }
            yield `${l}\n`;
          }
        })(),
        'csv',
      );
    });
    const copyS = (performance.now() - t0) / 1000;
    console.log(`raw COPY into an unindexed table: ${copied} rows in ${copyS.toFixed(2)} s = ${Math.round(copied / copyS)} rows/s`);

    t0 = performance.now();
    const r = await importRegistry(systemCtx(handle.db, { actor: { ...SYSTEM_ACTOR, name: 'bench' } }), handle.bulk, { filePath: file });
    const importS = (performance.now() - t0) / 1000;
    if (!r.ok) throw new Error(`the generated file was rejected: ${r.errorCount} errors, first ${JSON.stringify(r.errors[0])}`);
    const rate = r.rowsRead / importS;
    console.log(`import (first load): ${r.rowsRead} rows, ${r.counts.householdsCreated} households in ${importS.toFixed(2)} s = ${Math.round(rate)} rows/s`);
    console.log(`  path: ${r.path}${r.directGaveUp ? ` (direct path gave up: ${r.directGaveUp})` : ''}; steps (ms): ${JSON.stringify(r.timings)}`);
    console.log(`  ratio import ÷ raw COPY time = ${(importS / copyS).toFixed(1)}×`);

    t0 = performance.now();
    const again = await importRegistry(systemCtx(handle.db, { actor: { ...SYSTEM_ACTOR, name: 'bench' } }), handle.bulk, { filePath: file });
    const againS = (performance.now() - t0) / 1000;
    console.log(
      `re-import (nothing changed): ${again.counts.householdsUnchanged} households unchanged in ${againS.toFixed(2)} s = ${Math.round(again.rowsRead / againS)} rows/s`,
    );
    console.log(`  path: ${again.path}; steps (ms): ${JSON.stringify(again.timings)}`);
    const target = process.env.DATABASE_URL ? 'met' : 'n/a (measured on PostgreSQL)';
    console.log(`target ≥ 20,000 rows/s on PostgreSQL: ${process.env.DATABASE_URL ? (rate >= 20_000 ? target : 'NOT met') : target}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    await drop();
  }
}

export const registryBenchmarks = { 'registry-import': registryImport };
