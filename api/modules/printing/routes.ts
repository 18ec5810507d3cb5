// HTTP for printing and export: validate, call the use case, stream the file. Binary responses
// (PDF, XLSX) are streamed as they are produced; errors before the first byte use the one JSON shape.
import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { ctxOf } from '../../http/context.ts';
import { err } from '../../http/openapi.ts';
import { createRouter } from '../../http/router.ts';
import { type Download, exportHouseholds, printAnnouncement, printHouseholdCard, printPublicityNotice, printVillageCards } from './printing.ts';
import { AnnouncementQuery, AreaCodeParam, HouseholdExportQuery, HouseholdIdParam, PdfFile, VillageCodeParam, XlsxFile } from './schema.ts';
import { webStream } from './pdf.ts';

const PDF = 'application/pdf';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Streams a download; the ASCII filename for old clients, the UTF-8 one for the rest. */
function send(c: Context, file: Download, type: string, disposition: 'inline' | 'attachment') {
  return c.body(webStream(file.stream), 200, {
    'content-type': type,
    'content-disposition': `${disposition}; filename="${file.filename}"; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
}

export const printingRoutes = createRouter()
  .openapi(
    createRoute({
      method: 'get',
      path: '/households.xlsx',
      tags: ['printing'],
      summary: 'Excel export of the households matching the list filters (masked by role; audited)',
      request: { query: HouseholdExportQuery },
      responses: {
        200: { content: { [XLSX]: { schema: XlsxFile } }, description: 'The workbook (streamed)' },
        400: err('Invalid filter or too many rows'),
        403: err('Outside your area, or unmasked data your role may not export'),
      },
    }),
    async (c) => {
      const { reveal, ...filter } = c.req.valid('query');
      const file = await exportHouseholds(ctxOf(c), filter, reveal ?? false);
      return send(c, file, XLSX, 'attachment');
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/households/{id}/mingbai-card.pdf',
      tags: ['printing'],
      summary: 'The household’s 明白卡 as one A4 PDF page (masked by role; audited)',
      request: { params: HouseholdIdParam },
      responses: {
        200: { content: { [PDF]: { schema: PdfFile } }, description: 'The card' },
        403: err('Outside your area'),
        404: err('No such household'),
      },
    }),
    async (c) => {
      const file = await printHouseholdCard(ctxOf(c), c.req.valid('param').id);
      return send(c, file, PDF, 'inline');
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/villages/{code}/mingbai-cards.pdf',
      tags: ['printing'],
      summary: 'The 明白卡 of every household of a village, one A4 page each (streamed; audited)',
      request: { params: VillageCodeParam },
      responses: {
        200: { content: { [PDF]: { schema: PdfFile } }, description: 'The cards' },
        400: err('Not a village code'),
        403: err('Outside your area'),
        404: err('No such village'),
      },
    }),
    async (c) => {
      const file = await printVillageCards(ctxOf(c), c.req.valid('param').code);
      return send(c, file, PDF, 'inline');
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/villages/{code}/publicity-notice.pdf',
      tags: ['printing'],
      summary: 'The village’s 村内公示 notice: households whose procedures are in their 7-day notice (names, no personal numbers; audited)',
      request: { params: VillageCodeParam },
      responses: {
        200: { content: { [PDF]: { schema: PdfFile } }, description: 'The notice' },
        400: err('Not a village code'),
        403: err('Outside your area'),
        404: err('No such village, or no procedure in 村内公示 now'),
      },
    }),
    async (c) => {
      const file = await printPublicityNotice(ctxOf(c), c.req.valid('param').code);
      return send(c, file, PDF, 'inline');
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/areas/{code}/announcement.pdf',
      tags: ['printing'],
      summary: 'The 公告 of a county or township: households whose procedures the county approved in a period (names, no personal numbers; audited)',
      request: { params: AreaCodeParam, query: AnnouncementQuery },
      responses: {
        200: { content: { [PDF]: { schema: PdfFile } }, description: 'The announcement' },
        400: err('Not a county or township code, or a bad period'),
        403: err('Outside your area'),
        404: err('No such area, or nothing approved in the period'),
      },
    }),
    async (c) => {
      const file = await printAnnouncement(ctxOf(c), c.req.valid('param').code, c.req.valid('query'));
      return send(c, file, PDF, 'inline');
    },
  );
