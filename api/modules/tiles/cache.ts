// Tiles kept in the server's memory until the data under them changes (issue 16 §1). Each layer has
// a generation: a change notice for one of its tables (migration 0031, delivered at commit) moves it
// on, and a tile is kept only under the generation it was started in — a tile made while a change
// committed is never kept. Without notices (no listener, or its connection lost) nothing is kept.
// Least-recently-used tiles go first when the cache outgrows its byte budget.
import { randomBytes } from 'node:crypto';
import type { Listen } from '../../db/connect.ts';
import { layersReading, TILE_LAYERS, type TileLayer } from './layers.ts';

export const TILES_CHANNEL = 'dripline_tiles';

interface Entry {
  layer: TileLayer;
  generation: number;
  bytes: Uint8Array;
}

export class TileCache {
  private readonly entries = new Map<string, Entry>();
  private readonly generations = new Map<TileLayer, number>(TILE_LAYERS.map((l) => [l, 0]));
  private size = 0;
  /** Change notices are heard (only then are tiles kept). */
  private live = false;
  private listening: Promise<boolean> | undefined;
  private stop: (() => Promise<void>) | undefined;
  /** Tells this process's ETags from an earlier one's (generations restart at 0). */
  readonly boot = randomBytes(4).toString('hex');
  hits = 0;
  misses = 0;

  constructor(
    private readonly listen: Listen | undefined,
    private readonly maxBytes = 64 * 1024 * 1024,
  ) {}

  /** Starts listening for change notices (once); false when tiles cannot be kept. */
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
            console.error(`[tiles] not keeping tiles: cannot listen for changes (${e.message})`);
            return false;
          })
      : Promise.resolve(false);
    return this.listening;
  }

  generation(layer: TileLayer): number {
    return this.generations.get(layer) ?? 0;
  }

  get(key: string, layer: TileLayer): Uint8Array | undefined {
    const e = this.entries.get(key);
    if (!e || e.generation !== this.generation(layer)) {
      this.misses++;
      return undefined;
    }
    // Most recently used last.
    this.entries.delete(key);
    this.entries.set(key, e);
    this.hits++;
    return e.bytes;
  }

  /** Keeps a tile made under `generation`, unless its layer has changed since. */
  set(key: string, layer: TileLayer, generation: number, bytes: Uint8Array): void {
    if (!this.live || generation !== this.generation(layer) || bytes.byteLength > this.maxBytes / 16) return;
    this.delete(key);
    this.entries.set(key, { layer, generation, bytes });
    this.size += bytes.byteLength;
    for (const [k] of this.entries) {
      if (this.size <= this.maxBytes) break;
      this.delete(k);
    }
  }

  /** A change notice: the layers made from `table` move to a new generation and drop their tiles. */
  changed(table: string): void {
    for (const layer of layersReading(table)) {
      this.generations.set(layer, this.generation(layer) + 1);
      for (const [k, e] of this.entries) if (e.layer === layer) this.delete(k);
    }
  }

  /** Notices may have been missed: every layer moves on; nothing is kept while none are heard. */
  private listeningChanged(listening: boolean): void {
    this.live = listening;
    for (const layer of TILE_LAYERS) this.generations.set(layer, this.generation(layer) + 1);
    for (const k of [...this.entries.keys()]) this.delete(k);
  }

  private delete(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    this.entries.delete(key);
    this.size -= e.bytes.byteLength;
  }

  get count(): number {
    return this.entries.size;
  }

  async close(): Promise<void> {
    this.live = false;
    await this.stop?.();
  }
}
