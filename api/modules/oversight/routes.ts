// HTTP of oversight, mounted at /api/oversight: the alert queue (scoped, oldest first), a run of
// the rules (POST /runs), an inspector's manual alert, the responsible office's answer, the inspector's close, and the
// comments on a project. Logic: oversight.ts (and run.ts for the rules); SQL: queries.ts. Every
// output is masked for the reader (auth/personal-data.ts).
import { createRoute, type z } from '@hono/zod-openapi';
import { ctxOf } from '../../http/context.ts';
import { body, err, json } from '../../http/openapi.ts';
import { requirePermission } from '../../http/permission.ts';
import { createRouter } from '../../http/router.ts';
import { type Masker, maskDeep, maskerFor } from '../auth/personal-data.ts';
import type { Scope } from '../auth/scope.ts';
import { addComment, answerAlert, closeAlert, listAlerts, listComments, raiseAlert } from './oversight.ts';
import type { AlertRow, CommentRow } from './queries.ts';
import { OVERSIGHT_RULES } from './rules/index.ts';
import { runAsAccount } from './run.ts';
import {
  Alert,
  AlertList,
  AlertQuery,
  AnswerBody,
  CloseBody,
  Comment,
  CommentBody,
  CommentList,
  IdParam,
  RaiseAlertBody,
  RunBody,
  RunResult,
} from './schema.ts';

const TITLES = new Map<string, string>([...OVERSIGHT_RULES.map((r) => [r.code, r.title] as const), ['manual', '纪检监察人员发起的预警']]);
const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());
const obj = (v: unknown) => (v === null || v === undefined ? {} : ((typeof v === 'string' ? JSON.parse(v) : v) as Record<string, unknown>));
const masker = (scope: Scope): Masker => maskerFor({ role: scope.role, inArea: true });

function toAlert(r: AlertRow, mask: Masker): z.infer<typeof Alert> {
  return {
    id: r.id,
    countyCode: r.county_code,
    villageCode: r.village_code,
    rule: r.rule,
    ruleTitle: TITLES.get(r.rule) ?? r.rule,
    severity: r.severity,
    subjectKind: r.subject_kind,
    projectId: r.project_id,
    projectName: r.project_name,
    ledgerEntryId: r.ledger_entry_id,
    projectStepId: r.project_step_id,
    procedureId: r.procedure_id,
    procedureStepId: r.procedure_step_id,
    evidence: (maskDeep(obj(r.evidence), mask.viewer) as Record<string, unknown>) ?? {},
    evidenceText: mask.text(r.evidence_text) ?? '',
    status: r.status,
    raisedByName: r.raised_by_name,
    raisedByRun: r.raised_by_run,
    raisedAt: iso(r.raised_at) as string,
    answer: mask.text(r.answer),
    answeredByName: r.answered_by_name,
    answeredByRole: r.answered_by_role,
    answeredAt: iso(r.answered_at),
    closeNote: mask.text(r.close_note),
    closedByName: r.closed_by_name,
    closedAt: iso(r.closed_at),
    version: Number(r.version),
  };
}

const toComment = (r: CommentRow, mask: Masker): z.infer<typeof Comment> => ({
  id: r.id,
  projectId: r.project_id,
  ledgerEntryId: r.ledger_entry_id,
  authorName: r.author_name,
  authorRole: r.author_role,
  text: mask.text(r.text) ?? '',
  at: iso(r.at) as string,
});

export const oversightRoutes = createRouter()
  .openapi(
    createRoute({
      method: 'get',
      path: '/alerts',
      tags: ['oversight'],
      summary: 'Alerts in your area, oldest first (filters: status, rule, project)',
      middleware: [requirePermission('oversight.read', 'oversight.roleCannotRead')] as const,
      request: { query: AlertQuery },
      responses: { 200: json(AlertList, 'Alerts'), 400: err('Bad filter'), 403: err('Role cannot read alerts') },
    }),
    async (c) => {
      const rows = await listAlerts(ctxOf(c), c.req.valid('query'));
      const mask = masker(c.var.scope);
      return c.json(
        rows.map((r) => toAlert(r, mask)),
        200,
      );
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/alerts',
      tags: ['oversight'],
      summary: 'An inspector raises an alert on a project or a ledger entry (rule "manual")',
      middleware: [requirePermission('oversight.alert', 'oversight.roleCannotAlert')] as const,
      request: body(RaiseAlertBody),
      responses: {
        201: json(Alert, 'The alert'),
        400: err('Bad input: name one project or one entry'),
        403: err('Not an inspector, or outside your area'),
        404: err('No such project or entry'),
      },
    }),
    async (c) => c.json(toAlert(await raiseAlert(ctxOf(c), c.req.valid('json')), masker(c.var.scope)), 201),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/runs',
      tags: ['oversight'],
      summary: 'Run the anomaly rules for a county now (as `dripline oversight run`): idempotent, audited; counts found/raised/kept',
      middleware: [requirePermission('oversight.run', 'oversight.roleCannotRun')] as const,
      request: body(RunBody),
      responses: {
        201: json(RunResult, 'The run and its counts'),
        400: err('A bad county or date, or no county to default to'),
        403: err('Role cannot run the rules, or the county is outside your area'),
      },
    }),
    async (c) => c.json(await runAsAccount(ctxOf(c), c.req.valid('json')), 201),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/alerts/{id}/answer',
      tags: ['oversight'],
      summary: 'The responsible office (county official, township officer) answers an open alert',
      middleware: [requirePermission('oversight.answer', 'oversight.roleCannotAnswer')] as const,
      request: { params: IdParam, ...body(AnswerBody) },
      responses: {
        200: json(Alert, 'The answered alert'),
        400: err('No answer'),
        403: err('Role cannot answer, or outside your area'),
        404: err('No such alert'),
        409: err('Already answered or closed'),
      },
    }),
    async (c) => c.json(toAlert(await answerAlert(ctxOf(c), c.req.valid('param').id, c.req.valid('json')), masker(c.var.scope)), 200),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/alerts/{id}/close',
      tags: ['oversight'],
      summary: 'The inspector closes an alert with a note',
      middleware: [requirePermission('oversight.alert', 'oversight.roleCannotAlert')] as const,
      request: { params: IdParam, ...body(CloseBody) },
      responses: {
        200: json(Alert, 'The closed alert'),
        400: err('No note'),
        403: err('Not an inspector, or outside your area'),
        404: err('No such alert'),
        409: err('Already closed'),
      },
    }),
    async (c) => c.json(toAlert(await closeAlert(ctxOf(c), c.req.valid('param').id, c.req.valid('json')), masker(c.var.scope)), 200),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/projects/{id}/comments',
      tags: ['oversight'],
      summary: "A project's comments, oldest first (the village supervisor: its village's projects)",
      middleware: [requirePermission('oversight.readComments', 'oversight.roleCannotReadComments')] as const,
      request: { params: IdParam },
      responses: { 200: json(CommentList, 'Comments'), 403: err('Role cannot read comments, or outside your area'), 404: err('No such project') },
    }),
    async (c) => {
      const rows = await listComments(ctxOf(c), c.req.valid('param').id);
      const mask = masker(c.var.scope);
      return c.json(
        rows.map((r) => toComment(r, mask)),
        200,
      );
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/projects/{id}/comments',
      tags: ['oversight'],
      summary: 'The inspector or an official comments on a project or one of its ledger entries',
      middleware: [requirePermission('oversight.comment', 'oversight.roleCannotComment')] as const,
      request: { params: IdParam, ...body(CommentBody) },
      responses: {
        201: json(Comment, 'The comment'),
        400: err('Empty text, or an entry of another project'),
        403: err('Role cannot comment, or outside your area'),
        404: err('No such project or entry'),
      },
    }),
    async (c) => c.json(toComment(await addComment(ctxOf(c), c.req.valid('param').id, c.req.valid('json')), masker(c.var.scope)), 201),
  );
