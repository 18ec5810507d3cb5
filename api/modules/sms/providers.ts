// SMS providers behind one small interface, chosen by DRIPLINE_SMS_PROVIDER (api/config.ts):
//   outbox  the development outbox: nothing leaves the machine; a message counts as delivered at
//           once and is read in the app (短信 → 消息记录). The default on the embedded database.
//   smpp    an SMSC over SMPP 3.4 (the `smpp` package): bind_transceiver, submit_sm with
//           data_coding 8 (UCS-2) — a text over 70 characters in parts of 67 with a concatenation
//           UDH (esm_class 0x40) — at most `window` submits outstanding, delivery receipts and
//           inbound texts as deliver_sm.
// A provider never logs a phone number or a text.
import { randomUUID } from 'node:crypto';
import iconv from 'iconv-lite';
import smpp, { type Pdu, type Session } from 'smpp';
import type { SmsConfig } from '../../config.ts';
import { partsOf } from './compose.ts';

export interface SubmitOk {
  ok: true;
  /** The provider's id of each part. */
  ids: string[];
  /** The outbox "delivers" at once; real providers report later. */
  delivered: boolean;
}
export interface SubmitRefused {
  ok: false;
  error: string;
  /** Worth another try later (throttled, queue full, connection lost before sending). */
  retry: boolean;
  /** The request may have reached the provider (the connection closed before its answer): never resent by itself. */
  inDoubt?: boolean;
}
export type SubmitResult = SubmitOk | SubmitRefused;

export interface DeliveryReport {
  providerId: string;
  /** The recipient (the report's source address). */
  phone: string;
  state: 'delivered' | 'failed';
  /** The SMSC's stat (DELIVRD, UNDELIV …). */
  stat: string;
}

export interface InboundText {
  phone: string;
  text: string;
}

export interface ProviderHandlers {
  report(r: DeliveryReport): Promise<void>;
  inbound(m: InboundText): Promise<void>;
}

export interface SmsProvider {
  readonly name: string;
  /** Submits outstanding at once. */
  readonly window: number;
  open(handlers: ProviderHandlers): Promise<void>;
  /**
   * Sends one message. The request is on the wire (or refused) before the returned promise is
   * first awaited: a worker that dies after submit() may have sent it (the message is in doubt).
   */
  submit(m: { phone: string; text: string }): Promise<SubmitResult>;
  close(): Promise<void>;
}

export class OutboxProvider implements SmsProvider {
  readonly name = 'outbox';
  readonly window = 100;
  async open(): Promise<void> {}
  async submit(m: { text: string }): Promise<SubmitResult> {
    return { ok: true, ids: partsOf(m.text).map(() => `outbox-${randomUUID()}`), delivered: true };
  }
  async close(): Promise<void> {}
}

// ── SMPP ─────────────────────────────────────────────────────────────────────────────────────
const UCS2 = 0x08;
const UDHI = 0x40;
const DLR_MASK = 0x04; // esm_class: SMSC delivery receipt

/** The concatenation UDH (IEI 00, 8-bit reference): 05 00 03 ref total seq. */
export const concatUdh = (ref: number, total: number, seq: number) => Buffer.from([0x05, 0x00, 0x03, ref & 0xff, total, seq]);

/** The short_message bodies of a text: one UCS-2 body, or a UDH + UCS-2 body per part. */
export function smppBodies(text: string, ref: number): { esmClass: number; bodies: Buffer[] } {
  const parts = partsOf(text);
  if (parts.length === 1) return { esmClass: 0, bodies: [iconv.encode(text, 'utf16-be')] };
  return { esmClass: UDHI, bodies: parts.map((p, i) => Buffer.concat([concatUdh(ref, parts.length, i + 1), iconv.encode(p, 'utf16-be')])) };
}

/** A delivery receipt's text (SMPP 3.4 appendix B): id:… sub:… dlvrd:… submit date:… done date:… stat:… err:… */
export function parseReceipt(text: string): { id: string; stat: string } | null {
  const id = /\bid:(\S+)/i.exec(text)?.[1];
  const stat = /\bstat:(\S+)/i.exec(text)?.[1];
  return id && stat ? { id, stat: stat.toUpperCase() } : null;
}

/** Command statuses worth a later try (SMSC busy or throttling). */
const RETRYABLE = new Set([0x58 /* ESME_RTHROTTLED */, 0x14 /* ESME_RMSGQFUL */, 0x08 /* ESME_RSYSERR */]);

type SmppPdu = Pdu;
type SmppSession = Session;

const textOf = (pdu: SmppPdu): string => {
  const body = pdu.message_payload ?? pdu.short_message;
  const m = body && typeof body === 'object' && !Buffer.isBuffer(body) ? body.message : body;
  if (Buffer.isBuffer(m)) return pdu.data_coding === UCS2 ? iconv.decode(m, 'utf16-be') : m.toString('latin1');
  return m ?? '';
};

export class SmppProvider implements SmsProvider {
  readonly name = 'smpp';
  readonly window: number;
  private session: SmppSession | undefined;
  private ref = Math.floor(Math.random() * 256);
  private closed = false;
  /** Submits waiting for their answer: told when the connection closes (they are then in doubt). */
  private readonly waiting = new Set<() => void>();

  constructor(private readonly cfg: SmsConfig['smpp']) {
    this.window = cfg.window;
  }

  async open(handlers: ProviderHandlers): Promise<void> {
    const session = await new Promise<SmppSession>((resolve, reject) => {
      const s = smpp.connect({ url: this.cfg.url });
      s.once('error', reject);
      s.once('connect', () => resolve(s));
    });
    // Small PDUs answered one by one: without this, Nagle's algorithm holds each window ~40 ms.
    session.socket.setNoDelay(true);
    session.on('error', () => {
      /* the close handler below ends the session; errors carry no personal data but are not logged either */
    });
    session.on('deliver_sm', (pdu) => {
      const text = textOf(pdu);
      const phone = pdu.source_addr ?? '';
      const handled =
        ((pdu.esm_class ?? 0) & DLR_MASK) !== 0
          ? (() => {
              const r = parseReceipt(text);
              const id = pdu.receipted_message_id || r?.id;
              return id && r
                ? handlers.report({ providerId: id, phone, stat: r.stat, state: r.stat === 'DELIVRD' ? 'delivered' : 'failed' })
                : Promise.resolve();
            })()
          : handlers.inbound({ phone, text });
      // Acknowledged once recorded: what is not acknowledged the SMSC delivers again (at the next bind).
      handled.then(
        () => session.send(pdu.response()),
        () => session.send(pdu.response({ command_status: 0x08 /* ESME_RSYSERR: try again */ })),
      );
    });
    session.on('close', () => {
      for (const fn of [...this.waiting]) fn();
      this.waiting.clear();
    });
    session.on('enquire_link', (pdu) => {
      session.send(pdu.response());
    });
    session.on('unbind', (pdu) => {
      session.send(pdu.response());
      session.close();
    });
    // Bound last: PDUs that come in the same packet as bind_resp find their handlers registered.
    await new Promise<void>((resolve, reject) => {
      session.bind_transceiver({ system_id: this.cfg.systemId, password: this.cfg.password }, (pdu) => {
        if (pdu.command_status === 0) resolve();
        else reject(new Error(`SMPP bind refused (status 0x${pdu.command_status.toString(16)})`));
      });
    });
    this.session = session;
  }

  submit(m: { phone: string; text: string }): Promise<SubmitResult> {
    const session = this.session;
    if (!session || this.closed || !session.socket.writable) return Promise.resolve({ ok: false, error: 'SMPP session not open', retry: true });
    this.ref = (this.ref + 1) & 0xff;
    const { esmClass, bodies } = smppBodies(m.text, this.ref);
    // Every part goes on the wire now (before any await), so the caller knows it may have been sent.
    const answers = bodies.map(
      (body) =>
        new Promise<SmppPdu | null>((resolve) => {
          const lost = () => resolve(null);
          this.waiting.add(lost);
          const sent = session.submit_sm(
            {
              source_addr: this.cfg.sourceAddr,
              destination_addr: m.phone,
              esm_class: esmClass,
              data_coding: UCS2,
              registered_delivery: 1,
              short_message: body,
            },
            (resp) => {
              this.waiting.delete(lost);
              resolve(resp);
            },
          );
          if (!sent) {
            this.waiting.delete(lost);
            resolve(null);
          }
        }),
    );
    return Promise.all(answers).then((resps) => {
      const bad = resps.find((r) => !r || r.command_status !== 0);
      if (!bad) return { ok: true, ids: resps.map((r) => (r as SmppPdu).message_id ?? ''), delivered: false };
      if (resps.some((r) => r === null)) return { ok: false, error: 'SMPP connection closed before the SMSC answered', retry: false, inDoubt: true };
      const status = bad.command_status;
      return { ok: false, error: `SMSC refused (status 0x${status.toString(16).padStart(8, '0')})`, retry: RETRYABLE.has(status) };
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const s = this.session;
    if (!s) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        s.destroy();
        resolve();
      }, 1000);
      if (!s.socket.writable) {
        clearTimeout(timer);
        resolve();
        return;
      }
      s.unbind(() => {
        clearTimeout(timer);
        s.close();
        resolve();
      });
    });
  }
}

export function providerFor(cfg: SmsConfig): SmsProvider | undefined {
  if (cfg.provider === 'outbox') return new OutboxProvider();
  if (cfg.provider === 'smpp') return new SmppProvider(cfg.smpp);
  return undefined;
}
