// `dripline oversight run` as a real child process: raises the rules' alerts as of a date, a second
// run raises nothing new, thresholds from the command line, usage errors exit 2 with nothing run.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloneTemplate, dripline } from '../../test/cli.ts';
import { createProject } from '../funds/test-projects.ts';
import { entry } from './rules/test-helpers.ts';

describe('dripline oversight run', { timeout: 480_000 }, () => {
  let target: Awaited<ReturnType<typeof cloneTemplate>>;
  let projectId = '';
  beforeAll(async () => {
    target = await cloneTemplate('ovcli');
    const h = await target.open();
    try {
      const db = h.db;
      const p = await createProject(db, { state: '乡镇审核' });
      projectId = p.id;
      await db
        .updateTable('projects')
        .set({ created_at: new Date('2026-01-01T02:00:00Z') })
        .where('id', '=', p.id)
        .execute();
      await entry(db, p.id, '拨付', 100_000, '2026-05-01');
    } finally {
      await h.close();
    }
  });
  afterAll(async () => {
    await target?.drop();
  });

  async function alerts() {
    const h = await target.open();
    try {
      const r = await sql<{ rule: string; n: number }>`
        select rule, count(*)::int as n from oversight_alerts where project_id = ${projectId} group by rule order by rule`.execute(h.db);
      const runs = await sql<{ n: number }>`select count(*)::int as n from oversight_runs`.execute(h.db);
      const audit = await sql<{ n: number }>`select count(*)::int as n from audit_log where action = 'oversight.run'`.execute(h.db);
      return { byRule: Object.fromEntries(r.rows.map((x) => [x.rule, Number(x.n)])), runs: Number(runs.rows[0]?.n), audited: Number(audit.rows[0]?.n) };
    } finally {
      await h.close();
    }
  }

  it('runs the rules as of a date, idempotently, and refuses bad arguments', async () => {
    for (const args of [
      ['oversight', 'run', '--as-of', '2026-06-30'],
      ['oversight', 'run', '--county', '5223', '--as-of', '2026-06-30'],
      ['oversight', 'run', '--county', '522324', '--as-of', '2026-02-30'],
      ['oversight', 'run', '--county', '522324', '--threshold', 'idleDays=soon'],
      ['oversight', 'run', '--county', '522324', '--threshold', 'speed=3'],
    ]) {
      const r = await dripline(args, target.env);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/--county|--as-of|--threshold/);
    }
    expect((await alerts()).runs).toBe(0);

    const first = await dripline(['oversight', 'run', '--county', '522324', '--as-of', '2026-06-30', '--threshold', 'idleDays=30'], target.env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/Oversight rules of county 522324 as of 2026-06-30/);
    expect(first.stdout).toMatch(/DISBURSED_BEFORE_APPROVAL\s+found [1-9]\d*, raised [1-9]\d*, kept 0/);
    const a = await alerts();
    // 拨付 before approval, and idle for 30 days since (the threshold given)
    expect(a.byRule).toMatchObject({ DISBURSED_BEFORE_APPROVAL: 1, IDLE_WITH_MONEY: 1 });
    expect(a).toMatchObject({ runs: 1, audited: 1 });

    const second = await dripline(['oversight', 'run', '--county', '522324', '--as-of', '2026-06-30', '--threshold', 'idleDays=30'], target.env);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/DISBURSED_BEFORE_APPROVAL\s+found [1-9]\d*, raised 0, kept [1-9]\d*/);
    expect(second.stdout).toMatch(/^0 new alerts\.$/m);
    const b = await alerts();
    expect(b.byRule).toEqual(a.byRule);
    expect(b).toMatchObject({ runs: 2, audited: 2 });
  });
});
