// Starts test-smsc.ts as a child process (tests and the benchmark): a real SMPP server on
// 127.0.0.1 whose received PDUs are read back from its JSON-lines log. Test tooling only.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export interface LoggedPdu {
  command: string;
  sequence: number;
  esm_class?: number;
  data_coding?: number;
  registered_delivery?: number;
  source_addr?: string;
  destination_addr?: string;
  system_id?: string;
  hex?: string;
  message_id?: string;
  refused?: boolean;
}

export interface Smsc {
  port: number;
  url: string;
  child: ChildProcess;
  /** Every PDU the SMSC has received so far. */
  pdus(): LoggedPdu[];
  /** The submit_sm it accepted (refused ones left out). */
  submits(): LoggedPdu[];
  /** A mobile-originated text from `from`. */
  mo(from: string, text: string): void;
  stop(): Promise<void>;
}

export async function startSmsc(opts: { delayMs?: number; throttleFirst?: number; logFile: string; systemId?: string; password?: string }): Promise<Smsc> {
  fs.rmSync(opts.logFile, { force: true });
  const child = spawn(
    process.execPath,
    [
      path.join(ROOT, 'api/bin/run-ts.js'),
      path.join(ROOT, 'api/modules/sms/test-smsc.ts'),
      '--log',
      opts.logFile,
      '--delay-ms',
      String(opts.delayMs ?? 0),
      '--throttle-first',
      String(opts.throttleFirst ?? 0),
      '--system-id',
      opts.systemId ?? 'dripline',
      '--password',
      opts.password ?? 'secret',
    ],
    { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`the test SMSC exited (${code})`)));
  });
  const pdus = () =>
    fs.existsSync(opts.logFile)
      ? fs
          .readFileSync(opts.logFile, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as LoggedPdu)
      : [];
  return {
    port,
    url: `smpp://127.0.0.1:${port}`,
    child,
    pdus,
    submits: () => pdus().filter((p) => p.command === 'submit_sm' && !p.refused),
    mo: (from, text) => child.stdin?.write(`${JSON.stringify({ mo: { from, text } })}\n`),
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
