// Exactly once per (village, month, recipient) through real processes (both backends): `dripline
// sms send` started twice queues each supervisor once; a `dripline sms worker` sending to a real
// SMPP server process is killed with SIGKILL in the middle of the batch (the SMSC has received part
// of it); a second worker, started after the dead one's lease has ended, sends the rest. The SMSC
// then holds exactly one submit_sm per supervisor — no duplicate, no one missed — and every message
// is submitted or delivered: those the dead worker had on the wire are settled by the receipts the
// SMSC delivers again at the next bind (it had no acknowledgement for them).
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloneTemplate, dripline } from '../../test/cli.ts';
import { ROOT, TMP, testAuditKeyFile, useTestAuditKey } from '../../test/template.ts';
import { villageSummary } from './compose.ts';
import * as q from './queries.ts';
import { type Smsc, startSmsc } from './smsc-child.ts';

const COUNTY = '522327'; // 册亨县: a roster of its own in the cloned database
const SUPERVISORS = 240;
type Target = Awaited<ReturnType<typeof cloneTemplate>>;

describe('a worker killed mid-batch', { timeout: 600_000 }, () => {
  let target: Target;
  let smsc: Smsc;
  let env: Record<string, string>;
  const phones: string[] = [];

  beforeAll(async () => {
    useTestAuditKey();
    target = await cloneTemplate('smskill');
    smsc = await startSmsc({ logFile: path.join(TMP, `smsc-kill-${process.pid}.jsonl`), delayMs: 15 });
    const h = await target.open();
    try {
      const villages = (
        await sql<{ code: string }>`select code from areas where level = 'village' and county_code = ${COUNTY} order by code limit 40`.execute(h.db)
      ).rows.map((r) => r.code);
      const rows = Array.from({ length: SUPERVISORS }, (_, i) => {
        const phone = `1720000${String(i).padStart(4, '0')}`;
        phones.push(phone);
        return { villageCode: villages[i % villages.length] as string, name: `监督员${i}`, phone, position: '群众监督员' as const };
      });
      await q.insertRecipients(h.db, rows);
    } finally {
      await h.close();
    }
    env = {
      ...target.env,
      DRIPLINE_SMS_PROVIDER: 'smpp',
      DRIPLINE_SMPP_URL: smsc.url,
      DRIPLINE_SMPP_SYSTEM_ID: 'dripline',
      DRIPLINE_SMPP_PASSWORD: 'secret',
      DRIPLINE_SMS_LEASE_SECONDS: '1',
      DRIPLINE_SMS_RATE: '10000',
    };
  }, 200_000);

  afterAll(async () => {
    await smsc?.stop();
    await target?.drop();
  });

  it('`sms preview` prints exactly the village’s text; bad arguments are refused with exit code 2', async () => {
    const h = await target.open();
    let expected: string;
    let village: string;
    try {
      village = (await sql<{ code: string }>`select code from areas where level = 'village' and county_code = ${COUNTY} order by code limit 1`.execute(h.db))
        .rows[0]?.code as string;
      expected = (await villageSummary(h.db, village, '2026-05', '滴灌')).text;
    } finally {
      await h.close();
    }
    const r = await dripline(['sms', 'preview', '--village', village, '--month', '2026-05'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${expected}\n`);
    const bad = await dripline(['sms', 'preview', '--village', village, '--month', '2026-13'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--month must be YYYY-MM');
  });

  it('sends each supervisor exactly once across a SIGKILL and a restart; a batch started twice adds nothing', async () => {
    const first = await dripline(['sms', 'send', '--month', '2026-05', '--county', COUNTY], env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(new RegExp(`${SUPERVISORS} messages queued, 0 already`));
    const second = await dripline(['sms', 'send', '--month', '2026-05', '--county', COUNTY], env);
    expect(second.stdout).toMatch(new RegExp(`0 messages queued, ${SUPERVISORS} already`));

    // The worker, killed once the SMSC has part of the batch.
    const childEnv: NodeJS.ProcessEnv = { ...process.env, DRIPLINE_AUDIT_KEY_FILE: testAuditKeyFile() };
    delete childEnv.DATABASE_URL;
    delete childEnv.DRIPLINE_DATA_DIR;
    Object.assign(childEnv, env);
    const worker: ChildProcess = spawn(process.execPath, [path.join(ROOT, 'api/bin/dripline.js'), 'sms', 'worker'], {
      env: childEnv,
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    worker.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = once(worker, 'exit');
    const deadline = Date.now() + 150_000;
    while (smsc.submits().length < SUPERVISORS / 3) {
      if (worker.exitCode !== null) throw new Error(`the worker ended early:\n${stderr}`);
      if (Date.now() > deadline) throw new Error(`the worker sent nothing in time:\n${stderr}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    worker.kill('SIGKILL');
    const [, signal] = await exited;
    expect(signal).toBe('SIGKILL');
    const atKill = smsc.submits().length;
    expect(atKill).toBeLessThan(SUPERVISORS);

    // The dead worker's lease (1 s) ends; the next one settles what it left.
    await new Promise((r) => setTimeout(r, 1500));
    const again = await dripline(['sms', 'worker', '--until-empty'], env, 300_000);
    expect(again.code, again.stderr).toBe(0);

    const submits = smsc.submits();
    const perPhone = new Map<string, number>();
    for (const s of submits) perPhone.set(s.destination_addr as string, (perPhone.get(s.destination_addr as string) ?? 0) + 1);
    const duplicates = [...perPhone].filter(([, n]) => n > 1);
    const missed = phones.filter((p) => !perPhone.has(p));
    expect({ duplicates, missed }).toEqual({ duplicates: [], missed: [] });
    expect(submits).toHaveLength(SUPERVISORS);

    const h = await target.open();
    try {
      const states = await h.db
        .selectFrom('sms_messages')
        .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
        .where('period', '=', '2026-05')
        .where('county_code', '=', COUNTY)
        .groupBy('state')
        .execute();
      const byState = Object.fromEntries(states.map((s) => [s.state, Number(s.n)]));
      expect((byState.delivered ?? 0) + (byState.submitted ?? 0)).toBe(SUPERVISORS);
      // Whatever the dead worker left in doubt was audited as such and settled by a receipt.
      const inDoubt = await h.db.selectFrom('audit_log').select('entity_id').where('action', '=', 'sms.inDoubt').execute();
      const settled = await h.db
        .selectFrom('audit_log')
        .select('entity_id')
        .where('action', '=', 'sms.report')
        .where('entity_id', 'in', inDoubt.length ? inDoubt.map((r) => r.entity_id as string) : ['00000000-0000-0000-0000-000000000000'])
        .execute();
      expect(new Set(settled.map((r) => r.entity_id)).size).toBe(new Set(inDoubt.map((r) => r.entity_id)).size);
    } finally {
      await h.close();
    }
  });
});
