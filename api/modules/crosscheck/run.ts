// A cross-check run: snapshot the county's registry members, let every rule insert its candidates
// (set-based SQL), and merge them into findings — all in one transaction. Findings keep their
// identity (rule, 户编号, 证件号码) across runs: open ones are refreshed, never duplicated; dismissed
// ones stay dismissed while their evidence is unchanged.
import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { type Actor, recordAudit } from '../audit/audit.ts';
import { RULES } from './rules/index.ts';
import type { RuleContext, Source } from './rules/types.ts';

export interface RunInput {
  countyCode: string;
  asOf: string;
  actor: Actor;
  origin?: Record<string, unknown>;
  /** Limit to some rule codes (default all). */
  rules?: string[];
}

export interface RunResult {
  runId: string;
  asOf: string;
  counts: Record<string, number>;
  skipped: { rule: string; missing: Source[] }[];
  newFindings: number;
  reopened: number;
  totalPresent: number;
  /** Milliseconds per rule, and for the merge into findings. */
  timings: Record<string, number>;
}



export async function currentVersions(db: Kysely<Database>, countyCode: string): Promise<Partial<Record<Source, string>>> {
  const rows = await sql<{ source: Source; id: string }>`
    select distinct on (source) source, id from dataset_versions
    where county_code = ${countyCode} and status = 'succeeded'
    order by source, finished_at desc`.execute(db);
  return Object.fromEntries(rows.rows.map((r) => [r.source, r.id]));
}

export async function runCrosscheck(db: Kysely<Database>, input: RunInput): Promise<RunResult> {
  return db.transaction().execute(async (trx) => {
    // One run per county at a time.
    await sql`select pg_advisory_xact_lock(hashtext(${`crosscheck:${input.countyCode}`}))`.execute(trx);
    const s = await sql<{ medical_self_pay_threshold: number; medical_window_months: number }>`
      select medical_self_pay_threshold, medical_window_months from crosscheck_settings where county_code = ${input.countyCode}`.execute(trx);
    const settings = {
      medicalSelfPayThreshold: Number(s.rows[0]?.medical_self_pay_threshold ?? 1_000_000),
      medicalWindowMonths: Number(s.rows[0]?.medical_window_months ?? 12),
    };
    const versions = await currentVersions(trx, input.countyCode);
    const run = await sql<{ id: string }>`
      insert into crosscheck_runs (county_code, as_of, settings, dataset_versions, started_by, started_by_name)
      values (${input.countyCode}, ${input.asOf}, ${JSON.stringify(settings)}, ${JSON.stringify(versions)}, ${input.actor.id}, ${input.actor.name})
      returning id`.execute(trx);
    const runId = run.rows[0]?.id as string;

    await sql`
      create temp table cc_members on commit drop as
      select m.id as member_id, m.household_id, h.household_no, h.village_code, h.household_type, m.id_number, m.name,
        m.schooling, m.health, m.person_status, m.status_date, m.person_status <> '死亡' as alive
      from members m join households h on h.id = m.household_id
      where h.county_code = ${input.countyCode} and m.county_code = ${input.countyCode}
        and h.deleted_at is null and m.deleted_at is null`.execute(trx);
    await sql`create index on cc_members (id_number)`.execute(trx);
    await sql`create index on cc_members (household_id)`.execute(trx);
    await sql`analyze cc_members`.execute(trx);
    await sql`
      create temp table cc_candidates (
        rule text not null, household_no text not null, id_number text not null, household_id uuid, member_id uuid,
        village_code text, severity text not null, evidence jsonb not null, evidence_text text not null
      ) on commit drop`.execute(trx);

    const ctx: RuleContext = { countyCode: input.countyCode, asOf: input.asOf, settings, versions };
    const skipped: RunResult['skipped'] = [];
    const timings: Record<string, number> = {};
    for (const rule of RULES) {
      if (input.rules && !input.rules.includes(rule.code)) continue;
      const missing = rule.sources.filter((src) => !versions[src]);
      if (missing.length) {
        skipped.push({ rule: rule.code, missing });
        continue;
      }
      const t0 = performance.now();
      await rule.insert(ctx).execute(trx);
      timings[rule.code] = Math.round(performance.now() - t0);
    }
    const tMerge = performance.now();

    const merged = await sql<{ inserted: number; reopened: number; total: number }>`
      with m as (
      insert into findings as f (county_code, rule, household_no, id_number, household_id, member_id, village_code, severity,
        evidence, evidence_text, evidence_hash, first_run_id, last_run_id)
      select ${input.countyCode}, c.rule, c.household_no, c.id_number, c.household_id, c.member_id, c.village_code, c.severity,
        c.evidence, c.evidence_text, md5(c.evidence::text), ${runId}, ${runId}
      from (select distinct on (rule, household_no, id_number) * from cc_candidates order by rule, household_no, id_number) c
      on conflict (county_code, rule, household_no, id_number) do update set
        evidence = excluded.evidence,
        evidence_text = excluded.evidence_text,
        evidence_hash = excluded.evidence_hash,
        household_id = excluded.household_id,
        member_id = excluded.member_id,
        village_code = excluded.village_code,
        severity = excluded.severity,
        last_run_id = excluded.last_run_id,
        last_seen_at = now(),
        present = true,
        -- A dismissed finding comes back only when its evidence changed; a resolved one when it fires again.
        status = case
          when f.status = 'dismissed' and f.evidence_hash <> excluded.evidence_hash then 'open'
          when f.status = 'resolved' then 'open'
          else f.status end,
        status_reason = case
          when (f.status = 'dismissed' and f.evidence_hash <> excluded.evidence_hash) or f.status = 'resolved' then '证据已变化，重新打开'
          else f.status_reason end,
        version = f.version + case when f.evidence_hash <> excluded.evidence_hash or not f.present then 1 else 0 end
      returning (xmax = 0) as inserted,
        (status = 'open' and first_run_id <> ${runId} and status_reason = '证据已变化，重新打开' and last_run_id = ${runId}) as reopened)
      -- Counted here: tens of thousands of rows need not travel to the application.
      select count(*) filter (where inserted)::int as inserted, count(*) filter (where reopened)::int as reopened, count(*)::int as total from m`.execute(trx);
    timings._merge = Math.round(performance.now() - tMerge);
    const rulesRun = RULES.filter((r) => (!input.rules || input.rules.includes(r.code)) && !skipped.some((x) => x.rule === r.code)).map((r) => r.code);
    if (rulesRun.length) {
      await sql`
        update findings set present = false
        where county_code = ${input.countyCode} and present and last_run_id <> ${runId} and rule in (${sql.join(rulesRun)})`.execute(trx);
    }
    const countRows = await sql<{ rule: string; n: number }>`select rule, count(*)::int as n from cc_candidates group by rule`.execute(trx);
    const counts = Object.fromEntries(countRows.rows.map((r) => [r.rule, Number(r.n)]));
    await sql`update crosscheck_runs set status = 'succeeded', finished_at = now(), counts = ${JSON.stringify({ ...counts, _skipped: skipped })}
      where id = ${runId}`.execute(trx);
    const result: RunResult = {
      runId,
      asOf: input.asOf,
      counts,
      skipped,
      newFindings: Number(merged.rows[0]?.inserted ?? 0),
      reopened: Number(merged.rows[0]?.reopened ?? 0),
      totalPresent: Number(merged.rows[0]?.total ?? 0),
      timings,
    };
    await recordAudit(trx, {
      actor: input.actor,
      action: 'crosscheck.run',
      entity: 'crosscheck_run',
      entityId: runId,
      areaCode: input.countyCode,
      note: { asOf: input.asOf, counts, skipped, versions, newFindings: result.newFindings, reopened: result.reopened },
      origin: input.origin,
    });
    return result;
  });
}
