// Migration 0023 on data written before it: defaults that stood for "unanswered" become 未填 while
// answers given on the card stay; 享受低保/特困 splits where it can; crosscheck_settings folds into
// the county's yearly standards; procedures opened from findings become 部门预警.
import fs from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type DbHandle } from '../api/db/connect.ts';
import { MIGRATIONS_DIR, migrateToLatest } from '../api/db/migrate.ts';
import type { Database } from '../api/db/schema.ts';
import { adminQuery, adminUrl, asOwner, withDatabase } from '../api/test/template.ts';

const provider: MigrationProvider = {
  async getMigrations() {
    const files = (await fs.readdir(MIGRATIONS_DIR)).filter((f) => /^\d{4}_.+\.ts$/.test(f) && !f.endsWith('.test.ts')).sort();
    const out: Record<string, Migration> = {};
    for (const f of files) out[f.replace(/\.ts$/, '')] = (await import(pathToFileURL(path.join(MIGRATIONS_DIR, f)).href)) as Migration;
    return out;
  },
};

const VILLAGE = '522324101209';

async function audit(db: Kysely<Database>, seq: number, action: string, entity: string, entityId: string, diff: Record<string, unknown>) {
  await sql`insert into audit_log (chain, seq, at, action, entity, entity_id, diff, origin, prev_hash, hash)
    values ('522324', ${seq}, now(), ${action}, ${entity}, ${entityId}, ${JSON.stringify(diff)}::jsonb, '{}'::jsonb, 'x', 'y')`.execute(db);
}

describe('migration 0023 (card integrity) on existing data', () => {
  let handle: DbHandle | undefined;
  const url = process.env.DATABASE_URL;
  const name = url ? `${adminUrl(url).base}_wm22_${process.pid}` : '';
  afterAll(async () => {
    await handle?.close();
    if (url) await adminQuery(url, `drop database if exists "${name}" with (force)`);
  });

  it('turns defaults into 未填, keeps answers, splits 低保/特困, folds the settings, marks 部门预警', async () => {
    if (url) {
      await adminQuery(url, `drop database if exists "${name}"`);
      await adminQuery(url, `create database "${name}"`);
      // As the owner: migrating is the owner's job under the production role split.
      handle = await openDatabase({ databaseUrl: asOwner(withDatabase(url, name)), dataDir: '' }, { poolSize: 2 });
    } else {
      handle = await openDatabase({ databaseUrl: undefined, dataDir: '' }, { memory: true });
    }
    const db = handle.db;
    const migrator = new Migrator({ db, provider });
    const toAudit = await migrator.migrateTo('0022_audit_checkpoints');
    expect(toAudit.error).toBeUndefined();

    await sql`insert into areas (code, parent_code, level, name, county_code) values
      ('522324', null, 'county', '晴隆县', '522324'), (${VILLAGE}, '522324', 'village', '保家村', '522324')`.execute(db);
    // imported: never saved on the card; edited: saved through the edit form (version in the diff)
    const h = await sql<{ id: string; household_no: string }>`
      insert into households (county_code, village_code, household_no, head_name, household_type) values
        ('522324', ${VILLAGE}, 'H-imported', '甲', '低保户'),
        ('522324', ${VILLAGE}, 'H-edited', '乙', '特困供养户'),
        ('522324', ${VILLAGE}, 'H-plain', '丙', '一般户')
      returning id, household_no`.execute(db);
    const hid = Object.fromEntries(h.rows.map((r) => [r.household_no, r.id])) as Record<string, string>;
    await sql`update households set is_relocated = true where id = ${hid['H-imported']}`.execute(db);
    await audit(db, 1, 'household.update', 'household', hid['H-edited'] as string, { address: [null, '村口'], version: [1, 2] });
    // A finding's consequence (household_type only, no version) is not the edit form.
    await audit(db, 2, 'household.update', 'household', hid['H-plain'] as string, { household_type: ['低保户', '一般户'] });

    const person = (n: number) => `52232419800101${String(1000 + n).slice(1)}X`;
    const m = await sql<{ id: string; name: string }>`
      insert into members (household_id, county_code, name, id_number, relation, enjoys_assistance) values
        (${hid['H-imported']}, '522324', 'imported-no', ${person(1)}, '户主', false),
        (${hid['H-imported']}, '522324', 'imported-yes', ${person(2)}, '配偶', true),
        (${hid['H-edited']}, '522324', 'edited-yes', ${person(3)}, '户主', true),
        (${hid['H-plain']}, '522324', 'plain-yes', ${person(4)}, '户主', true),
        (${hid['H-plain']}, '522324', 'plain-null', ${person(5)}, '配偶', null)
      returning id, name`.execute(db);
    const mid = Object.fromEntries(m.rows.map((r) => [r.name, r.id])) as Record<string, string>;
    await audit(db, 3, 'member.create', 'member', mid['edited-yes'] as string, {
      name: [null, 'edited-yes'],
      is_active_military: [null, false],
      version: [null, 1],
    });

    await sql`insert into county_year_settings (county_code, year, poverty_line, monitoring_line, medical_self_pay_threshold) values
      ('522324', 2025, 450000, 790000, null), ('522324', 2026, 460000, 820000, 1500000)`.execute(db);
    await sql`insert into crosscheck_settings (county_code, medical_self_pay_threshold, medical_window_months) values ('522324', 800000, 6)`.execute(db);

    const run = await sql<{
      id: string;
    }>`insert into crosscheck_runs (county_code, as_of, settings, dataset_versions) values ('522324', '2026-01-01', '{}', '{}') returning id`.execute(db);
    const proc = async (type: string) =>
      (
        await sql<{ id: string }>`
          insert into procedures (county_code, village_code, household_id, type, status, stage, from_state, to_state, reason, evidence, payload, started_by_name, started_by_role)
          values ('522324', ${VILLAGE}, ${hid['H-plain']}, ${type}, 'rejected', null, '脱贫户', '清退', 'r', '{"text":"t","references":[]}', '{}', 'x', 'county_official')
          returning id`.execute(db)
      ).rows[0]?.id as string;
    const fromFinding = await proc('清退');
    const byHand = await proc('返贫');
    await sql`insert into findings (county_code, rule, household_no, id_number, household_id, severity, evidence, evidence_text, evidence_hash, first_run_id, last_run_id, procedure_id)
      values ('522324', 'VEHICLE', 'H-plain', ${person(4)}, ${hid['H-plain']}, 'exclude', '{}', 'e', 'h', ${run.rows[0]?.id}, ${run.rows[0]?.id}, ${fromFinding})`.execute(
      db,
    );

    const applied = await migrateToLatest(db);
    expect(applied.applied).toContain('0023_card_integrity');

    const hs = await sql<{ household_no: string; is_military_family: boolean | null; is_relocated: boolean | null }>`
      select household_no, is_military_family, is_relocated from households order by household_no`.execute(db);
    expect(hs.rows).toEqual([
      { household_no: 'H-edited', is_military_family: false, is_relocated: false }, // answered on the edit form
      { household_no: 'H-imported', is_military_family: null, is_relocated: true }, // default → 未填; a 是 stays
      { household_no: 'H-plain', is_military_family: null, is_relocated: null },
    ]);
    const ms = await sql<{
      name: string;
      is_active_military: boolean | null;
      enjoys_dibao: boolean | null;
      enjoys_tekun: boolean | null;
      enjoys_assistance: boolean | null;
    }>`
      select name, is_active_military, enjoys_dibao, enjoys_tekun, enjoys_assistance from members order by name`.execute(db);
    expect(ms.rows).toEqual([
      { name: 'edited-yes', is_active_military: false, enjoys_dibao: null, enjoys_tekun: true, enjoys_assistance: true },
      { name: 'imported-no', is_active_military: null, enjoys_dibao: false, enjoys_tekun: false, enjoys_assistance: false },
      { name: 'imported-yes', is_active_military: null, enjoys_dibao: true, enjoys_tekun: null, enjoys_assistance: true },
      { name: 'plain-null', is_active_military: null, enjoys_dibao: null, enjoys_tekun: null, enjoys_assistance: null },
      { name: 'plain-yes', is_active_military: null, enjoys_dibao: null, enjoys_tekun: null, enjoys_assistance: true },
    ]);
    // New rows: no default answer any more.
    const fresh = await sql<{ is_military_family: boolean | null }>`
      insert into households (county_code, village_code, household_no, head_name) values ('522324', ${VILLAGE}, 'H-new', '丁') returning is_military_family`.execute(
      db,
    );
    expect(fresh.rows[0]?.is_military_family).toBeNull();

    const cs = await sql<{ year: number; medical_self_pay_threshold: number | null; medical_window_months: number }>`
      select year, medical_self_pay_threshold, medical_window_months from county_year_settings order by year`.execute(db);
    expect(
      cs.rows.map((r) => ({ ...r, medical_self_pay_threshold: r.medical_self_pay_threshold == null ? null : Number(r.medical_self_pay_threshold) })),
    ).toEqual([
      { year: 2025, medical_self_pay_threshold: 800000, medical_window_months: 6 }, // the empty alert takes the old setting
      { year: 2026, medical_self_pay_threshold: 1500000, medical_window_months: 6 }, // the county's own alert stays
    ]);
    const gone = await sql<{ n: number }>`select count(*)::int as n from information_schema.tables where table_name = 'crosscheck_settings'`.execute(db);
    expect(gone.rows[0]?.n).toBe(0);

    const ps = await sql<{ id: string; origin: string | null; finding_id: string | null }>`select id, origin, finding_id from procedures`.execute(db);
    const byId = new Map(ps.rows.map((p) => [p.id, p]));
    expect(byId.get(fromFinding)).toMatchObject({ origin: '部门预警' });
    expect(byId.get(fromFinding)?.finding_id).toBeTruthy();
    expect(byId.get(byHand)).toMatchObject({ origin: null, finding_id: null });
    await expect(sql`update procedures set origin = '电话' where id = ${byHand}`.execute(db)).rejects.toThrow();
  });
});
