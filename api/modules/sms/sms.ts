// SMS for village supervisors and villagers (issue 17, docs/domain/sms.md): what each village will
// receive (preview), a month's batch of summaries (one message per village, period and phone —
// exactly once, whatever is started twice), the worker that drains the queue through the provider
// with retries and back-off, delivery reports, inbound texts (查询 / CX, 退订, help) and the
// failed-messages page's retry. Every message is a row with its state; every change is audited.
// Phones are masked in every view and never logged; texts carry no personal data (compose.ts).
import os from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Ctx } from '../../context.ts';
import { inTransaction } from '../../context.ts';
import type { Db, DbOrTrx, SmsState } from '../../db/schema.ts';
import { AppError, Invalid } from '../../errors.ts';
import type { SmsConfig } from '../../config.ts';
import { maskPhone } from '../../shared/mask.ts';
import { recordAudit, SYSTEM_ACTOR } from '../audit/audit.ts';
import { chinaMonth, composeSummary, monthPeriod, segmentsOf, signed, summaryFigures, villageSummary } from './compose.ts';
import * as q from './queries.ts';
import type { DeliveryReport, InboundText, SmsProvider } from './providers.ts';
import { assertMay } from './roster.ts';

// ── Preview ──────────────────────────────────────────────────────────────────────────────────
export interface VillagePreview {
  villageCode: string;
  villageName: string;
  text: string;
  segments: number;
  /** Opted-in roster entries (who will receive it) and those opted out. */
  recipients: number;
  optedOut: number;
}

/** Runs `fn` over `items`, `n` at a time (the pool answers in parallel on PostgreSQL; PGlite serialises). */
async function inParallel<T, R>(items: T[], n: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i] as T);
      }
    }),
  );
  return out;
}

/** What each village of `area` (a county, township or village in the caller's scope) will receive for `month`. */
export async function previewArea(ctx: Ctx, input: { area: string; month: string }, signature: string): Promise<VillagePreview[]> {
  assertMay(ctx, 'sms.read', input.area);
  if (!/^\d{6}(\d{3}(\d{3})?)?$/.test(input.area ?? '')) throw Invalid([{ path: 'area', key: 'area.badCode' }]);
  monthPeriod(input.month);
  ctx.scope.assertCovers(input.area);
  const [villages, roster] = await Promise.all([q.villagesOf(ctx.db, ctx.scope, input.area), q.batchRecipients(ctx.db, input.area)]);
  const counts = new Map<string, { in: number; out: number }>();
  for (const r of roster) {
    const c = counts.get(r.village_code) ?? { in: 0, out: 0 };
    if (r.opted_in) c.in++;
    else c.out++;
    counts.set(r.village_code, c);
  }
  return inParallel(villages, 4, async (v) => {
    const s = await villageSummary(ctx.db, v.code, input.month, signature);
    return { villageCode: v.code, villageName: v.name, ...s, recipients: counts.get(v.code)?.in ?? 0, optedOut: counts.get(v.code)?.out ?? 0 };
  });
}

// ── A month's batch ──────────────────────────────────────────────────────────────────────────
export interface BatchResult {
  batchId: string;
  period: string;
  villages: number;
  /** New messages queued by this batch. */
  queued: number;
  /** Recipients who already had this month's summary (queued or sent by an earlier batch). */
  alreadyQueued: number;
  optedOut: number;
}

/**
 * Starts `month`'s summaries for the county (or the caller's whole area): composes each village's
 * text once and queues one message per opted-in roster entry. A (village, month, phone) already
 * queued or sent is skipped — a batch started twice sends nothing twice.
 */
export async function startBatch(ctx: Ctx, input: { month: string; countyCode?: string | undefined }, signature: string): Promise<BatchResult> {
  assertMay(ctx, 'sms.send', input.countyCode);
  monthPeriod(input.month);
  if (input.countyCode !== undefined && !/^\d{6}$/.test(input.countyCode)) throw Invalid([{ path: 'county', key: 'sms.countyRequired' }]);
  const area = input.countyCode ?? ctx.scope.areaCode;
  ctx.scope.assertCovers(area);
  const roster = await q.batchRecipients(ctx.db, area);
  const optedIn = roster.filter((r) => r.opted_in && ctx.scope.covers(r.village_code));
  const villages = [...new Set(optedIn.map((r) => r.village_code))];
  // Compose outside the write: reads only, in parallel where the database allows.
  const texts = new Map(
    await inParallel(
      villages,
      8,
      async (code) => [code, composeSummary(await summaryFigures(ctx.db, code, input.month), { signature, hints: 'summary' })] as const,
    ),
  );
  return inTransaction(ctx, async (trx) => {
    const batch = await q.insertBatch(trx, {
      period: input.month,
      countyCode: input.countyCode ?? null,
      startedBy: ctx.actor.id,
      startedByName: ctx.actor.name,
      at: ctx.now,
    });
    let queued = 0;
    const perCounty = new Map<string, number>();
    for (let i = 0; i < optedIn.length; i += 2000) {
      const rows = optedIn.slice(i, i + 2000).map((r) => {
        const t = texts.get(r.village_code) as { text: string; segments: number };
        return {
          direction: 'out' as const,
          kind: 'summary' as const,
          batchId: batch.id,
          villageCode: r.village_code,
          recipientId: r.id,
          phone: r.phone,
          period: input.month,
          text: t.text,
          segments: t.segments,
          state: 'queued' as const,
          at: ctx.now,
        };
      });
      const made = await q.enqueueSummaries(trx, rows);
      queued += made.length;
    }
    for (const r of optedIn) perCounty.set(r.county_code, (perCounty.get(r.county_code) ?? 0) + 1);
    const result: BatchResult = {
      batchId: batch.id,
      period: input.month,
      villages: villages.length,
      queued,
      alreadyQueued: optedIn.length - queued,
      optedOut: roster.length - optedIn.length,
    };
    await q.setBatchCounts(trx, batch.id, { villages: result.villages, queued, alreadyQueued: result.alreadyQueued, optedOut: result.optedOut });
    const { period: _period, ...counts } = result;
    // One entry per county the batch reaches (each county keeps its own chain).
    for (const [county, recipients] of perCounty.size ? perCounty : new Map([[area.slice(0, 6), 0]])) {
      await recordAudit(trx, {
        actor: ctx.actor,
        action: 'sms.batch.start',
        entity: 'sms_batch',
        entityId: batch.id,
        areaCode: county,
        note: { period: input.month, recipients, ...counts },
        origin: ctx.origin,
      });
    }
    return result;
  });
}

// ── Messages (the log and the failed-messages page) ──────────────────────────────────────────
export interface MessageView {
  id: string;
  direction: 'out' | 'in';
  kind: string;
  villageCode: string | null;
  villageName: string | null;
  /** Masked. */
  phone: string;
  period: string | null;
  text: string;
  segments: number;
  state: SmsState;
  handling: string | null;
  attempts: number;
  provider: string | null;
  error: string | null;
  createdAt: string;
  submittedAt: string | null;
  finishedAt: string | null;
}

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);

export async function listMessages(ctx: Ctx, f: q.MessageFilter): Promise<MessageView[]> {
  assertMay(ctx, 'sms.read');
  const rows = await q.listMessages(ctx.db, ctx.scope, f);
  return rows.map((r) => ({
    id: r.id,
    direction: r.direction,
    kind: r.kind,
    villageCode: r.village_code,
    villageName: r.village_name ?? null,
    phone: maskPhone(r.phone) ?? '***',
    period: r.period,
    text: r.text,
    segments: Number(r.segments),
    state: r.state,
    handling: r.handling,
    attempts: Number(r.attempts),
    provider: r.provider,
    error: r.error,
    createdAt: iso(r.created_at) as string,
    submittedAt: iso(r.submitted_at),
    finishedAt: iso(r.finished_at),
  }));
}

/** Failed or in-doubt messages queued again (the failed-messages page). In doubt means it may have arrived: the office decides. */
export async function retryMessages(ctx: Ctx, ids: string[]): Promise<{ retried: number }> {
  assertMay(ctx, 'sms.send');
  return inTransaction(ctx, async (trx) => {
    const done = await q.requeue(trx, ctx.scope, ids, ctx.now);
    if (!done.length) throw new AppError('CONFLICT', 'sms.nothingToRetry');
    for (const m of done)
      await recordAudit(trx, { actor: ctx.actor, action: 'sms.retry', entity: 'sms_message', entityId: m.id, areaCode: m.village_code, origin: ctx.origin });
    return { retried: done.length };
  });
}

// ── The worker ───────────────────────────────────────────────────────────────────────────────
const WORKER_ORIGIN = { via: 'sms worker' };

/** Back-off after a refused submit: 30 s, 2 min, 8 min, 32 min, then failed. */
export const MAX_ATTEMPTS = 5;
export const backoffMs = (attempts: number) => 30_000 * 4 ** Math.max(0, attempts - 1);

const audit = (trx: DbOrTrx, action: string, id: string, villageCode: string | null, note: Record<string, unknown>) =>
  recordAudit(trx, { actor: SYSTEM_ACTOR, action, entity: 'sms_message', entityId: id, areaCode: villageCode, note, origin: WORKER_ORIGIN });

export interface WorkerOptions {
  /** Stop when nothing is queued, sending or in doubt (in doubt: after waiting `reportWaitMs` for reports). */
  untilEmpty?: boolean;
  reportWaitMs?: number;
  pollMs?: number;
  signal?: AbortSignal;
  /** Debug lines (no phone, no text). */
  log?: (line: string) => void;
  clock?: () => Date;
}

/** Claims, sends and records in windows of provider.window; returns how many it sent. */
export async function runWorker(db: Db, provider: SmsProvider, cfg: SmsConfig, opts: WorkerOptions = {}): Promise<{ sent: number; refused: number }> {
  const now = opts.clock ?? (() => new Date());
  const worker = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const log = opts.log ?? (() => {});
  const minGapMs = 1000 / cfg.ratePerSecond;
  let sent = 0;
  let refused = 0;
  let idleSince: number | undefined;
  await provider.open({
    report: (r) => handleReport(db, r, now()),
    inbound: async (m) => {
      await handleInbound(db, cfg, m, now());
    },
  });
  log(`sms worker ${worker}: provider ${provider.name} open`);
  try {
    while (!opts.signal?.aborted) {
      try {
        const at = now();
        await db.transaction().execute(async (trx) => {
          for (const m of await q.markInDoubt(trx, at)) await audit(trx, 'sms.inDoubt', m.id, m.village_code, { worker: m.worker });
          for (const m of await q.dropOptedOut(trx, at)) await audit(trx, 'sms.optedOut', m.id, m.village_code, {});
        });
        const claimed = await q.claimDue(db, worker, at, new Date(at.getTime() + cfg.leaseSeconds * 1000), provider.window);
        if (!claimed.length) {
          if (opts.untilEmpty) {
            const p = await q.pending(db);
            if (p.queued === 0 && p.sending === 0) {
              idleSince ??= Date.now();
              if (p.unknown === 0 || Date.now() - idleSince >= (opts.reportWaitMs ?? 5000)) break;
            } else idleSince = undefined;
          }
          await sleep(opts.pollMs ?? 500, opts.signal);
          continue;
        }
        idleSince = undefined;
        log(`sms worker: claimed ${claimed.length}`);
        const started = Date.now();
        // The window: every claimed message is submitted before any answer is awaited.
        const results = claimed.map((m) => provider.submit({ phone: m.phone, text: m.text }));
        const answers = await Promise.all(results);
        const done = now();
        // One transaction per message (its row, then its county's audit chain): the same order as a
        // delivery report's, so the two never wait on each other.
        for (let i = 0; i < claimed.length; i++) {
          const m = claimed[i] as (typeof claimed)[number];
          const r = answers[i] as (typeof answers)[number];
          await db.transaction().execute(async (trx) => {
            if (r.ok) {
              const row = await q.markSubmitted(trx, m.id, { provider: provider.name, providerIds: r.ids, delivered: r.delivered, at: done });
              if (row)
                await audit(trx, r.delivered ? 'sms.delivered' : 'sms.submitted', m.id, m.village_code, { provider: provider.name, parts: r.ids.length });
              sent++;
            } else if (r.inDoubt) {
              const row = await q.markUnknown(trx, m.id, r.error, done);
              if (row) await audit(trx, 'sms.inDoubt', m.id, m.village_code, { provider: provider.name, error: r.error });
              refused++;
            } else {
              const retryAt = r.retry && Number(m.attempts) < MAX_ATTEMPTS ? new Date(done.getTime() + backoffMs(Number(m.attempts))) : null;
              const row = await q.markRefused(trx, m.id, { error: r.error, retryAt, provider: provider.name, at: done });
              if (row)
                await audit(trx, retryAt ? 'sms.retryLater' : 'sms.failed', m.id, m.village_code, {
                  provider: provider.name,
                  error: r.error,
                  attempts: m.attempts,
                });
              refused++;
            }
          });
        }
        log(`sms worker: window of ${claimed.length} done`);
        // Rate limit of the provider: at most ratePerSecond submits a second.
        const wait = claimed.length * minGapMs - (Date.now() - started);
        if (wait > 0) await sleep(wait, opts.signal);
      } catch (e) {
        // A database hiccup (a deadlock victim, a lost connection): what was claimed stays leased and
        // turns in doubt when the lease ends; the worker goes on.
        log(`sms worker: ${(e as Error).message.slice(0, 200).replace(/\d{7,}/g, '***')}`);
        await sleep(opts.pollMs ?? 500, opts.signal);
      }
    }
  } finally {
    await provider.close();
  }
  return { sent, refused };
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    });
  });

/** A delivery report: the message with that provider id — or, when its submit's answer never came, the one in doubt to that phone. */
export async function handleReport(db: Db, r: DeliveryReport, at: Date): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const m = (await q.messageByProviderId(trx, r.providerId)) ?? (await q.inDoubtTo(trx, r.phone));
    if (!m) return;
    const ids = Array.isArray(m.provider_ids) ? m.provider_ids : [];
    // A two-part message is as good as its worst part: a failed part fails it, a later part's DELIVRD does not undo that.
    if (m.state === 'failed' && r.state === 'delivered') return;
    const row = await q.setReported(trx, m.id, {
      state: r.state,
      error: r.state === 'failed' ? `delivery report: ${r.stat}` : null,
      providerIds: ids.includes(r.providerId) ? ids : [...ids, r.providerId],
      at,
    });
    if (row) await audit(trx, 'sms.report', m.id, row.village_code, { stat: r.stat, inDoubtBefore: m.state === 'unknown' || m.state === 'sending' });
  });
}

// ── Inbound texts ────────────────────────────────────────────────────────────────────────────
const OPT_OUT = /^(退订|TD|T)$/i;
const QUERY = /^(CX|查询)\s*(.*)$/i;

export const helpText = (signature: string) => `${signed(signature)}查本村扶贫资金请回复CX或查询，查他村请加村名或村代码，如：CX三合社区。回复退订停收。`;

/**
 * A text from a villager or supervisor: 退订 opts the number out of every roster entry; CX/查询
 * [村名或代码] answers with the village's figures this month (the village from the text, else the
 * number's roster entry); anything else gets the help text. Past the per-number limit an inbound
 * text is recorded and not answered.
 */
export async function handleInbound(db: Db, cfg: SmsConfig, m: InboundText, at: Date): Promise<{ handling: string; reply: string | null }> {
  const text = m.text.trim().replace(/\s+/g, ' ').slice(0, 500);
  const phone =
    m.phone
      .replace(/^\+?86/, '')
      .replace(/[^0-9]/g, '')
      .slice(0, 20) || '0';
  return db.transaction().execute(async (trx) => {
    const roster = await q.recipientsByPhone(trx, phone);
    const homeVillage = roster[0]?.village_code ?? null;
    const recent = await q.inboundSince(trx, phone, new Date(at.getTime() - 3600_000));
    let handling: string;
    let reply: string | null = null;
    let villageCode: string | null = homeVillage;
    if (recent >= cfg.inboundPerHour) handling = 'limited';
    else if (OPT_OUT.test(text)) {
      handling = 'optout';
      const out = await q.optOutPhone(trx, phone, at);
      for (const r of out)
        await recordAudit(trx, {
          actor: SYSTEM_ACTOR,
          action: 'sms.roster.optOut',
          entity: 'sms_recipient',
          entityId: r.id,
          areaCode: r.village_code,
          after: { opted_in: false, opted_out_via: 'sms' },
          origin: WORKER_ORIGIN,
        });
      reply = `${signed(cfg.signature)}您已退订扶贫资金短信，将不再收到月度汇总。`;
    } else {
      const query = QUERY.exec(text);
      const named = query?.[2]?.trim();
      if (query && named) {
        const found = await q.findVillages(trx, named);
        villageCode = found.length === 1 ? (found[0]?.code ?? null) : null;
        if (!villageCode) handling = 'help';
        else handling = 'query';
      } else handling = query && homeVillage ? 'query' : 'help';
      if (handling === 'query' && villageCode) {
        const f = await summaryFigures(trx, villageCode, chinaMonth(at)).catch((e: unknown) => {
          if (e instanceof AppError && e.code === 'NOT_FOUND') return null;
          throw e;
        });
        if (f) reply = composeSummary(f, { signature: cfg.signature, hints: 'reply' }).text;
        else handling = 'help';
      }
      if (handling === 'help') reply = helpText(cfg.signature);
    }
    const inbound = await q.insertMessage(trx, {
      direction: 'in',
      kind: 'inbound',
      villageCode,
      recipientId: roster[0]?.id ?? null,
      phone,
      text,
      segments: segmentsOf(text || ' '),
      state: 'received',
      handling,
      at,
    });
    await recordAudit(trx, {
      actor: SYSTEM_ACTOR,
      action: 'sms.received',
      entity: 'sms_message',
      entityId: inbound.id,
      areaCode: villageCode,
      note: { handling, phone: maskPhone(phone) },
      origin: WORKER_ORIGIN,
    });
    if (reply) {
      const out = await q.insertMessage(trx, {
        direction: 'out',
        kind: 'reply',
        villageCode,
        phone,
        text: reply,
        segments: segmentsOf(reply),
        state: 'queued',
        inReplyTo: inbound.id,
        at,
      });
      await recordAudit(trx, {
        actor: SYSTEM_ACTOR,
        action: 'sms.reply.queue',
        entity: 'sms_message',
        entityId: out.id,
        areaCode: villageCode,
        note: { inReplyTo: inbound.id, handling },
        origin: WORKER_ORIGIN,
      });
    }
    return { handling, reply };
  });
}
