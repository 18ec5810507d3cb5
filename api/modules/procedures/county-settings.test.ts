// County settings per year (poverty line, monitoring line, in integer fen): readable across the
// county, changed only by the county office of that county, versioned and audited; the demo seed
// holds 黔西南州's lines for 2021–2026.
import { describe, expect, it } from 'vitest';
import { getTestDb } from '../../test/db.ts';
import { loginAs } from '../../test/http.ts';

type Settings = { countyCode: string; year: number; povertyLineFen: number; monitoringLineFen: number; medicalSelfPayThresholdFen: number | null; riskEliminationMonths: number; version: number };
type ErrorBody = { error: { code: string; message: string; details?: Record<string, unknown>; fields?: { path: string; code: string }[] } };

describe('county settings', () => {
  it('are seeded for every county of 黔西南州 for 2021–2026 and readable inside the county', async () => {
    const { db } = await getTestDb();
    const rows = await db.selectFrom('county_year_settings').select(['county_code', 'year']).where('county_code', 'like', '5223%').where('year', '<=', 2026).execute();
    expect(new Set(rows.map((r) => r.county_code)).size).toBe(8);
    expect(new Set(rows.map((r) => r.year))).toEqual(new Set([2021, 2022, 2023, 2024, 2025, 2026]));

    const cadre = await loginAs('baojia_cadre'); // a village in the county reads its county's lines
    const res = await cadre.get('/api/county-settings/522324/years/2023');
    expect(res.status).toBe(200);
    expect((await res.json()) as Settings).toMatchObject({ countyCode: '522324', year: 2023, monitoringLineFen: 730000, povertyLineFen: 430000 });
    expect((await cadre.get('/api/county-settings/522301/years/2023')).status).toBe(403);
    const missing = await cadre.get('/api/county-settings/522324/years/2039');
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as ErrorBody).error.message).toBe('县 522324 尚未设置 2039 年度的贫困线和监测线');
    expect((await cadre.get('/api/county-settings/5223/years/2023')).status).toBe(400);

    // Every year at once, latest first (the settings page).
    const list = (await (await cadre.get('/api/county-settings/522324/years')).json()) as { items: Settings[] };
    const years = list.items.map((x) => x.year);
    expect(years).toEqual([...years].sort((a, b) => b - a));
    expect(years).toEqual(expect.arrayContaining([2021, 2022, 2023, 2024, 2025, 2026]));
    expect(list.items.find((x) => x.year === 2023)).toMatchObject({ monitoringLineFen: 730000, riskEliminationMonths: 6 });
    expect((await cadre.get('/api/county-settings/522301/years')).status).toBe(403);
  });

  it('are created and changed only by the county office of that county, with versions, and audited', async () => {
    const county = await loginAs('qinglong_county');
    const year = 2040 + (process.pid % 50); // a year no other test uses
    const path = `/api/county-settings/522324/years/${year}`;
    for (const user of ['shazi_township', 'baojia_cadre', 'qinglong_inspector', 'admin']) {
      const agent = await loginAs(user);
      const r = await agent.request('PUT', path, { povertyLineFen: 500000, monitoringLineFen: 800000 });
      expect(r.status, user).toBe(403);
    }
    expect((await county.request('PUT', '/api/county-settings/522301/years/2030', { povertyLineFen: 1, monitoringLineFen: 2 })).status).toBe(403);

    const bad = await county.request('PUT', path, { povertyLineFen: 800000, monitoringLineFen: 700000, extra: 1 });
    expect(bad.status).toBe(400);
    const fields = ((await bad.json()) as ErrorBody).error.fields?.map((f) => `${f.path}:${f.code}`);
    expect(fields).toEqual(expect.arrayContaining(['extra:field.unknown']));
    const order = await county.request('PUT', path, { povertyLineFen: 800000, monitoringLineFen: 700000 });
    expect(((await order.json()) as ErrorBody).error.fields).toEqual([
      { path: 'monitoringLineFen', code: 'countySettings.monitoringBelowPoverty', message: '监测线不能低于贫困线' },
    ]);

    const created = await county.request('PUT', path, { povertyLineFen: 500000, monitoringLineFen: 800000, medicalSelfPayThresholdFen: 1_500_000 });
    expect(created.status).toBe(200);
    expect((await created.json()) as Settings).toMatchObject({ povertyLineFen: 500000, monitoringLineFen: 800000, medicalSelfPayThresholdFen: 1_500_000, riskEliminationMonths: 6, version: 1 });
    const again = await county.request('PUT', path, { povertyLineFen: 510000, monitoringLineFen: 800000 });
    expect(again.status).toBe(409);
    expect(((await again.json()) as ErrorBody).error.details?.currentVersion).toBe(1);
    const months = await county.request('PUT', path, { povertyLineFen: 510000, monitoringLineFen: 820000, riskEliminationMonths: 40, version: 1 });
    expect(((await months.json()) as ErrorBody).error.fields?.map((f) => f.path)).toEqual(['riskEliminationMonths']);
    const changed = await county.request('PUT', path, { povertyLineFen: 510000, monitoringLineFen: 820000, riskEliminationMonths: 12, version: 1 });
    expect((await changed.json()) as Settings).toMatchObject({ povertyLineFen: 510000, monitoringLineFen: 820000, medicalSelfPayThresholdFen: 1_500_000, riskEliminationMonths: 12, version: 2 });
    const stale = await county.request('PUT', path, { povertyLineFen: 520000, monitoringLineFen: 820000, version: 1 });
    expect(stale.status).toBe(409);
    expect(((await stale.json()) as ErrorBody).error.details?.currentVersion).toBe(2);

    const { db } = await getTestDb();
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
      actor_name: 'qinglong_county',
      chain: '522324',
      diff: { poverty_line: [500000, 510000], monitoring_line: [800000, 820000], risk_elimination_months: [6, 12], version: [1, 2] },
    });
  });
});
