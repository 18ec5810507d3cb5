// SMS at province scale (issue 17 targets):
//  - compose and enqueue the month's summaries for 13,000 supervisors (BENCH_SMS_SUPERVISORS) over
//    the villages of 黔西南州 — startBatch: each village's figures from the ledger (villageFunds),
//    its text, one queued row per supervisor, the audit — target ≤ 10 s on PostgreSQL;
//  - SMPP submit throughput with a window of 10 against the local SMSC process (test-smsc.ts):
//    BENCH_SMS_SUBMITS submits (default 2000) through SmppProvider, printed per second.
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { seedAreas } from '../../seeds/areas.ts';
import { loadSmsConfig } from '../config.ts';
import { Scope } from '../modules/auth/scope.ts';
import { SmppProvider } from '../modules/sms/providers.ts';
import * as q from '../modules/sms/queries.ts';
import { startSmsc } from '../modules/sms/smsc-child.ts';
import { startBatch } from '../modules/sms/sms.ts';
import type { Ctx } from '../context.ts';
import { scratchDatabase } from './scratch.ts';

const SUPERVISORS = Number(process.env.BENCH_SMS_SUPERVISORS ?? 13_000);
const SUBMITS = Number(process.env.BENCH_SMS_SUBMITS ?? 2_000);

async function smsBench() {
  const scratch = await scratchDatabase('sms', 10);
  const db = scratch.handle.db;
  try {
    console.log(`database: ${scratch.where}`);
    await seedAreas(db);
    const villages = (await db.selectFrom('areas').select('code').where('level', '=', 'village').where('code', 'like', '5223%').orderBy('code').execute()).map(
      (v) => v.code,
    );
    // A few projects with money in every tenth village, so that the figures are not all zero.
    await sql`
      insert into projects (county_code, village_code, plan_year, name, type, state, created_by_name)
      select left(v, 6), v, 2026, '项目' || ordinality, '农村道路', '实施', 'bench'
      from unnest(${villages}::text[]) with ordinality v where ordinality % 10 = 0`.execute(db);
    await sql`insert into project_villages (project_id, county_code, village_code) select id, county_code, village_code from projects`.execute(db);
    const rows = Array.from({ length: SUPERVISORS }, (_, i) => ({
      villageCode: villages[i % villages.length] as string,
      name: `监督员${i}`,
      phone: `139${String(i).padStart(8, '0')}`,
      position: '群众监督员' as const,
    }));
    for (let i = 0; i < rows.length; i += 2000) await q.insertRecipients(db, rows.slice(i, i + 2000));
    console.log(`${SUPERVISORS} supervisors in ${new Set(rows.map((r) => r.villageCode)).size} villages`);
    const ctx: Ctx = {
      db,
      scope: new Scope('5223', 'county_official'),
      actor: { id: null, name: 'bench', role: 'county_official' },
      origin: { via: 'bench' },
      now: new Date(),
    };
    const t0 = performance.now();
    const r = await startBatch(ctx, { month: '2026-05' }, '滴灌');
    const s = (performance.now() - t0) / 1000;
    console.log(`compose + enqueue: ${r.queued} messages for ${r.villages} villages in ${s.toFixed(2)} s`);
    console.log(`target ≤ 10 s on PostgreSQL: ${s <= 10 ? 'met' : 'NOT met'}${process.env.DATABASE_URL ? '' : ' (this run: embedded)'}`);
    const again = performance.now();
    const r2 = await startBatch(ctx, { month: '2026-05' }, '滴灌');
    console.log(`the same batch again: ${r2.queued} queued, ${r2.alreadyQueued} already, in ${((performance.now() - again) / 1000).toFixed(2)} s`);
  } finally {
    await scratch.drop();
  }

  const smsc = await startSmsc({ logFile: path.join(os.tmpdir(), `bench-smsc-${process.pid}.jsonl`) });
  try {
    const cfg = loadSmsConfig(
      { DRIPLINE_SMS_PROVIDER: 'smpp', DRIPLINE_SMPP_URL: smsc.url, DRIPLINE_SMPP_SYSTEM_ID: 'dripline', DRIPLINE_SMPP_PASSWORD: 'secret' },
      true,
    );
    const provider = new SmppProvider(cfg.smpp);
    await provider.open({ report: async () => {}, inbound: async () => {} });
    const text = '【滴灌】保家村2026年1-5月扶贫项目3个，下达12.5万元，拨付10万元，报账8.2万元，受益18户。回复CX查询，回复退订停收';
    const t0 = performance.now();
    let ok = 0;
    for (let i = 0; i < SUBMITS; i += cfg.smpp.window) {
      const window = Array.from({ length: Math.min(cfg.smpp.window, SUBMITS - i) }, (_, k) =>
        provider.submit({ phone: `139${String(i + k).padStart(8, '0')}`, text }),
      );
      for (const a of await Promise.all(window)) if (a.ok) ok++;
    }
    const s = (performance.now() - t0) / 1000;
    await provider.close();
    console.log(
      `SMPP submit_sm, window ${cfg.smpp.window}: ${ok}/${SUBMITS} accepted in ${s.toFixed(2)} s = ${(ok / s).toFixed(0)} submits/s (local SMSC process)`,
    );
  } finally {
    await smsc.stop();
  }
}

export const smsBenchmarks = { sms: smsBench };
