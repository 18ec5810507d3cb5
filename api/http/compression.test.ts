// What the server sends a tablet on a slow line (issue 14 §3): the built assets as their Brotli or
// gzip copies when the browser accepts them, kept a year (hashed names); index.html asked again on
// every load; API JSON gzip-compressed when accepted; nothing compressed for a client that does not
// say it accepts it. Needs web/dist (the integration project's global setup builds it).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import { getTestDb } from '../test/db.ts';
import { loginAs, testConfig } from '../test/http.ts';

const ASSETS = path.resolve(import.meta.dirname, '../../web/dist/assets');

describe('compression and caching of the web app and the API', () => {
  it('sends the assets precompressed, kept a year, and index.html revalidated', async () => {
    const { db, handle } = await getTestDb();
    const app = createApp({ db, bulk: handle.bulk, config: testConfig(), serveWeb: true });
    const js = fs
      .readdirSync(ASSETS)
      .filter((f) => f.endsWith('.js') && fs.existsSync(path.join(ASSETS, `${f}.br`)))
      .sort((a, b) => fs.statSync(path.join(ASSETS, b)).size - fs.statSync(path.join(ASSETS, a)).size)[0];
    expect(js, 'a built script with its .br copy').toBeTruthy();
    const original = fs.readFileSync(path.join(ASSETS, js as string));

    const br = await app.request(`/assets/${js}`, { headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(br.status).toBe(200);
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(br.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(br.headers.get('content-type')).toMatch(/javascript/);
    const brBody = Buffer.from(await br.arrayBuffer());
    expect(brBody.byteLength).toBeLessThan(original.byteLength / 2);
    expect(zlib.brotliDecompressSync(brBody).equals(original)).toBe(true);

    const gz = await app.request(`/assets/${js}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(zlib.gunzipSync(Buffer.from(await gz.arrayBuffer())).equals(original)).toBe(true);

    const plain = await app.request(`/assets/${js}`);
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(Buffer.from(await plain.arrayBuffer()).equals(original)).toBe(true);

    const missing = await app.request('/assets/no-such-file.js');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('cache-control')).not.toBe('public, max-age=31536000, immutable');
    const index = await app.request('/households', { headers: { 'accept-encoding': 'gzip, br' } });
    expect(index.status).toBe(200);
    expect(index.headers.get('cache-control')).toBe('no-cache');
  });

  it('gzips API JSON for clients that accept it, and only for them', async () => {
    const county = await loginAs('qinglong_county');
    const zipped = await county.get('/api/areas/522324', { 'accept-encoding': 'gzip' });
    expect(zipped.status).toBe(200);
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    const text = zlib.gunzipSync(Buffer.from(await zipped.arrayBuffer())).toString('utf8');
    expect(JSON.parse(text)).toMatchObject({ code: '522324' });
    const plain = await county.get('/api/areas/522324');
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(await plain.json()).toMatchObject({ code: '522324' });
  });
});
