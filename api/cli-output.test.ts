// The CLI piped into `head`: when the reader of its output goes away, it stops quietly (exit 0,
// nothing on stderr) instead of crashing with EPIPE — and the export it cut short is still audited.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloneTemplate } from './test/cli.ts';
import { ROOT } from './test/template.ts';

const BIN = path.join(ROOT, 'api/bin/dripline.js');

function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, DRIPLINE_LOG_LEVEL: 'silent' };
  delete e.DATABASE_URL;
  delete e.DRIPLINE_DATA_DIR;
  return { ...e, ...env };
}

/** Runs the CLI with its standard output closed by the reader: at once, or after the first line. */
function runWithReaderLeaving(args: string[], env: Record<string, string>, when: 'at-once' | 'after-first-line') {
  return new Promise<{ code: number | null; signal: string | null; stderr: string; firstLine: string }>((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: childEnv(env), cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let out = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    if (when === 'at-once') child.stdout.destroy();
    else
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) child.stdout.destroy();
      });
    child.on('close', (code, signal) => resolve({ code, signal, stderr, firstLine: out.split('\n')[0] ?? '' }));
  });
}

function runInShell(command: string, env: Record<string, string>) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn('bash', ['-o', 'pipefail', '-c', command], { env: childEnv(env), cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('dripline output into a closed pipe (EPIPE)', () => {
  let target: Awaited<ReturnType<typeof cloneTemplate>>;
  beforeAll(async () => {
    target = await cloneTemplate('epipe');
    // Enough findings that the export is far longer than one pipe buffer (64 KB).
    const h = await target.open();
    try {
      const run = await sql<{ id: string }>`
        insert into crosscheck_runs (county_code, as_of, settings, dataset_versions, started_by_name, status, finished_at)
        values ('522324', '2026-01-01', '{}', '{}', 'test', 'succeeded', now()) returning id`.execute(h.db);
      const runId = run.rows[0]?.id as string;
      await sql`
        insert into findings (county_code, rule, household_no, id_number, household_id, member_id, village_code, severity, evidence, evidence_text, evidence_hash, first_run_id, last_run_id)
        select '522324', 'VEHICLE', h.household_no, m.id_number, h.id, m.id, h.village_code, 'risk', '{}'::jsonb,
          repeat('证据', 40), md5(m.id::text), ${runId}, ${runId}
        from members m join households h on h.id = m.household_id where h.county_code = '522324'`.execute(h.db);
    } finally {
      await h.close();
    }
  });
  afterAll(async () => {
    await target?.drop();
  });

  it('findings export | head -1 prints the header and exits quietly', async () => {
    const r = await runInShell(`${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} findings export --format csv --county 522324 | head -1`, target.env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('\ufeffrule,household_no,id_number,severity,evidence,status,village_code,first_seen,last_seen\n');
  });

  it('a reader that leaves after the first line, or before anything is written: exit 0, nothing on stderr, the export audited as cut short', async () => {
    const first = await runWithReaderLeaving(['findings', 'export', '--format', 'csv', '--county', '522324'], target.env, 'after-first-line');
    expect(first.stderr).toBe('');
    expect(first).toMatchObject({ code: 0, signal: null });
    expect(first.firstLine).toContain('rule,household_no,id_number');

    const closed = await runWithReaderLeaving(['findings', 'export', '--format', 'csv', '--county', '522324'], target.env, 'at-once');
    expect(closed.stderr).toBe('');
    expect(closed).toMatchObject({ code: 0, signal: null });

    const h = await target.open();
    try {
      const audits = await sql<{ note: Record<string, unknown> | string }>`
        select diff -> '_note' as note from audit_log where action = 'findings.export' order by id desc limit 2`.execute(h.db);
      const notes = audits.rows.map((r) => (typeof r.note === 'string' ? JSON.parse(r.note) : r.note) as Record<string, unknown>);
      expect(notes).toHaveLength(2);
      for (const n of notes) expect(n).toMatchObject({ out: 'stdout', readerLeft: true });
    } finally {
      await h.close();
    }
  });

  it('help into a closed pipe exits quietly too', async () => {
    const r = await runWithReaderLeaving(['help'], target.env, 'at-once');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});
