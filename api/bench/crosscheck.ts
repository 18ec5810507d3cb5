// Cross-check at county scale (issue 5 targets, on real PostgreSQL): 100k registry members and
// 1M department rows across the ten sources.
//  - import rate (rows/s) over all files, and its ratio to a raw COPY of the same files into an
//    unindexed all-text table in the same run (goal ≥ 0.5);
//  - a full run (every rule) ≤ 10 s, and its ratio to a bare hash join of members to the
//    department rows on the ID column (goal ≤ 3);
//  - peak RSS of this process during both (≤ 500 MB; on PGlite the database lives in-process, so
//    its memory is counted too).
// Sizes: BENCH_CC_HOUSEHOLDS (default 25000 ≈ 100k members), BENCH_CC_ROWS (default 1000000).
import { systemCtx } from '../context.ts';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { execFileSync } from 'node:child_process';
import { csvField } from '../../seeds/registry-generator.ts';
import { importDataset } from '../modules/datasets/import.ts';
import type { SourceCode } from '../modules/datasets/sources.ts';
import { runCrosscheck } from '../modules/crosscheck/run.ts';
import { checkChar } from '../shared/id-number.ts';
import { scratchDatabase } from './scratch.ts';

const HOUSEHOLDS = Number(process.env.BENCH_CC_HOUSEHOLDS ?? 25_000);
const ROWS = Number(process.env.BENCH_CC_ROWS ?? 1_000_000);
const COUNTY = '522324';
const AS_OF = '2026-11-01';

/** Share of the rows per source, and the row builder (id: a registry member's ID or a stranger's). */
const SOURCES: { source: SourceCode; share: number; header: string[]; row: (id: string, i: number) => (string | number)[] }[] = [
  {
    source: 'medical_claims',
    share: 0.3,
    header: ['姓名', '身份证号', '就诊机构', '入院日期', '出院日期', '总费用', '医保报销', '个人自付'],
    row: (id, i) => ['某某', id, '晴隆县人民医院', '2026-03-01', `2026-0${(i % 9) + 1}-15`, 5000 + (i % 20000), 3000, 500 + ((i * 7919) % 6000)],
  },
  {
    source: 'subsidy_payments',
    share: 0.3,
    header: ['姓名', '身份证号', '银行账号', '补贴项目', '金额', '发放日期'],
    row: (id, i) => ['某某', id, `62170000${String(i % 400_000).padStart(8, '0')}`, '耕地地力保护补贴', 300 + (i % 500), `2026-0${(i % 9) + 1}-01`],
  },
  {
    source: 'students',
    share: 0.1,
    header: ['姓名', '身份证号', '学校名称', '学段', '年级', '学籍状态'],
    row: (id, i) => ['某某', id, '晴隆县第一中学', ['小学', '初中', '高中'][i % 3] as string, '二年级', i % 5 ? '在读' : '毕业'],
  },
  {
    source: 'civil_assistance',
    share: 0.06,
    header: ['姓名', '身份证号', '区划代码', '救助类型', '保障人数', '月保障金额', '起始年月', '状态', '停保日期'],
    row: (id, i) => [
      '某某',
      id,
      '522324101209',
      ['农村低保', '特困供养', '城市低保'][i % 3] as string,
      2,
      500,
      '2022-01',
      i % 7 ? '在保' : '停保',
      i % 7 ? '' : '2025-06-30',
    ],
  },
  {
    source: 'household_events',
    share: 0.06,
    header: ['姓名', '身份证号', '事件类型', '事件日期', '迁往地区'],
    row: (id, i) => ['某某', id, ['死亡', '迁出', '迁入', '出生'][i % 4] as string, `2025-0${(i % 9) + 1}-10`, i % 4 === 1 ? '浙江省' : ''],
  },
  {
    source: 'vehicles',
    share: 0.06,
    header: ['所有人', '身份证号', '号牌号码', '车辆类型', '初次登记日期', '状态'],
    row: (id, i) => [
      '某某',
      id,
      `贵E${String(i).padStart(5, '0')}`,
      ['小型轿车', '轻型货车', '摩托车', '三轮汽车'][i % 4] as string,
      '2020-01-01',
      i % 6 ? '正常' : '注销',
    ],
  },
  {
    source: 'property',
    share: 0.05,
    header: ['权利人', '身份证号', '坐落', '建筑面积', '房屋性质', '登记日期'],
    row: (id, i) => ['某某', id, '晴隆县莲城街道', 80 + (i % 60), ['商品房', '自建房', '安置房', '经济适用房'][i % 4] as string, '2019-05-01'],
  },
  {
    source: 'businesses',
    share: 0.03,
    header: ['企业名称', '法定代表人', '身份证号', '企业类型', '注册资本（万元）', '成立日期', '登记状态'],
    row: (id, i) => [
      `某某${i}有限公司`,
      '某某',
      id,
      ['有限责任公司', '个体工商户', '农民专业合作社', '个人独资企业'][i % 4] as string,
      10,
      '2018-01-01',
      i % 5 ? '存续' : '注销',
    ],
  },
  {
    source: 'disability',
    share: 0.03,
    header: ['姓名', '身份证号', '残疾类别', '残疾等级', '发证日期'],
    row: (id, i) => ['某某', id, ['肢体', '视力', '听力'][i % 3] as string, ['一级', '二级', '三级', '四级'][i % 4] as string, '2021-01-01'],
  },
  {
    source: 'public_payroll',
    share: 0.01,
    header: ['姓名', '身份证号', '工作单位', '人员类别', '入职日期'],
    row: (id, i) => ['某某', id, '晴隆县某局', ['公务员', '参公', '事业编制'][i % 3] as string, '2015-09-01'],
  },
];

/** A valid ID of someone outside the registry (born 1940–1999, serial from i). */
function stranger(i: number): string {
  const year = 1940 + (i % 60);
  const body = `522324${year}${String((i % 12) + 1).padStart(2, '0')}${String((i % 28) + 1).padStart(2, '0')}${String(i % 1000).padStart(3, '0')}`;
  return body + checkChar(body);
}

function rssSampler() {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  return { stop: () => (clearInterval(timer), Math.max(peak, process.memoryUsage().rss)) };
}

const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function crosscheckBench() {
  const scratch = await scratchDatabase('cc');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dripline-bench-cc-'));
  try {
    console.log(`database: ${scratch.where}`);
    let t0 = performance.now();
    // Seeded by `dripline seed` in a child process, so this process's memory is the cross-check's own.
    await scratch.release(async () =>
      execFileSync(process.execPath, [path.resolve(import.meta.dirname, '../bin/dripline.js'), 'seed', '--households', String(HOUSEHOLDS), '--seed', '7'], {
        env: { ...process.env, ...scratch.env, DRIPLINE_LOG_LEVEL: 'silent' },
        stdio: ['ignore', 'ignore', 'inherit'],
      }),
    );
    const { handle } = scratch;
    const members = await sql<{ id_number: string }>`select id_number from members where county_code = ${COUNTY}`.execute(handle.db);
    console.log(`registry: ${members.rows.length} members in ${HOUSEHOLDS} households (seeded in ${s(performance.now() - t0)})`);

    // Department files: one row in eight names a registry member, the rest strangers.
    const ids = members.rows.map((r) => r.id_number);
    const files: { source: SourceCode; file: string; rows: number }[] = [];
    let i = 0;
    for (const spec of SOURCES) {
      const n = Math.round(ROWS * spec.share);
      const file = path.join(dir, `${spec.source}.csv`);
      const out = fs.createWriteStream(file);
      out.write(`${spec.header.join(',')}\n`);
      for (let k = 0; k < n; k++, i++) {
        const id = i % 8 === 0 ? (ids[(i * 2654435761) % ids.length] as string) : stranger(i);
        if (
          !out.write(
            `${spec
              .row(id, i)
              .map((v) => csvField(String(v)))
              .join(',')}\n`,
          )
        )
          await new Promise<void>((r) => out.once('drain', () => r()));
      }
      await new Promise<void>((r) => out.end(r));
      files.push({ source: spec.source, file, rows: n });
    }
    const total = files.reduce((a, f) => a + f.rows, 0);
    const bytes = files.reduce((a, f) => a + fs.statSync(f.file).size, 0);
    console.log(`department files: ${total} rows, ${mb(bytes)} across ${files.length} sources`);

    // Raw COPY of the same files into unindexed all-text tables: the floor for loading.
    t0 = performance.now();
    for (const f of files) {
      const spec = SOURCES.find((x) => x.source === f.source);
      const cols = (spec?.header ?? []).map((_, k) => `c${k}`);
      const table = `bench_raw_${f.source}`;
      await sql`drop table if exists ${sql.table(table)}`.execute(handle.db);
      await sql.raw(`create unlogged table ${table} (${cols.map((c) => `${c} text`).join(', ')})`).execute(handle.db);
      await handle.bulk(async ({ copyFrom }) => {
        async function* lines() {
          let first = true;
          let rest = '';
          for await (const chunk of fs.createReadStream(f.file, { encoding: 'utf8' })) {
            const parts = (rest + chunk).split('\n');
            rest = parts.pop() ?? '';
            for (const p of parts) {
              if (first) {
                first = false;
                continue;
              }
              yield `${p}\n`;
            }
          }
          if (rest) yield `${rest}\n`;
        }
        return copyFrom(table, cols, lines(), 'csv');
      });
    }
    const rawMs = performance.now() - t0;
    for (const f of files) await sql`drop table if exists ${sql.table(`bench_raw_${f.source}`)}`.execute(handle.db);

    // The importer: normalisation, validation, provenance, all-or-nothing per file.
    const memImport = rssSampler();
    const steps: string[] = [];
    t0 = performance.now();
    for (const f of files) {
      const r = await importDataset(systemCtx(handle.db), handle.bulk, { countyCode: COUNTY, source: f.source, filePath: f.file });
      if (!r.ok) throw new Error(`${f.source}: import rejected: ${JSON.stringify(r.fileError ?? r.errors.slice(0, 3))}`);
      steps.push(`${f.source} ${f.rows} rows ${JSON.stringify(r.timings)}`);
    }
    const importMs = performance.now() - t0;
    const importPeak = memImport.stop();
    const rate = total / (importMs / 1000);
    const rawRate = total / (rawMs / 1000);
    console.log(`import: ${total} rows in ${s(importMs)} = ${Math.round(rate)} rows/s (target ≥ 100000)`);
    console.log(`raw COPY of the same files: ${s(rawMs)} = ${Math.round(rawRate)} rows/s; ratio import/raw = ${(rate / rawRate).toFixed(2)} (goal ≥ 0.5)`);
    console.log(`peak RSS during import: ${mb(importPeak)} (target ≤ 500 MB)`);
    console.log(`import steps (ms): ${steps.join('; ')}`);

    // Bare hash join of members to every source's current rows on the ID column.
    const union = sql.join(
      files.map(
        (f) =>
          sql`select id_number from ${sql.table(`ds_${f.source}`)} where dataset_version_id = (select id from dataset_versions where county_code = ${COUNTY} and source = ${f.source} and status = 'succeeded' order by finished_at desc limit 1)`,
      ),
      sql` union all `,
    );
    t0 = performance.now();
    const joined = await sql<{
      n: number;
    }>`select count(*)::int as n from members m join (${union}) d on d.id_number = m.id_number where m.county_code = ${COUNTY}`.execute(handle.db);
    const joinMs = performance.now() - t0;

    const memRun = rssSampler();
    t0 = performance.now();
    const run = await runCrosscheck(systemCtx(handle.db), { countyCode: COUNTY, asOf: AS_OF });
    const runMs = performance.now() - t0;
    const runPeak = memRun.stop();
    console.log(`bare hash join members ⋈ department rows: ${Number(joined.rows[0]?.n)} pairs in ${s(joinMs)}`);
    console.log(
      `full cross-check run (14 rules): ${s(runMs)} (target ≤ 10 s); ${run.totalPresent} findings; ratio run/join = ${(runMs / joinMs).toFixed(2)} (goal ≤ 3)`,
    );
    console.log(`peak RSS during the run: ${mb(runPeak)} (target ≤ 500 MB)`);
    console.log(
      `findings per rule: ${Object.entries(run.counts)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    );
    console.log(
      `time per step: ${Object.entries(run.timings)
        .map(([k, v]) => `${k} ${v} ms`)
        .join(', ')}`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    await scratch.drop();
  }
}

export const crosscheckBenchmarks = { crosscheck: crosscheckBench };
