// Builds the Hono app: shared middleware, each module's routes, the OpenAPI document and
// (optionally) the built web app. Exports AppType for the web's typed client.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Config } from './config.ts';
import type { BulkRunner } from './db/bulk.ts';
import type { Db } from './db/schema.ts';
import { apiFallback, bodyLimits, refuseNul, routeTable } from './http/limits.ts';
import { requestContext, handleError, requestLogger, requireAuth, sessionMiddleware } from './http/middleware.ts';
import { RateLimiter, rateLimit } from './http/rate-limit.ts';
import { cacheResponses, ResponseCache } from './http/response-cache.ts';
import { securityHeaders } from './http/security-headers.ts';
import { compress } from 'hono/compress';
import { createRouter } from './http/router.ts';
import { areasRoutes } from './modules/areas/routes.ts';
import { accountsRoutes } from './modules/auth/accounts-routes.ts';
import { authRoutes } from './modules/auth/routes.ts';
import { crosscheckRoutes } from './modules/crosscheck/routes.ts';
import { fundsRoutes } from './modules/funds/routes.ts';
import { publicApiRoutes, publicPageRoutes, tooManyPage } from './modules/public/routes.ts';
import { householdsRoutes, workTeamsRoutes } from './modules/households/routes.ts';
import { healthRoutes } from './modules/health/routes.ts';
import { oversightRoutes } from './modules/oversight/routes.ts';
import { countySettingsRoutes, proceduresRoutes } from './modules/procedures/routes.ts';
import { printingRoutes } from './modules/printing/routes.ts';
import { projectMediaRoutes } from './modules/projects/media-routes.ts';
import { householdProjectsRoutes, projectsRoutes } from './modules/projects/routes.ts';
import { registryRoutes } from './modules/registry/routes.ts';
import { TileCache } from './modules/tiles/cache.ts';
import { tilesRoutes } from './modules/tiles/routes.ts';
import { basemapRoutes } from './modules/tiles/basemap-routes.ts';
import { linesRoutes } from './modules/lines/routes.ts';
import type { Listen } from './db/connect.ts';
import { spatialQaRoutes } from './modules/spatial-qa/routes.ts';
import { ReportCache } from './modules/stats/cache.ts';
import { statsRoutes } from './modules/stats/routes.ts';
import type { StatsReportOutput } from './modules/stats/stats.ts';
import { smsRoutes } from './modules/sms/routes.ts';
import { workbenchRoutes } from './modules/workbench/routes.ts';

export const WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../web/dist');

export interface AppOptions {
  db: Db;
  /** Bulk loader of the same database (DbHandle.bulk); imports need it. */
  bulk: BulkRunner;
  config: Config;
  /** Serve the built web app from web/dist (the server does; API tests need not). */
  serveWeb?: boolean;
  /** The clock of every request's domain context (ctx.now); tests move it (notice periods, days waiting). */
  clock?: () => Date;
  /** Change notices of the same database (DbHandle.listen): without them no tile is kept. */
  listen?: Listen;
  /** The vector tiles' cache (made from `listen` when not given; tests read its counters). */
  tileCache?: TileCache;
  /** The dashboards' cache (made from `listen` when not given; tests read its counters). */
  reportCache?: ReportCache<StatsReportOutput>;
}

function buildApi() {
  const api = createRouter();
  // Everything but health and login needs a session; scope comes with it (api/modules/auth/scope.ts).
  for (const prefix of [
    '/areas',
    '/households',
    '/work-teams',
    '/print',
    '/procedures',
    '/county-settings',
    '/registry',
    '/crosscheck',
    '/accounts',
    '/projects',
    '/oversight',
    '/funds',
    '/basemaps',
    '/lines',
    '/stats',
    '/workbench',
  ]) {
    api.use(prefix, requireAuth);
    api.use(`${prefix}/*`, requireAuth);
  }
  return (
    api
      .route('/health', healthRoutes)
      .route('/auth', authRoutes)
      // The village's public page: no session (rate limited per client address in createApp).
      .route('/public', publicApiRoutes)
      .route('/accounts', accountsRoutes)
      // /areas/qa before the areas' /{code}: the first route that matches answers.
      .route('/areas', spatialQaRoutes)
      .route('/areas', areasRoutes)
      .route('/households', householdsRoutes)
      .route('/households', householdProjectsRoutes)
      .route('/work-teams', workTeamsRoutes)
      .route('/procedures', proceduresRoutes)
      .route('/projects', projectsRoutes)
      .route('/projects', projectMediaRoutes)
      .route('/county-settings', countySettingsRoutes)
      .route('/print', printingRoutes)
      .route('/registry', registryRoutes)
      .route('/crosscheck', crosscheckRoutes)
      .route('/funds', fundsRoutes)
      .route('/oversight', oversightRoutes)
      .route('/basemaps', basemapRoutes)
      .route('/lines', linesRoutes)
      .route('/stats', statsRoutes)
      .route('/sms', smsRoutes)
      .route('/workbench', workbenchRoutes)
  );
}

export type ApiType = ReturnType<typeof buildApi>;

export function createApp({ db, bulk, config, serveWeb = false, clock = () => new Date(), listen, tileCache, reportCache }: AppOptions) {
  const api = buildApi();
  api.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Dripline (滴灌) API',
      version: '0.1.0',
      description:
        'Precision poverty-alleviation case management. All data endpoints need a session (POST /api/auth/login); ' +
        'writes need the X-CSRF-Token header. Errors share one shape: { error: { code, message, fields?, details? } }.',
    },
    // The document is built by the router mounted at /api: its paths are relative to this server.
    servers: [{ url: '/api', description: 'this server' }],
  });
  const app = createRouter();
  app.use('*', securityHeaders(config));
  app.use('*', requestContext(db, bulk, config, clock));
  app.use('*', requestLogger(config));
  // Limits come before anything reads a body (api/http/limits.ts); uploads stream under their own.
  // JSON, CSV and HTML answers gzip-compressed for clients that accept it (over 1 KB; the
  // compressed formats — XLSX, PDF, images, tiles — as they are).
  app.use('/api/*', compress());
  app.use('/public/*', compress());
  app.use('/api/*', bodyLimits(config.limits));
  app.use('/api/*', refuseNul);
  app.use('/api/*', sessionMiddleware);
  const reports = reportCache ?? new ReportCache<StatsReportOutput>(listen);
  app.use('/api/stats/*', async (c, next) => {
    c.set('reports', reports);
    await next();
  });
  app.onError(handleError);
  // The public pages (no login): one token bucket per client address for the JSON and the HTML.
  const publicLimiter = config.publicRatePerMinute > 0 ? new RateLimiter(config.publicRatePerMinute) : undefined;
  app.use('/api/public/*', rateLimit(publicLimiter));
  app.use('/public/villages/*', rateLimit(publicLimiter, tooManyPage));
  // Within the limit, the same page for everyone: kept as long as its max-age (api/http/response-cache.ts).
  const publicPages = new ResponseCache(config.publicCacheSeconds);
  app.use('/api/public/villages/*', cacheResponses(publicPages));
  app.use('/public/villages/*', cacheResponses(publicPages));
  app.route('/api', api);
  app.route('/public', publicPageRoutes);
  // Vector tiles (/tiles/{layer}/{z}/{x}/{y}.mvt): public area layers, session-scoped private ones.
  app.use('/tiles/*', sessionMiddleware);
  app.route('/tiles', tilesRoutes(tileCache ?? new TileCache(listen)));
  // No route took it: 404, or 405 / 204 (OPTIONS) with Allow when the path exists.
  let table: ReturnType<typeof routeTable> | undefined;
  app.all(
    '/api/*',
    apiFallback(() => (table ??= routeTable(app.routes.filter((r) => r.path.startsWith('/api/'))))),
  );
  if (serveWeb) {
    const root = path.relative(process.cwd(), WEB_DIST) || '.';
    // Hashed file names: a file never changes under its name, so browsers keep it a year; the
    // build's .br / .gz copies go to browsers that accept them (vite.config.ts, precompress).
    app.use('/assets/*', async (c, next) => {
      await next();
      if (c.res.status === 200) c.header('Cache-Control', 'public, max-age=31536000, immutable');
    });
    app.use('/assets/*', serveStatic({ root, precompressed: true }));
    app.use('*', serveStatic({ root, precompressed: true }));
    // Client-side routes fall back to index.html, asked again on every load (it names the assets).
    app.get('*', (c) => {
      // A missing asset (an old page asking for a file of an earlier build) is a 404, never the page.
      if (c.req.path.startsWith('/assets/')) return c.text('Not found', 404);
      const index = path.join(WEB_DIST, 'index.html');
      if (!fs.existsSync(index)) return c.text('The web app is not built: run `npm run build`.', 503);
      c.header('Cache-Control', 'no-cache');
      return c.html(fs.readFileSync(index, 'utf8'));
    });
  }
  return app;
}

export type AppType = ApiType;
