// The full card: household edits (status refused), yearly snapshots with computed income,
// cadres/measures/visits with versions and soft delete, work teams, and the history tab.
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { getTestDb } from '../../test/db.ts';
import { createHousehold } from '../../test/factories.ts';
import { bodyOf, loginAs } from '../../test/http.ts';
import { demoName } from '../../test/factories.ts';

const BAOJIA = '522324101209';
const SANHE = '522324101002';

type Err = { error: { code: string; message: string; fields?: { path: string; code: string; message: string }[]; details?: { currentVersion?: number } } };
type Year = {
  year: number;
  version: number;
  householdSize: number;
  income: { transfer: number; perCapita: number };
  allGuaranteesMet: boolean;
  lines: { belowMonitoringLine: boolean } | null;
};
type Card = {
  version: number;
  householdType: string;
  otherCauses: string[];
  location: [number, number] | null;
  years: Year[];
  cadres: { id: string }[];
  measures: { id: string; version: number }[];
  visits: { id: string; visitorName: string; location: [number, number] | null }[];
  workTeams: { id: string; name: string }[];
  settings: { year: number; monitoringLine: number } | null;
};

describe('the household card', () => {
  it('edits non-status fields with a version and refuses status fields with a clear message', async () => {
    const h = await createHousehold({ village: BAOJIA });
    const cadre = await loginAs('baojia_cadre');
    const ok = await cadre.patch(`/api/households/${h.id}`, {
      version: 1,
      householdType: '低保户',
      otherCauses: ['因病', '缺技术'],
      location: { lon: 105.21, lat: 25.83, accuracyM: 8 },
      bankName: '晴隆县农村信用合作联社',
      bankAccount: '6228480012345678901',
      isRelocated: true,
      relocationSite: '东观街道安置点',
      relocationYear: 2018,
    });
    expect(ok.status).toBe(200);
    const card = (await ok.json()) as Card & { bankAccount: string };
    expect(card).toMatchObject({ version: 2, householdType: '低保户', otherCauses: ['因病', '缺技术'], location: [105.21, 25.83] });
    expect(card.bankAccount).toBe('****8901');

    const refused = await cadre.patch(`/api/households/${h.id}`, {
      version: 2,
      status: '脱贫户',
      registryState: '清退',
      monitoringCategory: '边缘易致贫户',
      riskTypes: ['因病'],
      headName: 'x',
    });
    expect(refused.status).toBe(400);
    const fields = ((await refused.json()) as Err).error.fields ?? [];
    expect(fields.map((f) => f.path).sort()).toEqual(['headName', 'monitoringCategory', 'registryState', 'riskTypes', 'status']);
    expect(fields.find((f) => f.path === 'riskTypes')?.message).toContain('风险类型');
    expect(fields.find((f) => f.path === 'status')?.message).toContain('只能通过业务流程');
    expect(fields.find((f) => f.path === 'registryState')?.message).toContain('在册状态');

    const en = await loginAs('baojia_cadre', { lang: 'en' });
    const badEn = await en.patch(`/api/households/${h.id}`, { version: 2, householdType: '富裕户', relocationYear: 1800, location: { lon: 5, lat: 25 } });
    const f = Object.fromEntries((((await badEn.json()) as Err).error.fields ?? []).map((x) => [x.path, x.message]));
    expect(f.householdType).toBe('Must be one of: 一般户、低保户、特困供养户');
    expect(f.relocationYear).toBe('Must be at least 1980');
    expect(f['location.lon']).toBe('Must be at least 73');

    const stale = await cadre.patch(`/api/households/${h.id}`, { version: 1, address: '旧' });
    expect(stale.status).toBe(409);
    expect(((await stale.json()) as Err).error.details?.currentVersion).toBe(2);
  });

  it('keeps one snapshot per year with computed per-capita income and the county lines', async () => {
    const h = await createHousehold({ village: BAOJIA, members: 3 });
    const { db } = await getTestDb();
    await sql`insert into county_year_settings (county_code, year, poverty_line, monitoring_line)
        values ('522324', 2024, 440000, 730000) on conflict do nothing`.execute(db);
    const cadre = await loginAs('baojia_cadre');
    const put = (year: number, body: unknown) => cadre.request('PUT', `/api/households/${h.id}/years/${year}`, body);
    const r = await put(2024, {
      income: { wage: 1_200_000, business: 500_000, dibao: 300_000, pension: 100_000, businessExpense: 200_000 },
      conditions: { cultivatedLandMu: 3.5, isDangerousHouse: false, roadType: '水泥路', fuelType: '柴草' },
      guarantees: {
        food: { secure: true },
        clothing: { secure: true },
        education: { secure: true },
        medical: { secure: true },
        housing: { secure: false, note: 'C级危房待改造' },
        water: { secure: true },
      },
    });
    expect(r.status).toBe(200);
    const y = (await r.json()) as Year;
    // (12000 + 5000 + 3000 + 1000 − 2000) 元 ÷ 3 人 = 6333.33 元
    expect(y).toMatchObject({ year: 2024, version: 1, householdSize: 3, allGuaranteesMet: false, lines: { belowMonitoringLine: true } });
    expect(y.income).toMatchObject({ transfer: 400_000, perCapita: 633_333 });

    expect((await put(2024, { income: { wage: 1 } })).status).toBe(409); // exists: version required
    const stale = await put(2024, { version: 7, income: { wage: 1 } });
    expect(((await stale.json()) as Err).error.details?.currentVersion).toBe(1);
    const upd = await put(2024, { version: 1, guarantees: { housing: { secure: true, note: '改造完成' } } });
    expect(((await upd.json()) as Year).version).toBe(2);
    expect((await put(2025, { householdSize: 2, income: { wage: 2_000_000 } })).status).toBe(200);

    const bad = await put(2025, { version: 1, income: { wage: -5 }, conditions: { roadType: '高速路' } });
    const paths = (((await bad.json()) as Err).error.fields ?? []).map((x) => x.path).sort();
    expect(paths).toEqual(['conditions.roadType', 'income.wage']);
    const grade = await put(2025, { version: 1, conditions: { isDangerousHouse: true } });
    expect((((await grade.json()) as Err).error.fields ?? [])[0]).toMatchObject({ path: 'conditions.dangerousHouseGrade', message: '危房须填写危房等级' });

    const card = (await (await cadre.get(`/api/households/${h.id}`)).json()) as Card;
    expect(card.years.map((x) => x.year)).toEqual([2025, 2024]);
    expect(card.years[1]?.income.perCapita).toBe(633_333); // last year's figures stay as they were
    expect(card.years[1]?.allGuaranteesMet).toBe(true);
  });

  it('carries the county’s lines of every year it has set, for a year without a record on the card', async () => {
    const h = await createHousehold({ village: BAOJIA }); // no yearly record: the card's own `settings` is null
    const supervisor = await loginAs('baojia_supervisor');
    const card = await bodyOf(await supervisor.api.households[':id'].$get({ param: { id: h.id } }), 200);
    expect(card.years).toEqual([]);
    expect(card.settings).toBeNull();
    const years = card.countyLines.map((l) => l.year);
    expect(years).toEqual([...years].sort((a, b) => b - a)); // latest first
    // The demo lines of 晴隆县 (seeded 2021–2026), as the county settings page reads them.
    expect(card.countyLines.find((l) => l.year === 2024)).toEqual({ year: 2024, povertyLine: 440_000, monitoringLine: 760_000 });
    const set = await bodyOf(await supervisor.api['county-settings'][':countyCode'].years.$get({ param: { countyCode: '522324' } }), 200);
    expect(card.countyLines).toEqual(set.items.map((s) => ({ year: s.year, povertyLine: s.povertyLineFen, monitoringLine: s.monitoringLineFen })));
  });

  it('records cadres, measures and visits with client UUIDs, versions and soft delete', async () => {
    const h = await createHousehold({ village: BAOJIA });
    const cadre = await loginAs('baojia_cadre');
    const base = `/api/households/${h.id}`;
    const c1 = await cadre.post(`${base}/cadres`, { name: '王帮扶', workUnit: '晴隆县农业农村局', phone: '13800001111', fromDate: '2024-01-01' });
    expect(c1.status).toBe(201);
    const badCadre = await cadre.post(`${base}/cadres`, { name: '李', fromDate: '2024-05-01', toDate: '2024-01-01' });
    expect((((await badCadre.json()) as Err).error.fields ?? [])[0]).toMatchObject({ path: 'toDate', code: 'field.dateOrder' });

    const id = crypto.randomUUID();
    const m = await cadre.post(`${base}/measures`, {
      id,
      category: '产业帮扶',
      subtype: '养殖',
      measureDate: '2024-03-01',
      amount: 300_000,
      quantity: 2,
      unit: '头',
    });
    expect(m.status).toBe(201);
    expect(((await m.json()) as { id: string }).id).toBe(id);
    const wrongSub = await cadre.post(`${base}/measures`, { category: '教育帮扶', subtype: '养殖', measureDate: '2024-03-01' });
    expect((((await wrongSub.json()) as Err).error.fields ?? [])[0]).toMatchObject({
      path: 'subtype',
      message: '帮扶类型“教育帮扶”的子类应为：雨露计划、学生资助',
    });
    const upd = await cadre.patch(`${base}/measures/${id}`, { version: 1, outcome: '已出栏' });
    expect(((await upd.json()) as { version: number }).version).toBe(2);
    expect((await cadre.patch(`${base}/measures/${id}`, { version: 1, outcome: 'x' })).status).toBe(409);

    const v = await cadre.post(`${base}/visits`, {
      visitedAt: '2024-06-01T09:30:00+08:00',
      location: { lon: 105.2, lat: 25.8, accuracyM: 12 },
      purpose: '遍访',
      seen: '住房安全',
      problems: '缺技术',
    });
    expect(v.status).toBe(201);
    const visit = (await v.json()) as { id: string; visitorName: string; location: [number, number] };
    expect(visit).toMatchObject({ visitorName: demoName('baojia_cadre'), location: [105.2, 25.8] });

    const del = await cadre.delete(`${base}/measures/${id}?version=2`);
    expect(del.status).toBe(200);
    const card = (await (await cadre.get(base)).json()) as Card;
    expect(card.measures).toEqual([]);
    expect(card.cadres).toHaveLength(1);
    expect(card.visits.map((x) => x.id)).toEqual([visit.id]);
    expect((await cadre.patch(`${base}/measures/${id}`, { version: 3, outcome: 'x' })).status).toBe(404);
  });

  it('manages village work teams in scope and shows them on the card', async () => {
    const h = await createHousehold({ village: BAOJIA });
    const cadre = await loginAs('baojia_cadre');
    const r = await cadre.post('/api/work-teams', {
      villageCode: BAOJIA,
      name: '县农业农村局驻保家村工作队',
      firstSecretary: '张书记',
      members: ['张书记', '李队员'],
      fromDate: '2024-01-01',
    });
    expect(r.status).toBe(201);
    const team = (await r.json()) as { id: string; version: number };
    expect((await cadre.patch(`/api/work-teams/${team.id}`, { version: 1, members: ['张书记'] })).status).toBe(200);
    expect((await cadre.patch(`/api/work-teams/${team.id}`, { version: 1, members: [] })).status).toBe(409);
    expect((await cadre.post('/api/work-teams', { villageCode: SANHE, name: 'x' })).status).toBe(403);
    const card = (await (await cadre.get(`/api/households/${h.id}`)).json()) as Card;
    expect(card.workTeams.map((t) => t.id)).toContain(team.id);
    const sanhe = await loginAs('sanhe_cadre');
    const list = (await (await sanhe.get('/api/work-teams')).json()) as { items: { id: string }[] };
    expect(list.items.map((t) => t.id)).not.toContain(team.id);
  });

  it('shows every version in the history, masked, newest first; out of area it is refused', async () => {
    const h = await createHousehold({ village: BAOJIA });
    const cadre = await loginAs('baojia_cadre');
    await cadre.patch(`/api/households/${h.id}`, { version: 1, address: '保家村1组' });
    await cadre.patch(`/api/households/${h.id}`, { version: 2, phone: '13900002222' });
    await cadre.post(`/api/households/${h.id}/measures`, { category: '金融帮扶', subtype: '扶贫小额信贷', measureDate: '2024-02-01', amount: 5_000_000 });
    const res = await cadre.get(`/api/households/${h.id}/history`);
    expect(res.status).toBe(200);
    const hist = (await res.json()) as {
      currentVersion: number;
      entries: { action: string; version: number | null; changes: Record<string, [unknown, unknown]> }[];
    };
    expect(hist.currentVersion).toBe(3);
    expect(hist.entries.map((e) => e.action)).toEqual(['measure.create', 'household.update', 'household.update']);
    expect(hist.entries[1]).toMatchObject({ version: 3, changes: { phone: ['155****8493', '139****2222'], version: [2, 3] } });
    expect(hist.entries[2]?.changes.address).toEqual([null, '保家村1组']);
    const other = await loginAs('sanhe_cadre');
    expect((await other.get(`/api/households/${h.id}/history`)).status).toBe(403);
  });
});

describe('photos', () => {
  const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
  const upload = async (agent: Awaited<ReturnType<typeof loginAs>>, householdId: string, fields: Record<string, string>, bytes: Uint8Array = PNG) => {
    const form = new FormData();
    form.set('file', new File([Buffer.from(bytes)], 'p.png', { type: 'image/png' }));
    for (const [k, v] of Object.entries(fields)) form.set(k, v);
    const cookie = [...agent.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    return agent.app.request(
      `/api/households/${householdId}/photos`,
      { method: 'POST', headers: { cookie, 'x-csrf-token': agent.csrf }, body: form },
      {
        incoming: { socket: { remoteAddress: '127.0.0.1' } },
      },
    );
  };

  it('stores a photo (type sniffed), serves it, hides photos of people from roles without personal data', async () => {
    const h = await createHousehold({ village: BAOJIA });
    const cadre = await loginAs('baojia_cadre');
    const r = await upload(cadre, h.id, { kind: '住房', caption: '新房', lon: '105.2', lat: '25.8' });
    expect(r.status).toBe(201);
    const house = (await r.json()) as { id: string; byteSize: number; contentType: string; location: [number, number] };
    expect(house).toMatchObject({ byteSize: PNG.byteLength, contentType: 'image/png', location: [105.2, 25.8] });
    const person = (await (await upload(cadre, h.id, { kind: '人员' })).json()) as { id: string };
    const bad = await upload(cadre, h.id, { kind: '住房' }, new TextEncoder().encode('not an image'));
    expect((((await bad.json()) as Err).error.fields ?? [])[0]).toMatchObject({ path: 'file', code: 'photo.type' });
    expect((await upload(cadre, h.id, { kind: '自拍' })).status).toBe(400);

    const img = await cadre.get(`/api/households/${h.id}/photos/${house.id}`);
    expect(img.status).toBe(200);
    expect(img.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await img.arrayBuffer()).equals(PNG)).toBe(true);

    const sup = await loginAs('baojia_supervisor');
    const card = (await (await sup.get(`/api/households/${h.id}`)).json()) as { photos: { id: string }[] };
    expect(card.photos.map((p) => p.id)).toEqual([house.id]);
    expect((await sup.get(`/api/households/${h.id}/photos/${person.id}`)).status).toBe(403);
    expect((await sup.get(`/api/households/${h.id}/photos/${house.id}`)).status).toBe(200);
    const other = await loginAs('sanhe_cadre');
    expect((await other.get(`/api/households/${h.id}/photos/${house.id}`)).status).toBe(403);
    expect((await upload(other, h.id, { kind: '住房' })).status).toBe(403);
    // What a role may not see it may not delete: the admin (no personal data) and a photo of people.
    const admin = await loginAs('admin');
    expect((await admin.delete(`/api/households/${h.id}/photos/${person.id}`)).status).toBe(403);
    expect((await cadre.get(`/api/households/${h.id}/photos/${person.id}`)).status).toBe(200);
    expect((await admin.delete(`/api/households/${h.id}/photos/${house.id}`)).status).toBe(200);
  });
});
