// HTTP load for the benchmarks, generated in a child process so that the client does not share
// the server's event loop (in-process, autocannon took a third of the server's CPU).
//   closed loop: `connections` clients each send the next request when the last one answered —
//                the throughput the server can sustain;
//   open loop (`rate`): requests are sent on a fixed schedule spread over `connections` keep-alive
//                sockets, and latency is counted from the scheduled time, so a stalled server
//                cannot hide its queue (no coordinated omission).
// Exact percentiles from every response time.
import { fork } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';

export interface LoadSpec {
  url: string;
  paths: string[];
  headers?: Record<string, string>;
  connections: number;
  seconds: number;
  /** Requests per second offered in total (open loop); omit for a closed loop. */
  rate?: number;
}

export interface LoadResult {
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  errors: number;
  requests: number;
}

/** Runs the load in a child process and returns its figures. */
export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.once('message', (m) => resolve(m as LoadResult));
    child.once('error', reject);
    child.once('exit', (code) => code && reject(new Error(`load generator exited with ${code}`)));
    child.send(spec);
  });
}

async function generate(spec: LoadSpec): Promise<LoadResult> {
  const target = new URL(spec.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: spec.connections });
  const times: number[] = [];
  let errors = 0;
  let next = 0;
  const request = (path: string) =>
    new Promise<boolean>((done) => {
      const req = http.request({ host: target.hostname, port: target.port, path, agent, headers: spec.headers }, (res) => {
        res.resume();
        res.on('end', () => done((res.statusCode ?? 0) < 400));
      });
      req.on('error', () => done(false));
      req.end();
    });
  const start = performance.now();
  const end = start + spec.seconds * 1000;
  if (spec.rate) {
    const interval = 1000 / spec.rate;
    const inFlight = new Set<Promise<void>>();
    for (let k = 0; ; k++) {
      const due = start + k * interval;
      if (due >= end) break;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      const p = request(spec.paths[next++ % spec.paths.length] as string).then((ok) => {
        if (ok) times.push(performance.now() - due);
        else errors++;
        inFlight.delete(p);
      });
      inFlight.add(p);
    }
    await Promise.all(inFlight);
  } else {
    await Promise.all(
      Array.from({ length: spec.connections }, async () => {
        while (performance.now() < end) {
          const t0 = performance.now();
          const ok = await request(spec.paths[next++ % spec.paths.length] as string);
          if (ok) times.push(performance.now() - t0);
          else errors++;
        }
      }),
    );
  }
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  times.sort((a, b) => a - b);
  const pct = (p: number) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))] ?? Number.NaN;
  return { rps: times.length / elapsed, p50: pct(50), p95: pct(95), p99: pct(99), max: times[times.length - 1] ?? Number.NaN, errors, requests: times.length };
}

if (process.send && process.argv[1] === fileURLToPath(import.meta.url)) {
  process.once('message', (spec) => {
    void generate(spec as LoadSpec).then((result) => process.send?.(result, () => process.exit(0)));
  });
}
