// The demo department datasets (seeds/demo-departments.ts) match the demo households of the template:
// imported through the department importer as the seed, they make every rule of the catalogue find
// a few households and none find many; nothing is dated after as-of; a second call adds nothing.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/connect.ts';
import { cloneTemplate } from '../../test/cli.ts';
import { useTestAuditKey } from '../../test/template.ts';
import { SOURCE_CODES } from '../datasets/sources.ts';
import { RULES } from './rules/index.ts';
import { hasDemoDepartments, seedDemoDepartments } from '../../../seeds/demo-departments.ts';

const COUNTY = '522324';
const AS_OF = '2026-11-30';

describe('demo department datasets', { timeout: 600_000 }, () => {
  let target: Awaited<ReturnType<typeof cloneTemplate>>;
  let h: DbHandle;
  let result: Awaited<ReturnType<typeof seedDemoDepartments>>;
  const log: string[] = [];

  beforeAll(async () => {
    useTestAuditKey();
    target = await cloneTemplate('demo-departments');
    h = await target.openOwner();
    expect(await hasDemoDepartments(h.db, COUNTY)).toBe(false);
    result = await seedDemoDepartments(h, { seed: 42, asOf: AS_OF, log: (line) => log.push(line) });
  });
  afterAll(async () => {
    await h?.close();
    await target?.drop();
  });

  async function presentByRule() {
    const r = await sql<{ rule: string; n: number }>`
      select rule, count(*)::int as n from findings where county_code = ${COUNTY} and present group by rule`.execute(h.db);
    return Object.fromEntries(r.rows.map((x) => [x.rule, Number(x.n)]));
  }

  it('imports the ten sources as the seed, a few rows with an unusable ID number among them', async () => {
    const versions = await h.db
      .selectFrom('dataset_versions')
      .select(['source', 'status', 'imported_by', 'imported_by_name', 'rows_loaded', 'rows_unusable'])
      .where('county_code', '=', COUNTY)
      .execute();
    expect(versions.map((v) => v.source).sort()).toEqual([...SOURCE_CODES].sort());
    expect(result.datasets).toBe(SOURCE_CODES.length);
    for (const v of versions) expect(v, v.source).toMatchObject({ status: 'succeeded', imported_by: null, imported_by_name: 'system' });
    expect(versions.reduce((n, v) => n + Number(v.rows_loaded), 0)).toBe(result.rows);
    const unusable = versions.reduce((n, v) => n + Number(v.rows_unusable), 0);
    expect(unusable).toBeGreaterThanOrEqual(3);
    expect(unusable).toBeLessThan(10);
    const audited = await sql<{ n: number }>`
      select count(*)::int as n from audit_log where action = 'dataset.import' and actor_name = 'system' and area_code = ${COUNTY}`.execute(h.db);
    expect(Number(audited.rows[0]?.n)).toBe(SOURCE_CODES.length);
    expect(log.join('\n')).toContain(`cross-check as of ${AS_OF}`);
  });

  it('makes every rule of the catalogue find something, and none find many', async () => {
    const found = await presentByRule();
    expect(found).toEqual(result.findings);
    const households = await h.db
      .selectFrom('households')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('county_code', '=', COUNTY)
      .where('deleted_at', 'is', null)
      .executeTakeFirstOrThrow();
    const cap = Math.ceil(Number(households.n) * 0.05);
    for (const rule of RULES) {
      expect(found[rule.code] ?? 0, `${rule.code} finds nothing in the demo data`).toBeGreaterThanOrEqual(1);
      expect(found[rule.code], `${rule.code} finds more than ${cap} (5 % of the households)`).toBeLessThanOrEqual(cap);
    }
    expect(Object.keys(found).sort()).toEqual(RULES.map((r) => r.code).sort());
  });

  it('points every finding about a household at a household of the county', async () => {
    const r = await sql<{ n: number; stray: number; missed: number }>`
      select count(*)::int as n,
        count(*) filter (where h.id is null or h.county_code <> ${COUNTY} or h.household_no <> f.household_no)::int as stray,
        (select count(*)::int from findings where county_code = ${COUNTY} and household_id is null and rule <> 'MISSED_ASSISTANCE') as missed
      from findings f left join households h on h.id = f.household_id
      where f.county_code = ${COUNTY} and f.household_id is not null`.execute(h.db);
    expect(Number(r.rows[0]?.n)).toBeGreaterThan(20);
    expect(Number(r.rows[0]?.stray)).toBe(0);
    expect(Number(r.rows[0]?.missed)).toBe(0);
  });

  it('dates nothing after as-of', async () => {
    const r = await sql<{ d: string | null }>`
      select max(d)::text as d from (
        select max(event_date) as d from ds_household_events where county_code = ${COUNTY}
        union all select max(paid_on) from ds_subsidy_payments where county_code = ${COUNTY}
        union all select max(greatest(admitted_on, discharged_on)) from ds_medical_claims where county_code = ${COUNTY}
        union all select max(stop_date) from ds_civil_assistance where county_code = ${COUNTY}
        union all select max(issued_on) from ds_disability where county_code = ${COUNTY}
        union all select max(registered_on) from ds_vehicles where county_code = ${COUNTY}
        union all select max(founded_on) from ds_businesses where county_code = ${COUNTY}
        union all select max(registered_on) from ds_property where county_code = ${COUNTY}
        union all select max(hired_on) from ds_public_payroll where county_code = ${COUNTY}) x`.execute(h.db);
    const last = r.rows[0]?.d ?? '';
    expect(last).not.toBe('');
    expect(last <= AS_OF).toBe(true);
    const months = await sql<{ m: string | null }>`select max(start_month) as m from ds_civil_assistance where county_code = ${COUNTY}`.execute(h.db);
    expect((months.rows[0]?.m ?? '') <= AS_OF.slice(0, 7)).toBe(true);
  });

  it('adds nothing when the county has department data already', async () => {
    expect(await hasDemoDepartments(h.db, COUNTY)).toBe(true);
    const before = await sql<{ versions: number; runs: number }>`
      select (select count(*)::int from dataset_versions where county_code = ${COUNTY}) as versions,
        (select count(*)::int from crosscheck_runs where county_code = ${COUNTY}) as runs`.execute(h.db);
    const again = await seedDemoDepartments(h, { seed: 42, asOf: AS_OF });
    expect(again).toEqual({ datasets: 0, rows: 0, findings: {} });
    const after = await sql<{ versions: number; runs: number }>`
      select (select count(*)::int from dataset_versions where county_code = ${COUNTY}) as versions,
        (select count(*)::int from crosscheck_runs where county_code = ${COUNTY}) as runs`.execute(h.db);
    expect(after.rows[0]).toEqual(before.rows[0]);
    expect(await presentByRule()).toEqual(result.findings);
  });
});
