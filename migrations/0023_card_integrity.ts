// Card integrity (issue 21): yes/no answers are three-valued, 低保 and 特困 are two answers, the
// county's yearly standards are the only thresholds, and procedures say where they came from.
//
// 1. 是否军烈属, 是否易地扶贫搬迁户 (households) and 是否现役军人 (members) lose NOT NULL DEFAULT false:
//    null is 未填. Existing false values stay false — except where the false was provably written
//    by the column default for a question nobody answered: a household never saved through the
//    card's edit form (no 'household.update' audit entry carrying a version change: registry
//    imports, the seed and candidate registration never ask these questions), and a member never
//    written through the card (no 'member.create' / 'member.update' entry with a version).
// 2. 享受低保 / 享受特困供养 become two answers (enjoys_dibao, enjoys_tekun). The old single answer
//    enjoys_assistance (是否享受低保/特困) splits where it can: 否 → 否 to both; 是 in a 低保户 →
//    享受低保 是 (特困 未填), in a 特困供养户 → 享受特困供养 是 (低保 未填), elsewhere both 未填. The
//    old column is kept, read by nothing, so that no answer given before is lost.
// 3. The medical self-pay alert and its window are county standards per year
//    (county_year_settings, the 年度标准 page); crosscheck_settings, which no page or API changed,
//    is folded into it (its window months into every year of the county; its threshold where the
//    county left the year's alert empty) and dropped.
// 4. Procedures record their origin (农户申请, 干部走访, 部门预警) and, for 部门预警, the finding that
//    raised it. Procedures opened by confirming a finding (findings.procedure_id) are 部门预警.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // ── 1. Three-valued yes/no ────────────────────────────────────────────────────────────────
  await sql`
    alter table households
      alter column is_military_family drop not null, alter column is_military_family drop default,
      alter column is_relocated drop not null, alter column is_relocated drop default`.execute(db);
  await sql`alter table members alter column is_active_military drop not null, alter column is_active_military drop default`.execute(db);
  await sql`
    update households h set
      is_military_family = case when h.is_military_family then true end,
      is_relocated = case when h.is_relocated then true end
    where (h.is_military_family = false or h.is_relocated = false)
      and not exists (
        select 1 from audit_log a
        where a.entity = 'household' and a.entity_id = h.id::text and a.action = 'household.update' and a.diff ? 'version')`.execute(db);
  await sql`
    update members m set is_active_military = null
    where m.is_active_military = false
      and not exists (
        select 1 from audit_log a
        where a.entity = 'member' and a.entity_id = m.id::text and a.action in ('member.create', 'member.update') and a.diff ? 'version')`.execute(db);

  // ── 2. 享受低保 / 享受特困供养 ───────────────────────────────────────────────────────────────
  await sql`alter table members add column enjoys_dibao boolean, add column enjoys_tekun boolean`.execute(db);
  await sql`
    update members m set
      enjoys_dibao = case when m.enjoys_assistance = false then false when h.household_type = '低保户' then true end,
      enjoys_tekun = case when m.enjoys_assistance = false then false when h.household_type = '特困供养户' then true end
    from households h
    where h.id = m.household_id and m.enjoys_assistance is not null`.execute(db);

  // ── 3. One source for the county's thresholds ──────────────────────────────────────────────
  await sql`
    alter table county_year_settings
      add column medical_window_months integer not null default 12
        constraint county_year_settings_medical_window_range check (medical_window_months between 1 and 36)`.execute(db);
  await sql`
    update county_year_settings c set
      medical_window_months = s.medical_window_months,
      medical_self_pay_threshold = coalesce(c.medical_self_pay_threshold, s.medical_self_pay_threshold)
    from crosscheck_settings s
    where s.county_code = c.county_code and s.medical_window_months between 1 and 36`.execute(db);
  await sql`drop table crosscheck_settings`.execute(db);

  // ── 4. Where a procedure came from ─────────────────────────────────────────────────────────
  await sql`
    alter table procedures
      add column origin text constraint procedures_origin_check check (origin in ('农户申请', '干部走访', '部门预警')),
      add column finding_id uuid references findings (id),
      add constraint procedures_finding_origin_check check (finding_id is null or origin = '部门预警')`.execute(db);
  await sql`
    update procedures p set origin = '部门预警', finding_id = f.id
    from findings f where f.procedure_id = p.id`.execute(db);
}
