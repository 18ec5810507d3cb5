// The workbench (工作台): each role's home page — what to do next in the account's area, with
// counts and where each to-do is handled. It owns no table and no scope rule: every item is the
// scoped list query of the module that owns it (households' list with its to-do filter, the
// procedures' queue, the findings queue, the projects' approval queue, the registry's and the
// cross-check's recent jobs, the audit log's recent entries), asked for its first rows and its
// count. It must never count anything another way than the linked page lists it.
import type { z } from '@hono/zod-openapi';
import type { Ctx } from '../../context.ts';
import { can } from '../../shared/permissions.ts';
import type { Stage } from '../../shared/state-machine.ts';
import { type HouseholdTodo, NOTICE_ENDING_DAYS, RECENT_DAYS, VISIT_INTERVAL_DAYS, VISIT_INTERVAL_DAYS_MONITORED } from '../../shared/todo.ts';
import { findAreaNames } from '../areas/queries.ts';
import * as audit from '../audit/queries.ts';
import * as findings from '../crosscheck/queries.ts';
import { RULES } from '../crosscheck/rules/index.ts';
import { listHouseholds } from '../households/households.ts';
import { missingFieldCounts } from '../households/queries.ts';
import { LIST_COUNT_LIMIT } from '../households/schema/index.ts';
import { proceduresWaiting, stagesSignedOffBy } from '../procedures/procedures.ts';
import { approvalQueue } from '../projects/projects.ts';
import { listImports } from '../registry/jobs.ts';
import type { ItemKey, Link, Workbench, WorkbenchEntry, WorkbenchItem } from './schema.ts';

type Item = z.infer<typeof WorkbenchItem>;
type Entry = z.infer<typeof WorkbenchEntry>;
type LinkTo = z.infer<typeof Link>;
export type WorkbenchOutput = z.infer<typeof Workbench>;

/** The first entries an item shows. */
export const ENTRIES = 5;
const DAY_MS = 24 * 60 * 60 * 1000;
const RULE_TITLES = new Map(RULES.map((r) => [r.code, r.title]));

const entry = (e: Partial<Entry> & { label: string }): Entry => ({ detail: null, count: null, days: null, at: null, link: null, ...e });
const item = (key: ItemKey, count: number, link: LinkTo | null, entries: Entry[], extra: { capped?: boolean; params?: Record<string, number> } = {}): Item => ({
  key,
  count,
  capped: extra.capped ?? false,
  params: extra.params ?? {},
  link,
  entries,
});
const household = (id: string): LinkTo => ({ name: 'household', params: { id } });
/** The findings queue's review tab, filtered (?area= opens the review rather than the county's import tab). */
const findingsQueue = (ctx: Ctx, query: Record<string, string>): LinkTo => ({ name: 'crosscheck', query: { area: ctx.scope.areaCode, ...query } });

/** The account's workbench: the items of its role (writers: their work; read-only roles: what changed). */
export async function workbench(ctx: Ctx): Promise<WorkbenchOutput> {
  const { db, scope, now } = ctx;
  const since = new Date(now.getTime() - RECENT_DAYS * DAY_MS);
  const [area] = await findAreaNames(db, [scope.areaCode]);
  const readOnly = !scope.canWrite;
  const village = scope.areaCode.length === 12;
  const afterNotice = stagesSignedOffBy(scope).filter((s) => s === '乡镇审核' || s === '县级审定');
  const tasks: Promise<Item | null>[] = readOnly
    ? [recentChanges(ctx, since), findingActivity(ctx, since), refusals(ctx, since)].flat()
    : [
        ...(village
          ? [
              householdTodo(ctx, 'visitOverdue'),
              waiting(ctx, 'villageReview', ['村级评议']),
              waiting(ctx, 'noticesToPost', ['村内公示']),
              findingsToVerify(ctx),
              householdTodo(ctx, 'incomplete'),
              householdTodo(ctx, 'riskEliminationDue'),
            ]
          : [
              waiting(ctx, 'signoff', afterNotice),
              // The notices whose end brings the procedure to the role's sign-off (none for a role that signs none).
              waiting(ctx, 'noticeEnding', afterNotice.length ? ['村内公示'] : [], NOTICE_ENDING_DAYS),
              openFindings(ctx),
              registryImports(ctx, since),
              crosscheckRuns(ctx, since),
            ]),
        projectQueue(ctx),
      ];
  const items = (await Promise.all(tasks)).filter((i): i is Item => i !== null);
  return {
    role: scope.role,
    readOnly,
    area: area ? { code: area.code, name: area.name, level: area.level } : { code: scope.areaCode, name: scope.areaCode, level: 'county' },
    since: since.toISOString(),
    items,
  };
}

// ── 村干部 ────────────────────────────────────────────────────────────────────────────────────
/** A household to-do: the household list with its `todo` filter (the same page the item opens). */
async function householdTodo(ctx: Ctx, todo: HouseholdTodo): Promise<Item> {
  const [page, missing] = await Promise.all([
    listHouseholds(ctx, { todo, pageSize: ENTRIES, page: 1, countLimit: LIST_COUNT_LIMIT }),
    todo === 'incomplete' ? missingFieldCounts(ctx.db, ctx.scope, { now: ctx.now }) : Promise.resolve(undefined),
  ]);
  const params: Record<string, number> =
    todo === 'visitOverdue' ? { days: VISIT_INTERVAL_DAYS, monitoredDays: VISIT_INTERVAL_DAYS_MONITORED } : (missing ?? {});
  return item(
    todo,
    page.total,
    { name: 'households', query: { todo } },
    page.items.map((h) => entry({ label: `${h.headName} · ${h.householdNo}`, detail: `${h.villageName} · ${h.status}`, link: household(h.id) })),
    { capped: page.totalCapped, params },
  );
}

/** Procedures waiting at `stages` (the review queue), the longest-waiting first; null when the role signs off none of them. */
async function waiting(ctx: Ctx, key: ItemKey, stages: Stage[], noticeEndsWithinDays?: number): Promise<Item | null> {
  if (!stages.length) return null;
  const { total, items } = await proceduresWaiting(ctx, stages, { limit: ENTRIES, noticeEndsWithinDays });
  const queue: LinkTo = { name: 'procedure-queue', query: noticeEndsWithinDays === undefined ? {} : { view: 'open' } };
  return item(
    key,
    total,
    queue,
    items.map((p) => {
      const endsIn = p.publicityEndsAt ? Math.ceil((new Date(p.publicityEndsAt).getTime() - ctx.now.getTime()) / DAY_MS) : null;
      return entry({
        label: `${p.headName} · ${p.type}`,
        detail: `${p.villageName} · ${p.stage ?? ''}`,
        days: key === 'noticeEnding' || key === 'noticesToPost' ? endsIn : p.daysWaiting,
        at: p.updatedAt,
        link: household(p.householdId),
      });
    }),
    { params: key === 'noticeEnding' ? { days: NOTICE_ENDING_DAYS } : {} },
  );
}

/** Findings in the village still to verify: not yet reviewed (open) and those sent for a visit (needs_visit). */
async function findingsToVerify(ctx: Ctx): Promise<Item> {
  const counts = await findings.countFindings(ctx.db, ctx.scope, { presentOnly: true, status: ['open', 'needs_visit'] });
  const byStatus = new Map(counts.byStatus.map((s) => [s.status, s.n]));
  const entries = (['open', 'needs_visit'] as const)
    .filter((s) => (byStatus.get(s) ?? 0) > 0)
    .map((s) => entry({ label: s, count: byStatus.get(s) ?? 0, link: findingsQueue(ctx, { status: s }) }));
  const total = counts.byStatus.reduce((n, s) => n + s.n, 0);
  return item('findingsToVerify', total, findingsQueue(ctx, { status: 'open' }), entries, {
    params: { open: byStatus.get('open') ?? 0, needsVisit: byStatus.get('needs_visit') ?? 0 },
  });
}

// ── 乡镇干部 / 县扶贫办 ──────────────────────────────────────────────────────────────────────
/** Open findings by rule (the catalogue's titles) and by village, most first. */
async function openFindings(ctx: Ctx): Promise<Item> {
  const counts = await findings.countFindings(ctx.db, ctx.scope, { presentOnly: true, status: ['open'] });
  const total = counts.byRule.reduce((n, r) => n + r.n, 0);
  const villages = [...counts.byVillage].sort((a, b) => b.n - a.n).slice(0, ENTRIES);
  const names = new Map(
    (
      await findAreaNames(
        ctx.db,
        villages.map((v) => v.village_code),
      )
    ).map((a) => [a.code, a.name]),
  );
  const byRule = [...counts.byRule]
    .sort((a, b) => b.n - a.n)
    .map((r) => entry({ label: RULE_TITLES.get(r.rule) ?? r.rule, detail: 'rule', count: r.n, link: findingsQueue(ctx, { status: 'open', rule: r.rule }) }));
  const byVillage = villages.map((v) =>
    entry({ label: names.get(v.village_code) ?? v.village_code, detail: 'village', count: v.n, link: { name: 'households', query: { area: v.village_code } } }),
  );
  return item('openFindings', total, findingsQueue(ctx, { status: 'open' }), [...byRule, ...byVillage], {
    params: { rules: byRule.length, villages: counts.byVillage.length },
  });
}

/** The registry imports of the recent days in the area (for the roles that import). */
async function registryImports(ctx: Ctx, since: Date): Promise<Item | null> {
  if (!can(ctx.scope.role, 'registry.import')) return null;
  const recent = (await listImports(ctx)).items.filter((j) => new Date(j.createdAt) >= since);
  return item(
    'registryImports',
    recent.length,
    { name: 'registry-import' },
    recent
      .slice(0, ENTRIES)
      .map((j) => entry({ label: j.fileName, detail: j.status, count: j.errorCount, at: j.createdAt, link: { name: 'registry-import' } })),
    { params: { days: RECENT_DAYS, failed: recent.filter((j) => j.status === 'failed').length } },
  );
}

/** The county's cross-check runs of the recent days (the runs are the county's: the area's findings come from them). */
async function crosscheckRuns(ctx: Ctx, since: Date): Promise<Item | null> {
  const county = ctx.scope.countyCode;
  if (!county) return null;
  const recent = (await findings.listRuns(ctx.db, county)).filter((r) => new Date(r.started_at) >= since);
  return item(
    'crosscheckRuns',
    recent.length,
    { name: 'crosscheck' },
    recent
      .slice(0, ENTRIES)
      .map((r) => entry({ label: String(r.as_of).slice(0, 10), detail: r.status, at: new Date(r.started_at).toISOString(), link: { name: 'crosscheck' } })),
    { params: { days: RECENT_DAYS } },
  );
}

/** Projects waiting for a step the role takes (the approval queue), the longest-waiting first. */
async function projectQueue(ctx: Ctx): Promise<Item | null> {
  if (!can(ctx.scope.role, 'project.read')) return null;
  const queue = await approvalQueue(ctx, { limit: ENTRIES });
  return item(
    'projectQueue',
    queue.total,
    { name: 'project-queue' },
    queue.items.map((p) =>
      entry({
        label: p.name,
        detail: `${p.villageName} · ${p.state}`,
        days: p.daysWaiting,
        at: p.waitingSince,
        link: { name: 'project', params: { id: p.id } },
      }),
    ),
  );
}

// ── 纪检监察 / 村监委 (read-only) ────────────────────────────────────────────────────────────
const DENIED = ['access.denied'];

/** The card's records (their subject is the household) and the project's (their subject is the project). */
const CARD_ENTITIES = new Set(['household', 'member', 'household_year', 'visit', 'photo', 'measure', 'cadre', 'procedure', 'finding']);
const PROJECT_ENTITIES = new Set(['project', 'project_media', 'project_comment', 'ledger_entry', 'oversight_alert']);

/** Where an audited record is shown (its household's card, its project), if anywhere. */
function recordLink(r: { entity: string; entity_id: string | null; subject_id: string | null }): LinkTo | null {
  const subject = r.subject_id ?? (r.entity === 'household' || r.entity === 'project' ? r.entity_id : null);
  if (!subject) return null;
  if (CARD_ENTITIES.has(r.entity)) return household(subject);
  if (PROJECT_ENTITIES.has(r.entity)) return { name: 'project', params: { id: subject } };
  return null;
}

async function auditItem(ctx: Ctx, key: ItemKey, f: audit.RecentFilter): Promise<Item> {
  const [count, rows] = await Promise.all([audit.countRecent(ctx.db, ctx.scope, f, LIST_COUNT_LIMIT), audit.latestRecent(ctx.db, ctx.scope, f, ENTRIES)]);
  return item(
    key,
    count.total,
    null,
    rows.map((r) =>
      entry({
        label: r.action,
        detail: [r.actor_name, r.entity].filter(Boolean).join(' · '),
        at: new Date(r.at).toISOString(),
        link: recordLink(r),
      }),
    ),
    { capped: count.capped, params: { days: RECENT_DAYS } },
  );
}

/** What changed in the area in the recent days (the audit log, refusals and sign-ins aside). */
const recentChanges = (ctx: Ctx, since: Date) => auditItem(ctx, 'recentChanges', { since, exceptActions: DENIED, changesOnly: true });

/** Refused actions (access.denied) of the area's accounts in the recent days. */
const refusals = (ctx: Ctx, since: Date) => auditItem(ctx, 'accessDenied', { since, actions: DENIED });

/** Findings first seen, and findings closed by a review, in the recent days. */
function findingActivity(ctx: Ctx, since: Date): Promise<Item>[] {
  const activity = findings.findingActivity(ctx.db, ctx.scope, since);
  const params = { days: RECENT_DAYS };
  return [
    activity.then((a) => item('findingsOpened', a.opened, findingsQueue(ctx, { status: 'open' }), [], { params })),
    activity.then((a) => item('findingsClosed', a.closed, findingsQueue(ctx, { status: 'resolved' }), [], { params })),
  ];
}
