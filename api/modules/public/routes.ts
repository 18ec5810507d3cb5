// The public pages, no login (公示平台): GET /api/public/villages/{code} (JSON, in the OpenAPI
// document) and GET /public/villages/{code} (the same as an HTML page for a phone or the notice
// board, with its stylesheet at /public/village.css). Both are rate limited per client address
// (api/http/rate-limit.ts, mounted in app.ts) and may be cached briefly by anyone. Logic: public.ts;
// the page: page.ts.
import { createRoute } from '@hono/zod-openapi';
import { type Context, Hono } from 'hono';
import { AppError } from '../../errors.ts';
import type { AppEnv } from '../../http/context.ts';
import { t } from '../../http/messages.ts';
import { err, json } from '../../http/openapi.ts';
import { createRouter } from '../../http/router.ts';
import { renderMessagePage, renderVillagePage, VILLAGE_CSS } from './page.ts';
import { publicVillage } from './public.ts';
import { PublicVillageParam, PublicVillageQuery, PublicVillageSchema } from './schema.ts';

/** Public figures change a few times a day: a minute's caching anywhere is harmless and spares the database. */
export const PUBLIC_CACHE = 'public, max-age=60';

export const publicApiRoutes = createRouter().openapi(
  createRoute({
    method: 'get',
    path: '/villages/{code}',
    tags: ['public'],
    summary:
      'A village’s public page (no login): approved projects and any with money, amounts and 资金支出进度, beneficiaries with masked names, payments to its households, notices',
    request: { params: PublicVillageParam, query: PublicVillageQuery },
    responses: {
      200: json(PublicVillageSchema, 'The village’s public figures'),
      400: err('A bad year'),
      404: err('No such village, or not a 12-digit village code'),
      429: err('Too many requests from this address (Retry-After)'),
    },
  }),
  async (c) => {
    const v = await publicVillage(c.var.db, c.req.valid('param').code, c.req.valid('query'), c.var.clock());
    c.header('cache-control', PUBLIC_CACHE);
    return c.json(v, 200);
  },
);

/** The refusal page of the rate limit (app.ts hands it to rateLimit for /public/villages/*). */
export const tooManyPage = (c: Context<AppEnv>, seconds: number) =>
  c.body(renderMessagePage('访问过于频繁', `请 ${seconds} 秒后再打开本页。`), 429, { 'content-type': 'text/html; charset=utf-8' });

export const publicPageRoutes = new Hono<AppEnv>()
  .get('/village.css', (c) => c.body(VILLAGE_CSS, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=3600' }))
  .get('/villages/:code', async (c) => {
    const code = c.req.param('code');
    const rawYear = c.req.query('year');
    const year = rawYear === undefined || rawYear === '' ? undefined : Number(rawYear);
    if (year !== undefined && !(Number.isInteger(year) && year >= 2000 && year <= 2100)) {
      return c.html(renderMessagePage('年度不正确', '年度应为 2000 至 2100 之间的整数，例如 ?year=2026。'), 400);
    }
    try {
      const v = await publicVillage(c.var.db, code, year === undefined ? {} : { year }, c.var.clock());
      c.header('cache-control', PUBLIC_CACHE);
      return c.html(renderVillagePage(v), 200);
    } catch (e) {
      if (e instanceof AppError && e.code === 'NOT_FOUND') {
        c.header('cache-control', PUBLIC_CACHE);
        return c.html(renderMessagePage('找不到该村', t('zh-CN', e.key, e.params)), 404);
      }
      throw e;
    }
  });
