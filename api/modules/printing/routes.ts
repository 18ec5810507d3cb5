// HTTP for printing and export: validate, call the use case, stream the file. Binary responses
// (PDF, XLSX) are streamed as they are produced; errors before the first byte use the one JSON shape.
import { createRoute } from '@hono/zod-openapi';
import { ctxOf } from '../../http/context.ts';
import { err } from '../../http/openapi.ts';
import { createRouter } from '../../http/router.ts';
import { exportHouseholds, printAnnouncement, printHouseholdCard, printPublicityNotice, printVillageCards } from './printing.ts';
import { AnnouncementQuery, AreaCodeParam, HouseholdExportQuery, HouseholdIdParam, VillageCodeParam } from './schema.ts';
import { fileResponse, PDF, sendDownload, XLSX } from '../../http/download.ts';

export const printingRoutes = createRouter()
  .openapi(
    createRoute({
      method: 'get',
      path: '/households.xlsx',
      tags: ['printing'],
      summary: 'Excel export of the households matching the list filters (masked by role; audited)',
      request: { query: HouseholdExportQuery },
      responses: {
        200: fileResponse(XLSX, 'The workbook (streamed)'),
        400: err('Invalid filter or too many rows'),
        403: err('Outside your area, or unmasked data your role may not export'),
      },
    }),
    async (c) => {
      const { reveal, ...filter } = c.req.valid('query');
      const file = await exportHouseholds(ctxOf(c), filter, reveal ?? false);
      return sendDownload(c, file, XLSX, 'attachment');
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
        200: fileResponse(PDF, 'The card'),
        403: err('Outside your area'),
        404: err('No such household'),
      },
    }),
    async (c) => {
      const file = await printHouseholdCard(ctxOf(c), c.req.valid('param').id);
      return sendDownload(c, file, PDF, 'inline');
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
        200: fileResponse(PDF, 'The cards'),
        400: err('Not a village code'),
        403: err('Outside your area'),
        404: err('No such village'),
      },
    }),
    async (c) => {
      const file = await printVillageCards(ctxOf(c), c.req.valid('param').code);
      return sendDownload(c, file, PDF, 'inline');
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
        200: fileResponse(PDF, 'The notice'),
        400: err('Not a village code'),
        403: err('Outside your area'),
        404: err('No such village, or no procedure in 村内公示 now'),
      },
    }),
    async (c) => {
      const file = await printPublicityNotice(ctxOf(c), c.req.valid('param').code);
      return sendDownload(c, file, PDF, 'inline');
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
        200: fileResponse(PDF, 'The announcement'),
        400: err('Not a county or township code, or a bad period'),
        403: err('Outside your area'),
        404: err('No such area, or nothing approved in the period'),
      },
    }),
    async (c) => {
      const file = await printAnnouncement(ctxOf(c), c.req.valid('param').code, c.req.valid('query'));
      return sendDownload(c, file, PDF, 'inline');
    },
  );
