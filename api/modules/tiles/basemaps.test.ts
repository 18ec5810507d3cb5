// 天地图 basemaps: offered only with a key, as WMTS GetTile URLs carrying it; the CSP lets the map
// fetch them only then; a malformed key stops the server at start with a clear message.
import { describe, expect, it } from 'vitest';
import { createApp } from '../../app.ts';
import { loadConfig } from '../../config.ts';
import { contentSecurityPolicy } from '../../http/security-headers.ts';
import { getTestDb } from '../../test/db.ts';
import { Agent, testConfig } from '../../test/http.ts';
import { basemaps } from './basemaps.ts';

const KEY = '0123456789abcdef0123456789abcdef';

describe('basemaps', () => {
  it('offers none without a key, and 天地图 vector and imagery with their labels with one', () => {
    expect(basemaps({ tiandituKey: undefined })).toEqual([]);
    const [vector, imagery] = basemaps({ tiandituKey: KEY });
    expect(vector?.id).toBe('tianditu-vector');
    expect(imagery?.id).toBe('tianditu-imagery');
    const [img, cia] = imagery?.layers ?? [];
    expect(img).toHaveLength(8);
    expect(img?.[3]).toBe(
      `https://t3.tianditu.gov.cn/img_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=img&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=${KEY}`,
    );
    expect(cia?.[0]).toContain('/cia_w/wmts?');
    expect(vector?.layers.map((l) => new URL((l[0] ?? '').replace(/[{}]/g, '')).searchParams.get('LAYER'))).toEqual(['vec', 'cva']);
    expect(imagery?.attribution).toContain('天地图');
  });

  it('lets the page fetch 天地图 tiles only when a key is configured', () => {
    expect(contentSecurityPolicy({ tiandituKey: undefined }).imgSrc).not.toContain('https://*.tianditu.gov.cn');
    const csp = contentSecurityPolicy({ tiandituKey: KEY });
    expect(csp.imgSrc).toContain('https://*.tianditu.gov.cn');
    expect(csp.connectSrc).toContain('https://*.tianditu.gov.cn');
    expect(csp.scriptSrc).toEqual(["'self'"]);
  });

  it('refuses a malformed key at start', () => {
    expect(() => loadConfig({ DRIPLINE_TIANDITU_KEY: 'not a key!' })).toThrow(/DRIPLINE_TIANDITU_KEY/);
    expect(loadConfig({ DRIPLINE_TIANDITU_KEY: ` ${KEY} ` }).tiandituKey).toBe(KEY);
  });

  it('GET /api/basemaps answers a signed-in user with what the server offers; the CSP header follows', async () => {
    const { db, handle } = await getTestDb();
    const app = createApp({ db, bulk: handle.bulk, config: { ...testConfig(), tiandituKey: KEY } });
    const agent = new Agent(app);
    expect((await agent.get('/api/basemaps')).status).toBe(401);
    expect((await agent.login('qinglong_county')).ok).toBe(true);
    const res = await agent.api.basemaps.$get();
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.basemaps.map((b) => b.id)).toEqual(['tianditu-vector', 'tianditu-imagery']);
    expect(res.headers.get('content-security-policy')).toContain('https://*.tianditu.gov.cn');
    const plain = new Agent(createApp({ db, bulk: handle.bulk, config: testConfig() }));
    await plain.login('qinglong_county');
    expect((await (await plain.api.basemaps.$get()).json()).basemaps).toEqual([]);
    expect((await plain.get('/api/basemaps')).headers.get('content-security-policy')).not.toContain('tianditu');
  });
});
