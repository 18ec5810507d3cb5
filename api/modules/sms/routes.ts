// HTTP of SMS, mounted at /api/sms: the preview of what each village receives, the roster (masked;
// the audited reveal), a month's batch, the message log and the failed messages' retry. Logic:
// sms.ts and roster.ts; SQL: queries.ts. Phones leave the server masked but for …/reveal.
import { createRoute } from '@hono/zod-openapi';
import { ctxOf } from '../../http/context.ts';
import { body, err, json } from '../../http/openapi.ts';
import { requirePermission } from '../../http/permission.ts';
import { createRouter } from '../../http/router.ts';
import type { SmsState } from '../../db/schema.ts';
import { Invalid } from '../../errors.ts';
import { isMessageKey, t } from '../../http/messages.ts';
import { fileUpload } from '../../http/upload.ts';
import { addRecipient, assertMay, importRoster, listRoster, revealPhone, updateRecipient } from './roster.ts';
import {
  BatchBody,
  BatchResult,
  IdParam,
  MessageList,
  MessageQuery,
  PreviewList,
  PreviewQuery,
  Recipient,
  RecipientBody,
  RecipientList,
  RecipientPatch,
  Revealed,
  RetryBody,
  RetryResult,
  RosterImportResult,
  RosterQuery,
  RosterUpload,
  STATES,
} from './schema.ts';
import { listMessages, previewArea, retryMessages, startBatch } from './sms.ts';

/** The role keeps the roster, checked before a byte of the file is read. */
const rosterUpload = fileUpload({
  maxBytes: (c) => c.var.config.limits.importBytes,
  tooLargeKey: 'sms.fileTooLarge',
  authorize: (c) => {
    assertMay(ctxOf(c), 'sms.roster.manage');
    return Promise.resolve();
  },
});

export const smsRoutes = createRouter()
  .openapi(
    createRoute({
      method: 'get',
      path: '/preview',
      tags: ['sms'],
      summary: 'What each village of the area receives for the month: the exact text, its segments, the recipients',
      middleware: [requirePermission('sms.read', 'sms.notAllowed')] as const,
      request: { query: PreviewQuery },
      responses: { 200: json(PreviewList, 'One text per village'), 400: err('Bad area or month'), 403: err('Role or area') },
    }),
    async (c) => c.json(await previewArea(ctxOf(c), c.req.valid('query'), c.var.config.sms.signature), 200),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/roster',
      tags: ['sms'],
      summary: 'The supervisors of the area (phones masked)',
      middleware: [requirePermission('sms.roster.read', 'sms.notAllowed')] as const,
      request: { query: RosterQuery },
      responses: { 200: json(RecipientList, 'Roster entries'), 403: err('Role or area') },
    }),
    async (c) => c.json(await listRoster(ctxOf(c), { areaCode: c.req.valid('query').area }), 200),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/roster',
      tags: ['sms'],
      summary: 'Add a supervisor to a village’s roster (audited)',
      middleware: [requirePermission('sms.roster.manage', 'sms.notAllowed')] as const,
      request: body(RecipientBody),
      responses: { 201: json(Recipient, 'The entry'), 400: err('Bad field'), 403: err('Role or area'), 409: err('The number is on the roster') },
    }),
    async (c) => c.json(await addRecipient(ctxOf(c), c.req.valid('json')), 201),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/roster/import',
      tags: ['sms'],
      summary: 'Import supervisors from Excel or CSV (村代码, 姓名, 手机号码, 职务): all rows or none, each bad row named',
      middleware: [requirePermission('sms.roster.manage', 'sms.notAllowed'), rosterUpload] as const,
      request: { body: { content: { 'multipart/form-data': { schema: RosterUpload } }, required: true } },
      responses: { 200: json(RosterImportResult, 'Imported (ok) or the row-level report (nothing written)'), 403: err('Role or area'), 413: err('Too large') },
    }),
    async (c) => {
      const file = c.var.upload.file;
      if (!file) throw Invalid([{ path: 'file', key: 'sms.emptyFile' }]);
      const r = await importRoster(ctxOf(c), file.path);
      const lang = c.var.lang;
      return c.json(
        {
          ...r,
          errors: r.errors.map((e) => ({
            rowNo: e.rowNo,
            column: e.column,
            key: e.key,
            message: isMessageKey(e.key) ? t(lang, e.key, e.params ?? {}) : e.key,
          })),
        },
        200,
      );
    },
  )
  .openapi(
    createRoute({
      method: 'patch',
      path: '/roster/{id}',
      tags: ['sms'],
      summary: 'Change an entry: name, phone, position, opted in or out (versioned, audited)',
      middleware: [requirePermission('sms.roster.manage', 'sms.notAllowed')] as const,
      request: { params: IdParam, ...body(RecipientPatch) },
      responses: { 200: json(Recipient, 'The entry'), 400: err('Bad field'), 403: err('Role or area'), 404: err('No entry'), 409: err('Changed meanwhile') },
    }),
    async (c) => c.json(await updateRecipient(ctxOf(c), c.req.valid('param').id, c.req.valid('json')), 200),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/roster/{id}/reveal',
      tags: ['sms'],
      summary: 'The full phone number (audited: who, when — never the number)',
      middleware: [requirePermission('sms.roster.manage', 'reveal.notAllowed')] as const,
      request: { params: IdParam },
      responses: { 200: json(Revealed, 'The number'), 403: err('Role or area'), 404: err('No entry') },
    }),
    async (c) => c.json(await revealPhone(ctxOf(c), c.req.valid('param').id), 200),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/batches',
      tags: ['sms'],
      summary: 'Start a month’s summaries (as `dripline sms send`): each supervisor once, however often started',
      middleware: [requirePermission('sms.send', 'sms.notAllowed')] as const,
      request: body(BatchBody),
      responses: { 201: json(BatchResult, 'The batch'), 400: err('Bad month or county; no provider'), 403: err('Role or area') },
    }),
    async (c) => {
      const { month, county } = c.req.valid('json');
      if (!c.var.config.sms.provider) throw Invalid([{ path: 'provider', key: 'sms.providerNotSet' }]);
      return c.json(await startBatch(ctxOf(c), { month, countyCode: county }, c.var.config.sms.signature), 201);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/messages',
      tags: ['sms'],
      summary: 'Messages sent and received in the area, newest first (phones masked)',
      middleware: [requirePermission('sms.read', 'sms.notAllowed')] as const,
      request: { query: MessageQuery },
      responses: { 200: json(MessageList, 'Messages'), 400: err('Bad filter'), 403: err('Role') },
    }),
    async (c) => {
      const f = c.req.valid('query');
      const state = f.state?.split(',');
      if (state?.some((s) => !(STATES as readonly string[]).includes(s)))
        throw Invalid([{ path: 'state', key: 'field.oneOf', params: { values: STATES.join('、') } }]);
      return c.json(
        await listMessages(ctxOf(c), {
          state: state as SmsState[] | undefined,
          direction: f.direction,
          period: f.period,
          limit: f.pageSize,
          offset: (f.page - 1) * f.pageSize,
        }),
        200,
      );
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/messages/retry',
      tags: ['sms'],
      summary: 'Queue failed or in-doubt messages again (audited)',
      middleware: [requirePermission('sms.send', 'sms.notAllowed')] as const,
      request: body(RetryBody),
      responses: { 200: json(RetryResult, 'How many'), 403: err('Role'), 409: err('None can be retried') },
    }),
    async (c) => c.json(await retryMessages(ctxOf(c), c.req.valid('json').ids), 200),
  );
