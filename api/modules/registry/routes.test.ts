// The registry import over HTTP: multipart upload → job, progress polling, outcome, the xlsx error
// report (zh-CN headers), and who may import what.
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { type Agent, loginAs } from '../../test/http.ts';
import { getTestDb } from '../../test/db.ts';
import { csvText, household, type Row } from './test-files.ts';

const BAOJIA = '522324101209'; // 沙子镇保家村
const SANHE = '522324101002'; // 沙子镇三合社区
const OTHER_TOWNSHIP = '522324106204';

async function upload(agent: Agent, content: string, name = 'registry.csv') {
  const form = new FormData();
  form.append('file', new File([content], name, { type: name.endsWith('.csv') ? 'text/csv' : 'application/octet-stream' }));
  const headers: Record<string, string> = { 'x-csrf-token': agent.csrf, 'accept-language': 'zh-CN' };
  headers.cookie = [...agent.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  return agent.app.request('/api/registry/imports', { method: 'POST', headers, body: form }, { incoming: { socket: { remoteAddress: '127.0.0.1' } } });
}

interface Job {
  status: string;
  phase: string;
  rowsRead: number;
  counts: Record<string, number>;
  errorCount: number;
  errors: { rowNo: number; column: string; code: string; message: string; severity: string }[];
  errorReport: string | null;
  fileError: { code: string; message: string } | null;
}

/** Polls the job like the upload page does, until it is finished; returns every state seen. */
async function poll(agent: Agent, id: string): Promise<Job[]> {
  const seen: Job[] = [];
  for (let i = 0; i < 600; i++) {
    const res = await agent.get(`/api/registry/imports/${id}`);
    expect(res.status).toBe(200);
    const job = (await res.json()) as Job;
    seen.push(job);
    if (job.status === 'succeeded' || job.status === 'failed') return seen;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('import did not finish');
}

describe('registry import over HTTP', () => {
  it('a township officer uploads a file of its villages; progress is polled until the counts arrive', async () => {
    const agent = await loginAs('shazi_township');
    const rows: Row[] = [];
    for (let i = 0; i < 150; i++) rows.push(...household(i % 2 ? BAOJIA : SANHE, 4));
    const res = await upload(agent, `\ufeff${csvText(rows)}`);
    expect(res.status).toBe(202);
    const { id, url } = (await res.json()) as { id: string; url: string };
    expect(url).toBe(`/api/registry/imports/${id}`);
    const seen = await poll(agent, id);
    const last = seen[seen.length - 1] as Job;
    expect(last).toMatchObject({ status: 'succeeded', phase: 'done', rowsRead: 600, errorCount: 0, errorReport: null });
    expect(last.counts).toMatchObject({ householdsCreated: 150, membersCreated: 600 });
    // rows read only ever grow while it runs
    const reads = seen.map((s) => s.rowsRead);
    expect([...reads].sort((a, b) => a - b)).toEqual(reads);
    const { db } = await getTestDb();
    const n = await db
      .selectFrom('households')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where(
        'household_no',
        'in',
        rows.map((r) => r['户编号'] as string),
      )
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(150);
    // The list shows it; the county office (above the township) sees it too.
    const list = (await (await agent.get('/api/registry/imports')).json()) as { items: { id: string }[] };
    expect(list.items.map((x) => x.id)).toContain(id);
    const county = await loginAs('qinglong_county');
    expect((await county.get(`/api/registry/imports/${id}`)).status).toBe(200);
  });

  it('a bad file fails with row errors and a downloadable xlsx report naming row, column and reason', async () => {
    const agent = await loginAs('shazi_township');
    const a = household(BAOJIA, 2);
    (a[1] as Row)['民族'] = '火星族';
    const b = household(OTHER_TOWNSHIP, 2);
    const res = await upload(agent, csvText([...a, ...b]));
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    const job = (await poll(agent, id)).pop() as Job;
    expect(job.status).toBe('failed');
    expect(job.errors.filter((e) => e.severity === 'error').map((e) => [e.rowNo, e.column, e.code])).toEqual([
      [3, '民族', 'registry.oneOf'],
      [4, '区划代码', 'registry.outOfScope'],
      [5, '区划代码', 'registry.outOfScope'],
    ]);
    expect(job.errors[0]?.message).toContain('火星族');
    expect(job.errorReport).toBe(`/api/registry/imports/${id}/errors.xlsx`);
    const { db } = await getTestDb();
    const kept = await db
      .selectFrom('households')
      .select('id')
      .where('household_no', '=', a[0]?.['户编号'] as string)
      .execute();
    expect(kept).toEqual([]);

    const xlsx = await agent.get(job.errorReport as string);
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-type')).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await xlsx.arrayBuffer()) as never);
    const ws = wb.worksheets[0] as ExcelJS.Worksheet;
    expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual(['行号', '列', '原因', '级别']);
    expect((ws.getRow(2).values as unknown[]).slice(1, 3)).toEqual([3, '民族']);
    expect(ws.getRow(2).getCell(3).value).toEqual(expect.stringContaining('火星族'));
    expect(ws.getRow(2).getCell(4).value).toBe('错误');
    expect(ws.getRow(3).getCell(3).value).toEqual(expect.stringContaining('不在您的管辖范围内'));
  });

  it('a file that is not a registry export fails as a whole', async () => {
    const agent = await loginAs('qinglong_county');
    const res = await upload(agent, 'a,b,c\n1,2,3\n', 'notes.csv');
    const { id } = (await res.json()) as { id: string };
    const job = (await poll(agent, id)).pop() as Job;
    expect(job).toMatchObject({ status: 'failed', fileError: { code: 'registry.noKnownColumns' } });
  });

  it('village cadres and inspectors cannot import; a request without a file is a 400; others’ jobs are out of reach', async () => {
    const cadre = await loginAs('baojia_cadre');
    expect((await upload(cadre, csvText(household(BAOJIA, 1)))).status).toBe(403);
    const inspector = await loginAs('qinglong_inspector');
    expect((await upload(inspector, csvText(household(BAOJIA, 1)))).status).toBe(403);
    const county = await loginAs('qinglong_county');
    const form = new FormData();
    form.append('other', 'x');
    const res = await county.app.request('/api/registry/imports', {
      method: 'POST',
      headers: { 'x-csrf-token': county.csrf, cookie: [...county.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
      body: form,
    });
    expect(res.status).toBe(400);
    // A county job is not visible to a township officer below it.
    const started = (await (await upload(county, csvText(household(BAOJIA, 1)))).json()) as { id: string };
    await poll(county, started.id);
    const township = await loginAs('shazi_township');
    expect((await township.get(`/api/registry/imports/${started.id}`)).status).toBe(403);
    expect((await township.get('/api/registry/imports/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });
});
