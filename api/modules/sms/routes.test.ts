// /api/sms over HTTP (both backends): the roster import by upload (a row-level report, nothing
// written; then a clean file), masked reads for the village supervisor, the audited reveal, the
// preview's text, and a batch only the county office starts.
import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/schema.ts';
import { getTestDb } from '../../test/db.ts';
import { bodyOf, loginAs } from '../../test/http.ts';
import { TMP } from '../../test/template.ts';
import { villageSummary } from './compose.ts';
import { demoName } from '../../test/factories.ts';

const BAOJIA = '522324101209';
let db: Db;
const p1 = `174${String(process.pid % 10000).padStart(4, '0')}0001`;
const p2 = `174${String(process.pid % 10000).padStart(4, '0')}0002`;

async function upload(rows: (string | number)[][]): Promise<FormData> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('名册');
  for (const r of rows) ws.addRow(r);
  fs.mkdirSync(TMP, { recursive: true });
  const file = path.join(TMP, `roster-route-${process.pid}.xlsx`);
  await wb.xlsx.writeFile(file);
  const form = new FormData();
  form.set('file', new File([fs.readFileSync(file)], '名册.xlsx', { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }));
  return form;
}

beforeAll(async () => {
  db = (await getTestDb()).db;
});

describe('/api/sms', () => {
  it('imports the roster by upload: a bad file gets a row-level report and writes nothing; a clean one is written', async () => {
    const township = await loginAs('shazi_township');
    const bad = await township.post(
      '/api/sms/roster/import',
      await upload([
        ['村代码', '姓名', '手机号码'],
        [BAOJIA, '好人', p1],
        [BAOJIA, '坏号', '12345'],
      ]),
    );
    expect(bad.status).toBe(200);
    const report = (await bad.json()) as { ok: boolean; errors: { rowNo: number; column: string; message: string }[] };
    expect(report.ok).toBe(false);
    expect(report.errors).toEqual([{ rowNo: 3, column: '手机号码', key: 'sms.badPhone', message: '手机号码应为 11 位（1 开头）' }]);
    expect(await db.selectFrom('sms_recipients').select('id').where('phone', '=', p1).execute()).toHaveLength(0);

    const good = await township.post(
      '/api/sms/roster/import',
      await upload([
        ['村代码', '姓名', '手机号码', '职务'],
        [BAOJIA, '监督员一', p1, '村监委会成员'],
        [BAOJIA, '监督员二', p2, ''],
      ]),
    );
    expect(await good.json()).toMatchObject({ ok: true, rows: 2, added: 2 });
    // The village supervisor may not import (refused before the file is read).
    const supervisor = await loginAs('baojia_supervisor');
    const refused = await supervisor.post('/api/sms/roster/import', await upload([['村代码'], [BAOJIA]]));
    expect(refused.status).toBe(403);
  });

  it('shows the village supervisor its roster masked; reveals a number to the township only (audited)', async () => {
    const supervisor = await loginAs('baojia_supervisor');
    const list = await bodyOf(await supervisor.api.sms.roster.$get({ query: {} }), 200);
    const mine = list.find((r) => r.name === '监督员一');
    expect(mine?.phone).toBe(`${p1.slice(0, 3)}****${p1.slice(7)}`);
    expect(JSON.stringify(list)).not.toContain(p1);
    expect((await supervisor.api.sms.roster[':id'].reveal.$post({ param: { id: mine?.id as string } })).status).toBe(403);
    const township = await loginAs('shazi_township');
    const shown = await bodyOf(await township.api.sms.roster[':id'].reveal.$post({ param: { id: mine?.id as string } }), 200);
    expect(shown.phone).toBe(p1);
    const audit = await db
      .selectFrom('audit_log')
      .select('actor_name')
      .where('entity_id', '=', mine?.id as string)
      .where('action', '=', 'sms.roster.reveal')
      .execute();
    expect(audit.map((a) => a.actor_name)).toContain(demoName('shazi_township'));
  });

  it('previews the exact text; only the county office starts a batch, each supervisor once', async () => {
    const county = await loginAs('qinglong_county');
    const preview = await bodyOf(await county.api.sms.preview.$get({ query: { area: BAOJIA, month: '2026-05' } }), 200);
    expect(preview).toHaveLength(1);
    expect(preview[0]?.text).toBe((await villageSummary(db, BAOJIA, '2026-05', '滴灌')).text);
    expect(preview[0]?.recipients).toBeGreaterThanOrEqual(2);
    const township = await loginAs('shazi_township');
    expect((await township.api.sms.batches.$post({ json: { month: '2026-04', county: '522324' } })).status).toBe(403);
    const batch = await bodyOf(await county.api.sms.batches.$post({ json: { month: '2026-04', county: '522324' } }), 201);
    expect(batch.queued).toBeGreaterThanOrEqual(2);
    const again = await bodyOf(await county.api.sms.batches.$post({ json: { month: '2026-04', county: '522324' } }), 201);
    expect(again.queued).toBe(0);
    const queued = await bodyOf(await county.api.sms.messages.$get({ query: { state: 'queued', period: '2026-04' } }), 200);
    const to = queued.filter((m) => m.phone === `${p1.slice(0, 3)}****${p1.slice(7)}`);
    expect(to).toHaveLength(1);
    expect(JSON.stringify(queued)).not.toContain(p1);
    const badState = await county.get('/api/sms/messages?state=lost');
    expect(badState.status).toBe(400);
  });
});
