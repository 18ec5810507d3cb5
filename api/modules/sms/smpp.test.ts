// SMS through a real SMPP 3.4 server process (test-smsc.ts, the `smpp` package's server side) on
// both backends: the exact PDUs (data_coding 8, UDH segmentation of a two-part text), delivery
// receipts updating each message, a month's batch sent once however often it is started, opted-out
// roster entries skipped, retry with back-off after a throttled submit, and inbound texts — a query
// answered with the village's figures, 退订 opting out, anything else the help text, a per-number limit.
import path from 'node:path';
import iconv from 'iconv-lite';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSmsConfig, type SmsConfig } from '../../config.ts';
import type { Db } from '../../db/schema.ts';
import { freshTestDb } from '../../test/db.ts';
import { TMP } from '../../test/template.ts';
import { ctxAs } from '../funds/test-projects.ts';
import { partsOf } from './compose.ts';
import { type DeliveryReport, SmppProvider } from './providers.ts';
import { addRecipient, updateRecipient } from './roster.ts';
import { type Smsc, startSmsc } from './smsc-child.ts';
import { handleInbound, runWorker, startBatch } from './sms.ts';

let db: Db;
let smsc: Smsc;
let cfg: SmsConfig;
let county: string;
let village: { code: string; name: string };
let seq = 0;
const phone = () => `171${String(process.pid % 10000).padStart(4, '0')}${String(++seq).padStart(4, '0')}`;
const ucs2 = (s: string) => iconv.encode(s, 'utf16-be').toString('hex');
const until = async (what: string, cond: () => Promise<boolean> | boolean, ms = 20_000) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
};
const messagesTo = (p: string) => db.selectFrom('sms_messages').selectAll().where('phone', '=', p).orderBy('created_at').execute();

/** Runs a worker until `done` holds (then stops it); returns its debug lines. */
async function withWorker(done: () => Promise<boolean>, opts: { clock?: () => Date } = {}) {
  const stop = new AbortController();
  const lines: string[] = [];
  const run = runWorker(db, new SmppProvider(cfg.smpp), cfg, { signal: stop.signal, pollMs: 50, log: (l) => lines.push(l), ...opts });
  try {
    await until('the worker to finish', done);
  } finally {
    stop.abort();
    await run;
  }
  return lines;
}

let dispose: (() => Promise<void>) | undefined;

beforeAll(async () => {
  // A database of its own: a worker claims every due message, and other files of this test
  // worker may leave queued ones behind (hundreds from a batch) that it would send first.
  const fresh = await freshTestDb('smpp');
  db = fresh.db;
  dispose = fresh.dispose;
  smsc = await startSmsc({ logFile: path.join(TMP, `smsc-${process.pid}.jsonl`) });
  cfg = loadSmsConfig(
    { DRIPLINE_SMS_PROVIDER: 'smpp', DRIPLINE_SMPP_URL: smsc.url, DRIPLINE_SMPP_SYSTEM_ID: 'dripline', DRIPLINE_SMPP_PASSWORD: 'secret' },
    true,
  );
  // 望谟县 (522326): no other test keeps a roster there.
  county = '522326';
  const v = await sql<{ code: string; name: string }>`
    select code, name from areas where level = 'village' and county_code = ${county} order by code limit 1`.execute(db);
  village = v.rows[0] as { code: string; name: string };
});

afterAll(async () => {
  await smsc?.stop();
  await dispose?.();
});

describe('SMPP PDUs', () => {
  it('binds, sends a short text as one UCS-2 submit_sm and a long one in two parts with a concatenation UDH; receipts come back', async () => {
    const reports: DeliveryReport[] = [];
    const provider = new SmppProvider(cfg.smpp);
    await provider.open({ report: async (r) => void reports.push(r), inbound: async () => {} });
    const before = smsc.pdus().length;
    const to = phone();
    const short = '【滴灌】保家村2026年1-5月扶贫项目3个';
    const long = `【滴灌】${'扶贫资金公开透明'.repeat(12)}`;
    expect(long.length).toBeGreaterThan(70);
    expect(long.length).toBeLessThanOrEqual(134);
    const [a, b] = await Promise.all([provider.submit({ phone: to, text: short }), provider.submit({ phone: to, text: long })]);
    expect(a).toMatchObject({ ok: true, delivered: false });
    expect(b.ok && b.ids).toHaveLength(2);
    await until('three receipts', () => reports.length >= 3);
    await provider.close();
    const pdus = smsc.pdus().slice(before);
    const submits = pdus.filter((p) => p.command === 'submit_sm');
    expect(submits).toHaveLength(3);
    const one = submits.find((p) => p.esm_class === 0);
    expect(one).toMatchObject({ data_coding: 8, registered_delivery: 1, destination_addr: to, source_addr: '106900', hex: ucs2(short) });
    const parts = submits.filter((p) => p.esm_class === 0x40);
    expect(parts).toHaveLength(2);
    const [p1, p2] = partsOf(long);
    expect(p1).toHaveLength(67);
    const ref = parts[0]?.hex?.slice(6, 8);
    expect(parts.map((p) => p.data_coding)).toEqual([8, 8]);
    expect(parts[0]?.hex).toBe(`050003${ref}0201${ucs2(p1 as string)}`);
    expect(parts[1]?.hex).toBe(`050003${ref}0202${ucs2(p2 as string)}`);
    // The receipts name the ids the SMSC gave each submit.
    const ids = submits.map((p) => p.message_id);
    expect(reports.map((r) => r.providerId).sort()).toEqual([...ids].sort());
    expect(reports.every((r) => r.state === 'delivered' && r.stat === 'DELIVRD' && r.phone === to)).toBe(true);
  });
});

describe('a month’s batch through the queue', () => {
  const phones: string[] = [];
  let optedOut = '';

  beforeAll(async () => {
    const c = ctxAs(db, 'county_official', county);
    for (let i = 0; i < 5; i++) {
      const p = phone();
      const r = await addRecipient(c, { villageCode: village.code, name: `监督员${i}`, phone: p });
      if (i === 4) {
        await updateRecipient(c, r.id, { version: r.version, optedIn: false });
        optedOut = p;
      } else phones.push(p);
    }
  });

  it('queues each opted-in supervisor once, however often the batch starts; sends each once; receipts mark them delivered; all audited', async () => {
    const c = ctxAs(db, 'county_official', county);
    const first = await startBatch(c, { month: '2026-05', countyCode: county }, cfg.signature);
    expect(first.queued).toBeGreaterThanOrEqual(4);
    const again = await startBatch(c, { month: '2026-05', countyCode: county }, cfg.signature);
    expect(again.queued).toBe(0);
    expect(again.alreadyQueued).toBe(first.queued);
    const before = smsc.submits().length;
    const lines = await withWorker(async () => {
      const rows = await db.selectFrom('sms_messages').select('state').where('phone', 'in', phones).execute();
      return rows.length === 4 && rows.every((r) => r.state === 'delivered');
    });
    const sent = smsc.submits().slice(before);
    for (const p of phones)
      expect(
        sent.filter((s) => s.destination_addr === p),
        p,
      ).toHaveLength(1);
    expect(sent.some((s) => s.destination_addr === optedOut)).toBe(false);
    expect(await messagesTo(optedOut)).toHaveLength(0);
    // The text sent is the village's summary, in UCS-2.
    const [m] = await messagesTo(phones[0] as string);
    expect(m?.text).toContain(village.name);
    expect(sent.find((s) => s.destination_addr === phones[0])?.hex).toBe(ucs2(m?.text as string));
    expect(m?.provider_ids).toHaveLength(1);
    // Audited: submitted and reported; the worker's lines never hold a phone.
    const audit = await db
      .selectFrom('audit_log')
      .select(['action', 'diff'])
      .where('entity_id', '=', m?.id as string)
      .orderBy('seq')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['sms.submitted', 'sms.report']));
    expect(JSON.stringify(audit)).not.toContain(phones[0]);
    for (const l of lines) for (const p of phones) expect(l).not.toContain(p);
  });

  it('opted-out recipients get nothing, even when they opt out after the batch was queued', async () => {
    const c = ctxAs(db, 'county_official', county);
    await startBatch(c, { month: '2026-06', countyCode: county }, cfg.signature);
    // One opts out before the worker runs.
    const r = await db
      .selectFrom('sms_recipients')
      .select(['id', 'version'])
      .where('phone', '=', phones[0] as string)
      .executeTakeFirstOrThrow();
    await updateRecipient(c, r.id, { version: Number(r.version), optedIn: false });
    const before = smsc.submits().length;
    await withWorker(async () => {
      const rows = await db.selectFrom('sms_messages').select('state').where('period', '=', '2026-06').where('phone', 'in', phones).execute();
      return rows.every((x) => x.state === 'delivered' || x.state === 'failed');
    });
    const sent = smsc.submits().slice(before);
    expect(sent.some((s) => s.destination_addr === phones[0])).toBe(false);
    for (const p of phones.slice(1)) expect(sent.filter((s) => s.destination_addr === p)).toHaveLength(1);
    const dropped = (await messagesTo(phones[0] as string)).find((x) => x.period === '2026-06');
    expect(dropped).toMatchObject({ state: 'failed', error: 'opted out (退订)' });
  });
});

describe('retries', () => {
  it('a throttled submit is queued again with back-off and sent when due', async () => {
    const throttling = await startSmsc({ logFile: path.join(TMP, `smsc-throttle-${process.pid}.jsonl`), throttleFirst: 1 });
    const local = loadSmsConfig(
      { DRIPLINE_SMS_PROVIDER: 'smpp', DRIPLINE_SMPP_URL: throttling.url, DRIPLINE_SMPP_SYSTEM_ID: 'dripline', DRIPLINE_SMPP_PASSWORD: 'secret' },
      true,
    );
    try {
      const p = phone();
      await handleInbound(db, cfg, { phone: p, text: '你好' }, new Date());
      const [, reply] = await messagesTo(p);
      expect(reply?.state).toBe('queued');
      let offset = 0;
      const clock = () => new Date(Date.now() + offset);
      const stop = new AbortController();
      const run = runWorker(db, new SmppProvider(local.smpp), local, { signal: stop.signal, pollMs: 50, clock });
      await until('the refusal', async () => (await messagesTo(p))[1]?.attempts === 1 && (await messagesTo(p))[1]?.state === 'queued');
      const refused = (await messagesTo(p))[1];
      expect(refused?.error).toContain('0x00000058');
      const wait = new Date(refused?.next_attempt_at as Date).getTime() - new Date(refused?.updated_at as Date).getTime();
      expect(wait).toBeGreaterThanOrEqual(29_000);
      expect(wait).toBeLessThanOrEqual(31_000);
      offset = 31_000;
      await until('the second attempt', async () => (await messagesTo(p))[1]?.state === 'delivered');
      stop.abort();
      await run;
      expect((await messagesTo(p))[1]?.attempts).toBe(2);
      expect(throttling.pdus().filter((x) => x.command === 'submit_sm' && x.destination_addr === p)).toHaveLength(2);
    } finally {
      await throttling.stop();
    }
  });
});

describe('inbound texts over deliver_sm', () => {
  it('CX from a supervisor answers with the village’s figures; 退订 opts out; other text gets the help', async () => {
    const c = ctxAs(db, 'county_official', county);
    const supervisor = phone();
    const quitter = phone();
    const stranger = phone();
    await addRecipient(c, { villageCode: village.code, name: '问询人', phone: supervisor });
    await addRecipient(c, { villageCode: village.code, name: '退订人', phone: quitter });
    const before = smsc.submits().length;
    smsc.mo(supervisor, 'CX');
    smsc.mo(quitter, '退订');
    smsc.mo(stranger, '今天天气');
    smsc.mo(stranger, `查询 ${village.code}`);
    await withWorker(async () => {
      const to = smsc
        .submits()
        .slice(before)
        .map((s) => s.destination_addr);
      return to.includes(supervisor) && to.includes(quitter) && to.filter((x) => x === stranger).length === 2;
    });
    const inbound = await db
      .selectFrom('sms_messages')
      .select(['phone', 'handling', 'text', 'village_code'])
      .where('direction', '=', 'in')
      .where('phone', 'in', [supervisor, quitter, stranger])
      .orderBy('created_at')
      .execute();
    expect(inbound.find((m) => m.phone === supervisor)).toMatchObject({ handling: 'query', text: 'CX', village_code: village.code });
    expect(inbound.find((m) => m.phone === quitter)).toMatchObject({ handling: 'optout' });
    expect(
      inbound
        .filter((m) => m.phone === stranger)
        .map((m) => m.handling)
        .sort(),
    ).toEqual(['help', 'query']);
    const replies = await db
      .selectFrom('sms_messages')
      .select(['phone', 'text', 'state'])
      .where('kind', '=', 'reply')
      .where('phone', 'in', [supervisor, quitter, stranger])
      .execute();
    expect(replies.find((r) => r.phone === supervisor)?.text).toContain(village.name);
    expect(replies.find((r) => r.phone === quitter)?.text).toContain('退订');
    expect(
      replies
        .filter((r) => r.phone === stranger)
        .map((r) => r.text.includes(village.name))
        .sort(),
    ).toEqual([false, true]);
    const roster = await db.selectFrom('sms_recipients').select(['opted_in', 'opted_out_via']).where('phone', '=', quitter).executeTakeFirstOrThrow();
    expect(roster).toEqual({ opted_in: false, opted_out_via: 'sms' });
    // The reply went out over SMPP in UCS-2.
    const sent = smsc
      .submits()
      .slice(before)
      .find((s) => s.destination_addr === supervisor);
    expect(sent?.data_coding).toBe(8);
  });

  it('answers a number at most DRIPLINE_SMS_INBOUND_PER_HOUR times an hour; the rest is recorded, not answered', async () => {
    const p = phone();
    const at = new Date();
    const handled: string[] = [];
    for (let i = 0; i < cfg.inboundPerHour + 2; i++)
      handled.push((await handleInbound(db, cfg, { phone: p, text: 'CX' }, new Date(at.getTime() + i))).handling);
    expect(handled.slice(0, cfg.inboundPerHour).every((h) => h !== 'limited')).toBe(true);
    expect(handled.slice(cfg.inboundPerHour)).toEqual(['limited', 'limited']);
    const replies = await db.selectFrom('sms_messages').select('id').where('kind', '=', 'reply').where('phone', '=', p).execute();
    expect(replies).toHaveLength(cfg.inboundPerHour);
    // An hour later it is answered again.
    expect((await handleInbound(db, cfg, { phone: p, text: 'CX' }, new Date(at.getTime() + 3601_000))).handling).not.toBe('limited');
  });
});
