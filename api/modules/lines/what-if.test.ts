// ★ What if the line moved: on both databases, households of a year counted under the county's lines
// and under proposed ones, per village; the households that would cross listed (no names); scoped
// to the caller's area; nothing written.
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { getOwnerDb } from '../../test/db.ts';
import { newHousehold } from '../../test/factories.ts';
import { loginAs } from '../../test/http.ts';

const YEAR = 2016;
const BAOJIA = '522324101209';
const SANHE = '522324101002';
/** Per-capita incomes (fen) of four one-person households: under, just over, well over the poverty line of 3,000 元; one in 三合社区. */
const INCOMES = [250_000, 320_000, 520_000];
let ids: string[] = [];
let sanhe = '';

beforeAll(async () => {
  const owner = await getOwnerDb();
  ids = [];
  for (const [i, income] of INCOMES.entries()) {
    const h = await newHousehold({ village: BAOJIA, head: `测算户${i}`, members: 1 });
    ids.push(h.id);
    await sql`insert into household_years (household_id, county_code, year, household_size, wage_income) values (${h.id}, '522324', ${YEAR}, 1, ${income})`.execute(
      owner,
    );
  }
  const s = await newHousehold({ village: SANHE, head: '测算户三合', members: 1 });
  sanhe = s.id;
  await sql`insert into household_years (household_id, county_code, year, household_size, wage_income) values (${s.id}, '522324', ${YEAR}, 1, 310000)`.execute(
    owner,
  );
  await sql`
    insert into county_year_settings (county_code, year, poverty_line, monitoring_line) values ('522324', ${YEAR}, 300000, 450000)
    on conflict (county_code, year) do update set poverty_line = 300000, monitoring_line = 450000`.execute(owner);
});

interface WhatIf {
  linesNow: { povertyFen: number; monitoringFen: number };
  totals: { recorded: number; underPovertyNow: number; underPovertyThen: number; underMonitoringNow: number; underMonitoringThen: number };
  villages: { villageCode: string; villageName: string; recorded: number; underPovertyNow: number; underPovertyThen: number }[];
  crossing: { householdId: string; householdNo: string; incomeFen: number; povertySide: string; monitoringSide: string }[];
  crossingTotal: number;
}

describe('GET /api/lines/what-if', () => {
  it('counts, per village, the households under the lines now and with the proposed lines, and lists who would cross', async () => {
    const county = await loginAs('qinglong_county');
    const res = await county.get(`/api/lines/what-if?area=522324101&year=${YEAR}&povertyLine=330000&monitoringLine=500000`);
    expect(res.status, await res.clone().text()).toBe(200);
    const w = (await res.json()) as WhatIf;
    expect(w.linesNow).toEqual({ povertyFen: 300000, monitoringFen: 450000 });
    const baojia = w.villages.find((v) => v.villageCode === BAOJIA);
    expect(baojia).toMatchObject({ villageName: '保家村', recorded: 3, underPovertyNow: 1, underPovertyThen: 2 });
    const mine = w.crossing.filter((c) => ids.includes(c.householdId) || c.householdId === sanhe);
    // 3,200 元 falls under the poverty line moved to 3,300, and 三合社区’s 3,100 元 too; 5,200 元 stays above a 5,000 monitoring line.
    expect(mine.map((c) => [c.householdId, c.povertySide, c.monitoringSide]).sort()).toEqual(
      [
        [ids[1], 'falls', 'same'],
        [sanhe, 'falls', 'same'],
      ].sort(),
    );
    expect(w.totals.underPovertyThen - w.totals.underPovertyNow).toBe(2);
    // Nothing personal: a household is its id, 户编号, village, status and income.
    expect(JSON.stringify(w)).not.toContain('测算户');
    // Raising the monitoring line above 5,200 元 brings the third household under it.
    const up = (await (await county.get(`/api/lines/what-if?area=${BAOJIA}&year=${YEAR}&monitoringLine=600000`)).json()) as WhatIf;
    expect(up.crossing.find((c) => c.householdId === ids[2])).toMatchObject({ povertySide: 'same', monitoringSide: 'falls', incomeFen: 520000 });
    expect(up.villages.map((v) => v.villageCode)).toEqual([BAOJIA]);
    // Nothing was changed.
    const owner = await getOwnerDb();
    const { rows } = await sql<{ p: number }>`select poverty_line::int as p from county_year_settings where county_code = '522324' and year = ${YEAR}`.execute(
      owner,
    );
    expect(rows[0]?.p).toBe(300000);
  });

  it('keeps a village cadre to their village, and refuses what it cannot answer', async () => {
    const cadre = await loginAs('baojia_cadre');
    const mine = (await (await cadre.get(`/api/lines/what-if?area=${BAOJIA}&year=${YEAR}&povertyLine=330000`)).json()) as WhatIf;
    expect(mine.crossing.map((c) => c.householdId)).toContain(ids[1]);
    expect(mine.crossing.map((c) => c.householdId)).not.toContain(sanhe);
    expect((await cadre.get(`/api/lines/what-if?area=522324101&year=${YEAR}`)).status).toBe(403);
    const county = await loginAs('qinglong_county');
    expect((await county.get('/api/lines/what-if?area=5223&year=2016')).status).toBe(400);
    expect((await county.get('/api/lines/what-if?area=522324&year=2001')).status).toBe(404);
    const bad = await county.get(`/api/lines/what-if?area=522324&year=${YEAR}&povertyLine=500000&monitoringLine=400000`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toBeTruthy();
  });
});
