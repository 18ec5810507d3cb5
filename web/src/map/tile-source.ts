// The server's vector tiles (/tiles/{layer}/{z}/{x}/{y}.mvt, api/modules/tiles) as MapLibre sources.
// The private layers (households, projects, findings) travel with the session cookie: same origin.
import type { maplibregl } from './base-map.ts';

export type TileLayerName = 'counties' | 'townships' | 'villages' | 'households' | 'projects' | 'findings';

type VectorSource = Extract<Parameters<maplibregl.Map['addSource']>[1], { type: 'vector' }>;

/** MapLibre fetches tiles in a worker: the URL must be absolute. */
export const tileUrl = (layer: TileLayerName) => `${window.location.origin}/tiles/${layer}/{z}/{x}/{y}.mvt`;

/** A vector source of one of our layers; `promoteId` lets feature-state (hover) address features by a property. */
export function tileSource(layer: TileLayerName, opts: { promoteId?: string; maxzoom?: number } = {}): VectorSource {
  return {
    type: 'vector',
    tiles: [tileUrl(layer)],
    minzoom: 0,
    // Beyond this the last tiles are overzoomed (points need no finer tiles).
    maxzoom: opts.maxzoom ?? 16,
    ...(opts.promoteId ? { promoteId: opts.promoteId } : {}),
  };
}
