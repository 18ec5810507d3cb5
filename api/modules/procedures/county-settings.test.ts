// County settings per year (poverty line, monitoring line, in integer fen): readable across the
// county, changed only by the county office of that county, versioned and audited; the demo seed
// holds 黔西南州's lines for 2021–2026. Through the typed client (agent.api): the requests and
// answers are typed by the routes' schemas, so a schema change breaks this file at typecheck.
import type { InferRequestType } from 'hono/client';
import { describe, expect, it } from 'vitest';
import { getTestDb } from '../../test/db.ts';
import { type Agent, type ApiClient, bodyOf, loginAs } from '../../test/http.ts';
import { demoName } from '../../test/factories.ts';

type SettingsBody = InferRequestType<ApiClient['county-settings'][':countyCode']['years'][':year']['$put']>['json'];

describe('county settings', () => {
  it('are seeded for every county of 黔西南州 for 2021–2026 and readable inside the county', async () => {
    const { db } = await getTestDb();
    const rows = await db
      .selectFrom('county_year_settings')
      .select(['county_code', 'year'])
      .where('county_code', 'like', '5223%')
      .where('year', '>=', 2021) // other tests set lines of years of their own outside the seeded range
      .where('year', '<=', 2026)
      .execute();
    expect(new Set(rows.map((r) => r.county_code)).size).toBe(8);
    expect(rows).toHaveLength(8 * 6); // every county, every year
    expect(new Set(rows.map((r) => r.year))).toEqual(new Set([2021, 2022, 2023, 2024, 2025, 2026]));

    const cadre = await loginAs('baojia_cadre'); // a village in the county reads its county's lines
    const settings = cadre.api['county-settings'][':countyCode'].years;
    const s2023 = await bodyOf(await settings[':year'].$get({ param: { countyCode: '522324', year: 2023 } }), 200);
    expect(s2023).toMatchObject({ countyCode: '522324', year: 2023, monitoringLineFen: 730000, povertyLineFen: 430000 });
    expect((await settings[':year'].$get({ param: { countyCode: '522301', year: 2023 } })).status).toBe(403);
    const missing = await bodyOf(await settings[':year'].$get({ param: { countyCode: '522324', year: 2039 } }), 404);
    expect(missing.error.message).toBe('县 522324 尚未设置 2039 年度的贫困线和监测线');
    expect((await settings[':year'].$get({ param: { countyCode: '5223', year: 2023 } })).status).toBe(400);

    // Every year at once, latest first (the settings page).
    const list = await bodyOf(await settings.$get({ param: { countyCode: '522324' } }), 200);
    const years = list.items.map((x) => x.year);
    expect(years).toEqual([...years].sort((a, b) => b - a));
    expect(years).toEqual(expect.arrayContaining([2021, 2022, 2023, 2024, 2025, 2026]));
    expect(list.items.find((x) => x.year === 2023)).toMatchObject({ monitoringLineFen: 730000, riskEliminationMonths: 6 });
    expect((await settings.$get({ param: { countyCode: '522301' } })).status).toBe(403);
  });

  it('are created and changed only by the county office of that county, with versions, and audited', async () => {
    const county = await loginAs('qinglong_county');
    // A year no one has set yet (other tests and earlier runs on a shared database set years of their own).
    const { db } = await getTestDb();
    const taken = new Set((await db.selectFrom('county_year_settings').select('year').where('county_code', '=', '522324').execute()).map((r) => r.year));
    const year = Array.from({ length: 40 }, (_, i) => 2040 + i).find((y) => !taken.has(y));
    if (year === undefined) throw new Error('no free year between 2040 and 2079 for county 522324');
    const param = { countyCode: '522324', year };
    const put = (agent: Agent, json: SettingsBody, p = param) => agent.api['county-settings'][':countyCode'].years[':year'].$put({ param: p, json });
    for (const user of ['shazi_township', 'baojia_cadre', 'qinglong_inspector', 'admin']) {
      const agent = await loginAs(user);
      const r = await put(agent, { povertyLineFen: 500000, monitoringLineFen: 800000 });
      expect(r.status, user).toBe(403);
    }
    expect((await put(county, { povertyLineFen: 1, monitoringLineFen: 2 }, { countyCode: '522301', year: 2030 })).status).toBe(403);

    // A field the schema does not have: sent untyped, as a client that is not ours might.
    const bad = await county.request('PUT', `/api/county-settings/522324/years/${year}`, { povertyLineFen: 800000, monitoringLineFen: 700000, extra: 1 });
    expect(bad.status).toBe(400);
    const fields = ((await bad.json()) as { error: { fields: { path: string; code: string }[] } }).error.fields.map((f) => `${f.path}:${f.code}`);
    expect(fields).toEqual(expect.arrayContaining(['extra:field.unknown']));
    const order = await bodyOf(await put(county, { povertyLineFen: 800000, monitoringLineFen: 700000 }), 400);
    expect(order.error.fields).toEqual([{ path: 'monitoringLineFen', code: 'countySettings.monitoringBelowPoverty', message: '监测线不能低于贫困线' }]);

    const created = await bodyOf(await put(county, { povertyLineFen: 500000, monitoringLineFen: 800000, medicalSelfPayThresholdFen: 1_500_000 }), 200);
    expect(created).toMatchObject({
      povertyLineFen: 500000,
      monitoringLineFen: 800000,
      medicalSelfPayThresholdFen: 1_500_000,
      riskEliminationMonths: 6,
      version: 1,
    });
    const again = await bodyOf(await put(county, { povertyLineFen: 510000, monitoringLineFen: 800000 }), 409);
    expect(again.error.details?.currentVersion).toBe(1);
    const months = await bodyOf(await put(county, { povertyLineFen: 510000, monitoringLineFen: 820000, riskEliminationMonths: 40, version: 1 }), 400);
    expect(months.error.fields?.map((f) => f.path)).toEqual(['riskEliminationMonths']);
    const changed = await bodyOf(await put(county, { povertyLineFen: 510000, monitoringLineFen: 820000, riskEliminationMonths: 12, version: 1 }), 200);
    expect(changed).toMatchObject({
      povertyLineFen: 510000,
      monitoringLineFen: 820000,
      medicalSelfPayThresholdFen: 1_500_000,
      riskEliminationMonths: 12,
      version: 2,
    });
    expect(changed.version).toBe(2);
    const stale = await bodyOf(await put(county, { povertyLineFen: 520000, monitoringLineFen: 820000, version: 1 }), 409);
    expect(stale.error.details?.currentVersion).toBe(2);

    const audit = await db
      .selectFrom('audit_log')
      .select(['action', 'actor_name', 'diff', 'chain'])
      .where('entity', '=', 'county_year_settings')
      .where('entity_id', '=', `522324/${year}`)
      .orderBy('seq')
      .execute();
    // The refused writes of other areas' and read-only accounts are audited too.
    expect(audit.map((a) => a.action)).toEqual(['access.denied', 'access.denied', 'access.denied', 'county_settings.create', 'county_settings.update']);
    expect(audit[4]).toMatchObject({
      actor_name: demoName('qinglong_county'),
      chain: '522324',
      diff: { poverty_line: [500000, 510000], monitoring_line: [800000, 820000], risk_elimination_months: [6, 12], version: [1, 2] },
    });
  });
});
