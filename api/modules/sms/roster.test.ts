// The SMS roster (both backends): who keeps it (county office, township in its area), who reads it
// (the village supervisor: its village, masked), phones masked everywhere but the audited reveal,
// Excel import all or nothing with every bad row named, and opt-out by the app.
import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/schema.ts';
import { getTestDb } from '../../test/db.ts';
import { TMP } from '../../test/template.ts';
import { ctxAs } from '../funds/test-projects.ts';
import { addRecipient, importRoster, listRoster, revealPhone, updateRecipient } from './roster.ts';

const VILLAGE = '522324101209'; // 保家村
const OTHER = '522324106204'; // another township's village
let db: Db;
let seq = 0;
/** A phone no other test uses: 17 + pid + counter. */
const phone = () => `170${String(process.pid % 10000).padStart(4, '0')}${String(++seq).padStart(4, '0')}`;

async function xlsx(rows: (string | number)[][]): Promise<string> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('名册');
  for (const r of rows) ws.addRow(r);
  const file = path.join(TMP, `roster-${process.pid}-${++seq}.xlsx`);
  fs.mkdirSync(TMP, { recursive: true });
  await wb.xlsx.writeFile(file);
  return file;
}

beforeAll(async () => {
  db = (await getTestDb()).db;
});

describe('the roster', () => {
  it('the township adds in its area, the phone comes back masked; outside its area it is refused', async () => {
    const township = ctxAs(db, 'township_officer', '522324101');
    const p = phone();
    const r = await addRecipient(township, { villageCode: VILLAGE, name: '杨监督', phone: p, position: '村监委会成员' });
    expect(r.phone).toBe(`${p.slice(0, 3)}****${p.slice(7)}`);
    expect(r.optedIn).toBe(true);
    await expect(addRecipient(township, { villageCode: OTHER, name: '外乡', phone: phone() })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(addRecipient(township, { villageCode: VILLAGE, name: '重复', phone: p })).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(addRecipient(township, { villageCode: VILLAGE, name: '错号', phone: '12345' })).rejects.toMatchObject({
      code: 'INVALID',
      fields: [{ path: 'phone', key: 'sms.badPhone' }],
    });
    const listed = await listRoster(township, { areaCode: VILLAGE });
    const mine = listed.find((x) => x.id === r.id);
    expect(mine?.phone).toBe(r.phone);
    expect(JSON.stringify(listed)).not.toContain(p);
  });

  it('the village supervisor reads its village’s roster masked, and may not change it', async () => {
    const county = ctxAs(db, 'county_official', '522324');
    const p = phone();
    await addRecipient(county, { villageCode: VILLAGE, name: '监督员甲', phone: p });
    const supervisor = ctxAs(db, 'village_supervisor', VILLAGE);
    const seen = await listRoster(supervisor, {});
    expect(seen.some((x) => x.name === '监督员甲')).toBe(true);
    expect(seen.every((x) => x.villageCode === VILLAGE)).toBe(true);
    expect(JSON.stringify(seen)).not.toContain(p);
    await expect(addRecipient(supervisor, { villageCode: VILLAGE, name: '自己', phone: phone() })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(listRoster(ctxAs(db, 'village_cadre', VILLAGE), {})).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('reveals a full number to the roster’s keeper only, and audits the fact (not the number)', async () => {
    const county = ctxAs(db, 'county_official', '522324');
    const p = phone();
    const r = await addRecipient(county, { villageCode: VILLAGE, name: '监督员乙', phone: p });
    expect((await revealPhone(county, r.id)).phone).toBe(p);
    const audit = await db.selectFrom('audit_log').select(['action', 'diff']).where('entity_id', '=', r.id).where('action', '=', 'sms.roster.reveal').execute();
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain(p);
    // Neither the add's audit entry holds the number in full.
    const added = await db.selectFrom('audit_log').select('diff').where('entity_id', '=', r.id).where('action', '=', 'sms.roster.add').execute();
    expect(JSON.stringify(added)).not.toContain(p);
    await expect(revealPhone(ctxAs(db, 'village_supervisor', VILLAGE), r.id)).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('opts out and back in from the app, versioned and audited', async () => {
    const county = ctxAs(db, 'county_official', '522324');
    const r = await addRecipient(county, { villageCode: VILLAGE, name: '监督员丙', phone: phone() });
    const out = await updateRecipient(county, r.id, { version: r.version, optedIn: false });
    expect(out).toMatchObject({ optedIn: false, optedOutVia: 'app', version: r.version + 1 });
    await expect(updateRecipient(county, r.id, { version: r.version, optedIn: true })).rejects.toMatchObject({ code: 'CONFLICT' });
    const back = await updateRecipient(county, r.id, { version: out.version, optedIn: true });
    expect(back).toMatchObject({ optedIn: true, optedOutVia: null });
    const n = await db.selectFrom('audit_log').select('id').where('entity_id', '=', r.id).where('action', '=', 'sms.roster.update').execute();
    expect(n).toHaveLength(2);
  });
});

describe('roster import (Excel)', () => {
  it('writes nothing when a row is bad, and names every bad row', async () => {
    const county = ctxAs(db, 'county_official', '522324');
    const good = phone();
    const file = await xlsx([
      ['村代码', '姓名', '手机号码', '职务'],
      [VILLAGE, '好人', good, '群众监督员'],
      [VILLAGE, '', phone(), '群众监督员'],
      ['5223241012', '短码', phone(), ''],
      [VILLAGE, '坏号', '1380013', '村监委会成员'],
      [VILLAGE, '重复', good, ''],
      ['522301100001', '外县', phone(), ''],
      [VILLAGE, '职务错', phone(), '村长'],
    ]);
    const r = await importRoster(county, file);
    expect(r.ok).toBe(false);
    expect(r.errors.map((e) => [e.rowNo, e.key])).toEqual([
      [3, 'sms.badName'],
      [4, 'area.badCode'],
      [5, 'sms.badPhone'],
      [6, 'sms.duplicateRow'],
      [7, 'sms.outsideArea'],
      [8, 'field.oneOf'],
    ]);
    const written = await db.selectFrom('sms_recipients').select('id').where('phone', '=', good).execute();
    expect(written).toHaveLength(0);
  });

  it('names a missing column; an unknown village is a row error', async () => {
    const county = ctxAs(db, 'county_official', '522324');
    const missing = await importRoster(
      county,
      await xlsx([
        ['村代码', '姓名'],
        [VILLAGE, '某某'],
      ]),
    );
    expect(missing.errors).toEqual([{ rowNo: 1, column: '手机号码', key: 'sms.missingColumn', params: { column: '手机号码' } }]);
    const unknown = await importRoster(
      county,
      await xlsx([
        ['村代码', '姓名', '手机'],
        ['522324999999', '某某', phone()],
      ]),
    );
    expect(unknown.errors.map((e) => e.key)).toEqual(['sms.villageNotFound']);
  });

  it('imports a clean file in one go, updating a number already on the roster (its opt-out kept)', async () => {
    const county = ctxAs(db, 'county_official', '522324');
    const existing = await addRecipient(county, { villageCode: VILLAGE, name: '旧名字', phone: phone() });
    await updateRecipient(county, existing.id, { version: existing.version, optedIn: false });
    const p1 = phone();
    const p2 = phone();
    const full = (await db.selectFrom('sms_recipients').select('phone').where('id', '=', existing.id).executeTakeFirstOrThrow()).phone;
    const r = await importRoster(
      county,
      await xlsx([
        ['行政村代码', '监督员姓名', '联系电话', '身份'],
        [VILLAGE, '新人一', p1, '村监委会成员'],
        [VILLAGE, '新人二', `+86 ${p2}`, ''],
        [VILLAGE, '新名字', full, '群众监督员'],
      ]),
    );
    expect(r).toMatchObject({ ok: true, rows: 3, added: 2, updated: 1, errors: [] });
    const after = await db.selectFrom('sms_recipients').select(['name', 'opted_in', 'phone']).where('phone', 'in', [p1, p2, full]).orderBy('phone').execute();
    expect(after.map((a) => a.name).sort()).toEqual(['新人一', '新人二', '新名字'].sort());
    expect(after.find((a) => a.phone === full)?.opted_in).toBe(false);
    const audit = await db
      .selectFrom('audit_log')
      .select('diff')
      .where('action', '=', 'sms.roster.import')
      .orderBy('at', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(audit.diff)).toContain('"added":2');
  });
});
