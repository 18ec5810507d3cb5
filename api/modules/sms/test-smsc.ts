// A small SMSC for the tests and the benchmark: a real SMPP 3.4 server process (the `smpp`
// package's server side) on 127.0.0.1. It accepts bind_transceiver with the given system_id and
// password, answers every submit_sm with a message_id (after --delay-ms), writes each PDU it
// receives as one JSON line to --log (the body in hex, so a test checks the exact bytes), and sends
// a delivery receipt (deliver_sm, esm_class 0x04) for each submit that asked for one — to the bound
// session, or, when that session is gone, to the next one that binds (as real SMSCs keep receipts).
// A line on stdin {"mo":{"from":"138…","text":"CX"}} sends a mobile-originated text (UCS-2).
// --throttle-first N refuses the first N submits with ESME_RTHROTTLED (0x58).
// Prints "listening PORT" when ready. Test tooling only: never part of the app.
import fs from 'node:fs';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import iconv from 'iconv-lite';
import smpp, { type Pdu, type Session } from 'smpp';

const { values: o } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    'system-id': { type: 'string', default: 'dripline' },
    password: { type: 'string', default: 'secret' },
    'delay-ms': { type: 'string', default: '0' },
    log: { type: 'string' },
    'throttle-first': { type: 'string', default: '0' },
    'no-receipts': { type: 'boolean', default: false },
  },
});
const delay = Number(o['delay-ms']);
let throttle = Number(o['throttle-first']);
let nextId = 1;
let bound: Session | undefined;
const waiting: Record<string, unknown>[] = [];

const log = (pdu: Pdu, extra: Record<string, unknown> = {}) => {
  if (!o.log) return;
  // The package decodes short_message (UDH list + text by data_coding): the bytes are put back
  // together here — UDHL, the UDH's elements, the text encoded as data_coding says — so a test
  // compares the body byte for byte.
  const body = pdu.short_message;
  let raw: Buffer | undefined;
  if (Buffer.isBuffer(body)) raw = body;
  else if (body && typeof body === 'object') {
    const udh = Buffer.concat(body.udh ?? []);
    const text = Buffer.isBuffer(body.message) ? body.message : iconv.encode(body.message ?? '', pdu.data_coding === 8 ? 'utf16-be' : 'latin1');
    raw = Buffer.concat([udh.length ? Buffer.from([udh.length]) : Buffer.alloc(0), udh, text]);
  }
  fs.appendFileSync(
    o.log,
    `${JSON.stringify({
      command: pdu.command,
      sequence: pdu.sequence_number,
      esm_class: pdu.esm_class,
      data_coding: pdu.data_coding,
      registered_delivery: pdu.registered_delivery,
      source_addr: pdu.source_addr,
      destination_addr: pdu.destination_addr,
      system_id: pdu.system_id,
      hex: raw?.toString('hex'),
      ...extra,
    })}\n`,
  );
};

/** deliver_sm not yet acknowledged, per session: delivered again at the next bind if the session goes away. */
const unacked = new Map<Session, Set<Record<string, unknown>>>();
const sendDeliver = (fields: Record<string, unknown>) => {
  const s = bound;
  if (!s?.socket.writable) {
    waiting.push(fields);
    return;
  }
  const pending = unacked.get(s) ?? new Set();
  unacked.set(s, pending);
  pending.add(fields);
  s.deliver_sm(fields, (resp) => {
    if (resp.command_status === 0) pending.delete(fields);
  });
};

const smscDate = () => {
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, '0');
  return `${String(d.getUTCFullYear()).slice(2)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}`;
};

const server = smpp.createServer({}, (session) => {
  session.socket.setNoDelay(true);
  session.on('error', () => {});
  session.on('bind_transceiver', (pdu) => {
    log(pdu);
    if (pdu.system_id !== o['system-id'] || pdu.password !== o.password) {
      session.send(pdu.response({ command_status: smppStatus.ESME_RBINDFAIL }));
      session.close();
      return;
    }
    session.send(pdu.response({ system_id: 'test-smsc' }));
    bound = session;
    for (const f of waiting.splice(0)) sendDeliver(f);
  });
  session.on('submit_sm', (pdu) => {
    if (throttle > 0) {
      throttle--;
      log(pdu, { refused: true });
      session.send(pdu.response({ command_status: smppStatus.ESME_RTHROTTLED }));
      return;
    }
    const id = `M${String(nextId++).padStart(8, '0')}`;
    log(pdu, { message_id: id });
    const answer = () => {
      if (!session.socket.writable) return;
      session.send(pdu.response({ message_id: id }));
      if (pdu.registered_delivery && !o['no-receipts']) {
        const text = `id:${id} sub:001 dlvrd:001 submit date:${smscDate()} done date:${smscDate()} stat:DELIVRD err:000 text:`;
        sendDeliver({ source_addr: pdu.destination_addr, destination_addr: pdu.source_addr, esm_class: 0x04, short_message: text, receipted_message_id: id });
      }
    };
    if (delay > 0) setTimeout(answer, delay);
    else answer();
  });
  session.on('deliver_sm_resp', (pdu) => log(pdu));
  session.on('enquire_link', (pdu) => session.send(pdu.response()));
  session.on('unbind', (pdu) => {
    log(pdu);
    session.send(pdu.response());
    session.close();
  });
  session.on('close', () => {
    if (bound === session) bound = undefined;
    for (const f of unacked.get(session) ?? []) waiting.push(f);
    unacked.delete(session);
  });
});

const smppStatus = { ESME_RBINDFAIL: 0x0d, ESME_RTHROTTLED: 0x58 };

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const cmd = JSON.parse(line) as { mo?: { from: string; to?: string; text: string } };
  if (cmd.mo)
    sendDeliver({
      source_addr: cmd.mo.from,
      destination_addr: cmd.mo.to ?? '106900',
      esm_class: 0,
      data_coding: 8,
      short_message: iconv.encode(cmd.mo.text, 'utf16-be'),
    });
});

server.listen(Number(o.port), '127.0.0.1', () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
