// A project's attachments and photos against a real database (both backends): who may add at which
// state and where (the chain's roles, the scope), reading by project.read, the sniffed type refused
// naming the field, the size limit before the body is stored, nothing written by a refusal, the
// bytes served with their type and caching, the removal with its reason, and the audit of each write.
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../app.ts';
import type { Db } from '../../db/schema.ts';
import { getTestDb } from '../../test/db.ts';
import { bodyOf, loginAs, testConfig } from '../../test/http.ts';
import { newProject } from '../../test/factories.ts';
import { mayAddMedia } from './media.ts';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
type Agent = Awaited<ReturnType<typeof loginAs>>;
interface ErrorBody {
  error: { code: string; message: string; fields?: { path: string; code: string; message: string }[] };
}

let db: Db;
beforeAll(async () => {
  db = (await getTestDb()).db;
});

function form(fields: Record<string, string>, bytes: Uint8Array | null, name: string, type: string) {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.set(k, v);
  if (bytes) f.set('file', new File([Buffer.from(bytes)], name, { type }));
  return f;
}

const photo = (agent: Agent, projectId: string, fields: Record<string, string> = {}, bytes: Uint8Array | null = PNG) =>
  agent.request(
    'POST',
    `/api/projects/${projectId}/photos`,
    form(
      { stage: '实施中', takenAt: '2026-05-02T08:30:00+08:00', lon: '105.2312', lat: '25.7401', caption: '路基施工', ...fields },
      bytes,
      '路基.png',
      'image/png',
    ),
  );

const attachment = (agent: Agent, projectId: string, fields: Record<string, string> = {}, bytes: Uint8Array | null = PDF, name = '施工合同.pdf') =>
  agent.request('POST', `/api/projects/${projectId}/attachments`, form({ kind: '合同', title: '施工合同', ...fields }, bytes, name, 'application/pdf'));

const mediaRows = (projectId: string) => db.selectFrom('project_media').select(['id', 'removed_at']).where('project_id', '=', projectId).execute();
const fieldsOf = async (r: Response) => ((await r.json()) as ErrorBody).error.fields ?? [];

describe('who may add media', () => {
  it('follows the chain: the drafters at 村申报, the implementing township at 实施, nobody at an end state', () => {
    expect(mayAddMedia('village_cadre', '村申报')).toBe(true);
    expect(mayAddMedia('village_cadre', '乡镇审核')).toBe(false); // withdrawing is not editing
    expect(mayAddMedia('township_officer', '乡镇审核')).toBe(true);
    expect(mayAddMedia('township_officer', '实施')).toBe(true);
    expect(mayAddMedia('village_cadre', '实施')).toBe(false);
    expect(mayAddMedia('county_official', '公告公示')).toBe(true);
    expect(mayAddMedia('county_official', '验收')).toBe(true);
    expect(mayAddMedia('inspector', '实施')).toBe(false);
    expect(mayAddMedia('county_official', '已完成')).toBe(false);
  });
});

describe('project photos and attachments over HTTP', () => {
  it('the township adds photos and documents during 实施; every role of the area reads them; each write audited', async () => {
    const p = await newProject({ atState: '实施' });
    const township = await loginAs('shazi_township');
    const before = await photo(township, p.id, { stage: '实施前', takenAt: '2026-04-01T09:00:00+08:00', caption: '施工前的土路' });
    expect(before.status).toBe(201);
    const during = await photo(township, p.id);
    expect(during.status).toBe(201);
    const shot = (await during.json()) as { id: string; stage: string; lon: number; lat: number; contentType: string; byteSize: number; takenAt: string };
    expect(shot).toMatchObject({
      stage: '实施中',
      lon: 105.2312,
      lat: 25.7401,
      contentType: 'image/png',
      byteSize: PNG.byteLength,
      takenAt: '2026-05-02T00:30:00.000Z',
    });
    const doc = await attachment(township, p.id);
    expect(doc.status).toBe(201);
    const contract = (await doc.json()) as { id: string; kind: string; title: string; contentType: string; fileName: string };
    expect(contract).toMatchObject({ kind: '合同', title: '施工合同', contentType: 'application/pdf', fileName: '施工合同.pdf' });
    // A scan as an image is a document too; its type is the content's, not the declared one.
    const scan = await attachment(township, p.id, { kind: '报账凭证', title: '第一笔报账凭证' }, PNG, '凭证.pdf');
    expect(scan.status).toBe(201);
    expect(((await scan.json()) as { contentType: string }).contentType).toBe('image/png');

    for (const who of ['baojia_supervisor', 'qinglong_inspector', 'baojia_cadre']) {
      const reader = await loginAs(who);
      const list = await bodyOf(await reader.api.projects[':id'].media.$get({ param: { id: p.id } }), 200);
      expect(list.photos.map((x) => x.stage)).toEqual(['实施前', '实施中']);
      expect(list.attachments.map((x) => x.title)).toEqual(['施工合同', '第一笔报账凭证']);
      expect(list.mayAdd).toBe(false);
    }
    expect((await bodyOf(await township.api.projects[':id'].media.$get({ param: { id: p.id } }), 200)).mayAdd).toBe(true);

    const sup = await loginAs('baojia_supervisor');
    const img = await sup.get(`/api/projects/${p.id}/media/${shot.id}`);
    expect(img.status).toBe(200);
    expect(img.headers.get('content-type')).toBe('image/png');
    expect(img.headers.get('cache-control')).toBe('private, max-age=3600');
    expect(img.headers.get('content-disposition')).toBeNull();
    expect(Buffer.from(await img.arrayBuffer()).equals(PNG)).toBe(true);
    const again = await sup.get(`/api/projects/${p.id}/media/${shot.id}`, { 'if-none-match': img.headers.get('etag') as string });
    expect(again.status).toBe(304);
    const pdf = await sup.get(`/api/projects/${p.id}/media/${contract.id}`);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.headers.get('content-disposition')).toBe(`attachment; filename*=UTF-8''${encodeURIComponent('施工合同.pdf')}`);
    expect(Buffer.from(await pdf.arrayBuffer()).equals(PDF)).toBe(true);

    const audit = await db
      .selectFrom('audit_log')
      .select(['action', 'entity', 'entity_id', 'area_code', 'actor_role', 'diff'])
      .where('subject_id', '=', p.id)
      .where('entity', '=', 'project_media')
      .orderBy('seq')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['project.photo.add', 'project.photo.add', 'project.attachment.add', 'project.attachment.add']);
    expect(audit.every((a) => a.area_code === p.villageCode && a.actor_role === 'township_officer')).toBe(true);
    expect(JSON.stringify(audit[1]?.diff)).toContain('路基施工');
  });

  it('refuses other roles, other areas and other states with 403, writing nothing', async () => {
    const p = await newProject({ atState: '实施' });
    const refused = async (who: string) => {
      const agent = await loginAs(who);
      const r = await photo(agent, p.id);
      expect(r.status, who).toBe(403);
      expect(((await r.json()) as ErrorBody).error.code).toBe('FORBIDDEN');
      expect((await attachment(agent, p.id)).status, who).toBe(403);
    };
    await refused('baojia_cadre'); // the village does not act at 实施
    await refused('baojia_supervisor'); // read-only
    await refused('qinglong_inspector');
    await refused('sanhe_cadre');
    expect(await mediaRows(p.id)).toEqual([]);
    // Outside the area the project cannot be read either.
    expect((await (await loginAs('sanhe_cadre')).get(`/api/projects/${p.id}/media`)).status).toBe(403);

    // At 村申报 the village adds its meeting minutes; the township does not draft there.
    const draft = await newProject();
    const cadre = await loginAs('baojia_cadre');
    expect((await attachment(cadre, draft.id, { kind: '村民会议记录', title: '村民代表大会记录' })).status).toBe(201);
    expect((await photo(cadre, draft.id, { stage: '实施前' })).status).toBe(201);
    const done = await newProject({ atState: '已完成' });
    const county = await loginAs('qinglong_county');
    const late = await attachment(county, done.id, { kind: '验收报告', title: '验收报告' });
    expect(late.status).toBe(403);
    expect(((await late.json()) as ErrorBody).error.message).toContain('已完成');
    expect((await (await loginAs('shazi_township')).get('/api/projects/01900000-0000-7000-8000-00000000ffff/media')).status).toBe(404);
  });

  it('refuses bad input naming the field: a file that is not the type, stage, coordinates, time, kind, title', async () => {
    const p = await newProject({ atState: '实施' });
    const township = await loginAs('shazi_township');
    const notImage = await photo(township, p.id, {}, new TextEncoder().encode('GIF89a? no: plain text'));
    expect(notImage.status).toBe(400);
    expect(await fieldsOf(notImage)).toEqual([expect.objectContaining({ path: 'file', code: 'media.type' })]);
    // A PDF is a document, not a photo.
    expect(await fieldsOf(await photo(township, p.id, {}, PDF))).toEqual([expect.objectContaining({ path: 'file', code: 'media.type' })]);
    const exe = await attachment(township, p.id, {}, new Uint8Array([0x4d, 0x5a, 0x90, 0x00, 0x03]), 'contract.pdf');
    expect(await fieldsOf(exe)).toEqual([expect.objectContaining({ path: 'file', code: 'media.type' })]);
    expect((await fieldsOf(await photo(township, p.id, {}, null))).map((f) => f.path)).toEqual(['file']);

    const paths = async (r: Response) => {
      expect(r.status).toBe(400);
      return (await fieldsOf(r)).map((f) => f.path).sort();
    };
    expect(await paths(await photo(township, p.id, { stage: '施工中' }))).toEqual(['stage']);
    expect(await paths(await photo(township, p.id, { lat: '95', lon: '-200' }))).toEqual(['lat', 'lon']);
    expect(await paths(await photo(township, p.id, { lon: '东经105度' }))).toEqual(['lon']);
    expect(await paths(await photo(township, p.id, { takenAt: '昨天' }))).toEqual(['takenAt']);
    expect(await paths(await photo(township, p.id, { takenAt: new Date(Date.now() + 3 * 86_400_000).toISOString() }))).toEqual(['takenAt']);
    expect(await paths(await attachment(township, p.id, { kind: '发票' }))).toEqual(['kind']);
    expect(await paths(await attachment(township, p.id, { title: '   ' }))).toEqual(['title']);
    expect(await mediaRows(p.id)).toEqual([]);
    expect(await db.selectFrom('audit_log').select('id').where('subject_id', '=', p.id).where('entity', '=', 'project_media').execute()).toEqual([]);
  });

  it('refuses a file over the limit (413 naming the file), storing nothing', async () => {
    const p = await newProject({ atState: '实施' });
    const { db: testDb, handle } = await getTestDb();
    const app = createApp({ db: testDb, bulk: handle.bulk, config: { ...testConfig(), limits: { ...testConfig().limits, photoBytes: 4096 } } });
    const township = await loginAs('shazi_township');
    const big = new Uint8Array(20_000);
    big.set(PDF.subarray(0, 8));
    const cookie = [...township.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const r = await app.request(
      `/api/projects/${p.id}/attachments`,
      {
        method: 'POST',
        headers: { cookie, 'x-csrf-token': township.csrf, 'accept-language': 'zh-CN' },
        body: form({ kind: '合同', title: '大合同' }, big, 'big.pdf', 'application/pdf'),
      },
      { incoming: { socket: { remoteAddress: '127.0.0.1' } } },
    );
    expect(r.status).toBe(413);
    const e = (await r.json()) as ErrorBody;
    expect(e.error.fields?.[0]).toMatchObject({ path: 'file', code: 'media.tooLarge' });
    expect(e.error.message).toContain('4 KB');
    expect(await mediaRows(p.id)).toEqual([]);
  });

  it('removes with a reason (audited), keeps the row, and no longer lists or serves it', async () => {
    const p = await newProject({ atState: '实施' });
    const township = await loginAs('shazi_township');
    const shot = (await (await photo(township, p.id)).json()) as { id: string };
    const noReason = await township.post(`/api/projects/${p.id}/media/${shot.id}/removal`, { reason: ' ' });
    expect(noReason.status).toBe(400);
    expect((await fieldsOf(noReason)).map((f) => f.path)).toEqual(['reason']);
    const cadre = await loginAs('baojia_cadre');
    expect((await cadre.post(`/api/projects/${p.id}/media/${shot.id}/removal`, { reason: '拍错了' })).status).toBe(403);
    const ok = await township.api.projects[':id'].media[':mediaId'].removal.$post({ param: { id: p.id, mediaId: shot.id }, json: { reason: '重复上传' } });
    expect((await bodyOf(ok, 200)).id).toBe(shot.id);
    expect((await bodyOf(await township.api.projects[':id'].media.$get({ param: { id: p.id } }), 200)).photos).toEqual([]);
    expect((await township.get(`/api/projects/${p.id}/media/${shot.id}`)).status).toBe(404);
    expect((await township.post(`/api/projects/${p.id}/media/${shot.id}/removal`, { reason: '再删一次' })).status).toBe(404);
    const rows = await mediaRows(p.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.removed_at).not.toBeNull();
    const audit = await db.selectFrom('audit_log').select(['action', 'diff']).where('entity_id', '=', shot.id).orderBy('seq').execute();
    expect(audit.map((a) => a.action)).toEqual(['project.photo.add', 'project.photo.remove']);
    expect(JSON.stringify(audit[1]?.diff)).toContain('重复上传');
  });
});
