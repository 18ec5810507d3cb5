// Dashboards kept in the server's memory until the data under them changes (issue 16 §5: the county
// dashboard ≤ 300 ms for 100k households; computing it reads every household, member and yearly
// record of the county, ≈ 0.5 – 0.8 s on two cores). The change notices are the tiles' (channel
// `dripline_tiles`, migrations 0031 and 0038: one notice per changing statement, naming its table,
// delivered at commit). A notice for a table the dashboards read moves the generation on; a report
// is fresh only under the generation it was started in.
//
// After a change the report is computed again. When that takes longer than `patienceMs` and an
// older report exists, the older one is answered (marked stale, with the time it was computed) and
// the new one replaces it when it is ready; while it runs, others asking get the older one at once —
// one computation per key and generation at a time. Without notices (no
// listener, or its connection lost) nothing is kept: every request computes.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Listen } from '../../db/connect.ts';
import { TILES_CHANNEL } from '../tiles/cache.ts';

/** The tables a dashboard reads. */
export const REPORT_TABLES: readonly string[] = [
  'areas',
  'households',
  'members',
  'household_years',
  'findings',
  'projects',
  'project_villages',
  'ledger_entries',
];

export interface Kept<T> {
  value: T;
  /** When the value was computed. */
  asOf: Date;
  /** An older value answered while a newer one is being computed. */
  stale: boolean;
}

interface Entry<T> {
  generation: number;
  value: T;
  asOf: Date;
}

export class ReportCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly running = new Map<string, { generation: number; done: Promise<Entry<T>> }>();
  private generation = 0;
  private live = false;
  private listening: Promise<boolean> | undefined;
  private stop: (() => Promise<void>) | undefined;
  hits = 0;
  misses = 0;
  staleAnswers = 0;

  constructor(
    private readonly listen: Listen | undefined,
    private readonly patienceMs = 200,
    private readonly maxEntries = 500,
  ) {}

  /** Starts listening for change notices (once); false when nothing can be kept. */
  ready(): Promise<boolean> {
    this.listening ??= this.listen
      ? this.listen(
          TILES_CHANNEL,
          (table) => this.changed(table),
          (listening) => this.listeningChanged(listening),
        )
          .then((stop) => {
            this.stop = stop;
            this.live = true;
            return true;
          })
          .catch((e: Error) => {
            console.error(`[stats] not keeping dashboards: cannot listen for changes (${e.message})`);
            return false;
          })
      : Promise.resolve(false);
    return this.listening;
  }

  /** The value of `key`: kept, computed, or — when computing outlasts the patience — the older one. */
  async get(key: string, compute: () => Promise<T>): Promise<Kept<T>> {
    await this.ready();
    const e = this.entries.get(key);
    if (e && e.generation === this.generation && this.live) {
      this.hits++;
      this.entries.delete(key); // most recently used last
      this.entries.set(key, e);
      return { value: e.value, asOf: e.asOf, stale: false };
    }
    this.misses++;
    if (!e || !this.live) {
      const fresh = await this.compute(key, compute).done;
      return { value: fresh.value, asOf: fresh.asOf, stale: false };
    }
    // Someone already waited for the running computation: answer the older report at once.
    const running = this.running.get(key);
    if (running && running.generation === this.generation) return this.staleAnswer(e);
    const next = this.compute(key, compute);
    const timer = new AbortController();
    const patience = sleep(this.patienceMs, undefined, { signal: timer.signal }).catch(() => undefined);
    const first = await Promise.race([next.done, patience]);
    timer.abort();
    if (first) return { value: first.value, asOf: first.asOf, stale: false };
    return this.staleAnswer(e);
  }

  private staleAnswer(e: Entry<T>): Kept<T> {
    this.staleAnswers++;
    return { value: e.value, asOf: e.asOf, stale: true };
  }

  /**
   * One computation per key and generation at a time. Its result replaces an older kept one even
   * when a change arrived while it ran (it is newer, still marked out of date); never a newer one.
   */
  private compute(key: string, fn: () => Promise<T>): { generation: number; done: Promise<Entry<T>> } {
    const running = this.running.get(key);
    if (running && running.generation === this.generation) return running;
    const generation = this.generation;
    const asOf = new Date();
    const done = fn()
      .then((value) => {
        const entry = { generation, value, asOf };
        const kept = this.entries.get(key);
        if (this.live && (!kept || kept.generation <= generation)) {
          this.entries.delete(key);
          this.entries.set(key, entry);
          for (const k of this.entries.keys()) {
            if (this.entries.size <= this.maxEntries) break;
            this.entries.delete(k);
          }
        }
        return entry;
      })
      .finally(() => {
        if (this.running.get(key)?.done === done) this.running.delete(key);
      });
    const job = { generation, done };
    this.running.set(key, job);
    // A refresh nobody waits for must not crash the process when it fails; the waiter sees the error.
    done.catch(() => undefined);
    return job;
  }

  /** A change notice: a table the dashboards read moves every report to a new generation. */
  changed(table: string): void {
    if (REPORT_TABLES.includes(table)) this.generation++;
  }

  /** Notices may have been missed: everything kept is out of date, and nothing is kept while none are heard. */
  private listeningChanged(listening: boolean): void {
    this.live = listening;
    this.generation++;
    if (!listening) this.entries.clear();
  }

  get count(): number {
    return this.entries.size;
  }

  async close(): Promise<void> {
    this.live = false;
    await this.stop?.();
  }
}
