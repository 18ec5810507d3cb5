// The demo projects (seeds/projects.ts) are made through the domain: every state of the chain is
// there, each project's ledger keeps its invariants and adds up, the chain's log and the audit
// name the demo accounts, and the irregularities the inspector should find are in the data.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/connect.ts';
import { verifyAuditChain } from '../../modules/audit/audit.ts';
import { PROJECT_STATES } from '../../shared/project-chain.ts';
import { cloneTemplate } from '../../test/cli.ts';
import { useTestAuditKey } from '../../test/template.ts';
import { hasProjects, seedDemoProjects } from '../../../seeds/projects.ts';

describe('demo projects', { timeout: 300_000 }, () => {
  let target: Awaited<ReturnType<typeof cloneTemplate>>;
  let h: DbHandle;
  let result: { projects: number; entries: number };

  beforeAll(async () => {
    useTestAuditKey();
    target = await cloneTemplate('demo-projects');
    h = await target.openOwner();
    expect(await hasProjects(h.db, '522324')).toBe(false);
    result = await seedDemoProjects(h.db, { today: new Date('2026-11-30T04:00:00Z') });
  });
  afterAll(async () => {
    await h?.close();
    await target?.drop();
  });

  it('puts a project in every state of the chain', async () => {
    const rows = await h.db.selectFrom('projects').select(['state']).where('county_code', '=', '522324').execute();
    expect(rows).toHaveLength(result.projects);
    const states = new Set(rows.map((r) => r.state));
    for (const s of PROJECT_STATES.filter((s) => s !== '已撤回')) expect(states, s).toContain(s);
    expect(await hasProjects(h.db, '522324')).toBe(true);
  });

  it('dates nothing after the day it was seeded (steps, entries)', async () => {
    const last = await sql<{ step: Date | null; entry: string | null }>`
      select (select max(at) from project_steps) as step, (select max(booked_on)::text from ledger_entries) as entry`.execute(h.db);
    expect(new Date(last.rows[0]?.step ?? 0).getTime()).toBeLessThanOrEqual(Date.parse('2026-11-30T04:00:00Z'));
    expect(last.rows[0]?.entry ?? '').not.toBe('');
    expect((last.rows[0]?.entry ?? '') <= '2026-11-30').toBe(true);
  });

  it('keeps every ledger invariant per project and source, and the figures add up', async () => {
    const r = await sql<{ project_id: string; source: string; allocated: string; disbursed: string; spent: string }>`
      select project_id, source,
        sum(delta_fen) filter (where kind = '下达') as allocated,
        sum(delta_fen) filter (where kind = '拨付') as disbursed,
        coalesce(sum(delta_fen) filter (where kind in ('报账', '到户')), 0) as spent
      from ledger_entries group by project_id, source`.execute(h.db);
    expect(r.rows.length).toBeGreaterThan(5);
    expect(r.rows.length).toBeLessThanOrEqual(result.entries);
    for (const x of r.rows) {
      expect(Number(x.spent)).toBeLessThanOrEqual(Number(x.disbursed ?? 0));
      expect(Number(x.disbursed ?? 0)).toBeLessThanOrEqual(Number(x.allocated ?? 0));
    }
    const count = await h.db
      .selectFrom('ledger_entries')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(result.entries);
  });

  it('pays households of the completed fruit project, and leaves a disbursement inside a notice period', async () => {
    const paid = await h.db.selectFrom('ledger_entries').select('household_id').where('kind', '=', '到户').execute();
    expect(paid.length).toBeGreaterThan(0);
    const early = await sql<{ n: number }>`
      select count(*)::int as n from ledger_entries e join projects p on p.id = e.project_id
      where e.kind = '拨付' and p.notice_started_at is not null
        and e.booked_on < (p.notice_started_at + interval '10 days')::date`.execute(h.db);
    expect(Number(early.rows[0]?.n)).toBeGreaterThan(0);
  });

  it('shows the project under way with its progress and partial spending', async () => {
    const r = await sql<{ progress: number; spent: string; allocated: string }>`
      select (select count(*)::int from project_steps s where s.project_id = p.id and s.action = 'progress') as progress,
        (select coalesce(sum(delta_fen), 0) from ledger_entries e where e.project_id = p.id and e.kind in ('报账', '到户')) as spent,
        (select coalesce(sum(delta_fen), 0) from ledger_entries e where e.project_id = p.id and e.kind = '下达') as allocated
      from projects p where p.county_code = '522324' and p.state = '实施'`.execute(h.db);
    expect(r.rows).toHaveLength(1);
    const row = r.rows[0] as { progress: number; spent: string; allocated: string };
    expect(Number(row.progress)).toBe(1);
    expect(Number(row.spent)).toBeGreaterThan(0);
    expect(Number(row.spent)).toBeLessThan(Number(row.allocated));
  });

  it('logs each step as the demo account that took it, and the audit chain stays sound', async () => {
    const steps = await h.db.selectFrom('project_steps').select(['actor_name', 'actor_role', 'action']).execute();
    expect(steps.some((s) => s.actor_role === 'county_official' && s.actor_name.includes('晴隆县扶贫办'))).toBe(true);
    expect(steps.some((s) => s.action === 'reject')).toBe(true);
    expect(steps.some((s) => s.action === 'object')).toBe(true);
    expect((await verifyAuditChain(h.db)).problems).toEqual([]);
  });
});
