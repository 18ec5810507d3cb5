// The tile layers (issue 16 §1): which exist, who may read each, which tables each is made from
// (the cache forgets a layer's tiles when one of them changes), and the properties its features
// carry. No tile holds a person's name, ID number, phone or any number of the card: a household is
// a point with its id, status and village; a tap opens the card through its own masked endpoint.
import type { AreaLevel } from '../../db/schema.ts';
import type { Permission } from '../../shared/permissions.ts';

export const TILE_LAYERS = ['counties', 'townships', 'villages', 'households', 'projects', 'findings'] as const;
export type TileLayer = (typeof TILE_LAYERS)[number];

export const isTileLayer = (s: string): s is TileLayer => (TILE_LAYERS as readonly string[]).includes(s);

/** Pixels of the tile's 4096 units kept beyond each edge, so that lines and symbols join. */
export const TILE_EXTENT = 4096;
export const TILE_BUFFER = 64;

/** Below this zoom the households layer carries clusters (count per grid cell), not points. */
export const HOUSEHOLD_POINTS_MIN_ZOOM = 14;
/** The coarsest level of household_tile_cells (migration 0037 keeps levels 13 – 18: clusters of zooms 8 – 13). */
export const TILE_CELL_MIN_LEVEL = 13;

interface LayerDef {
  /** public: anyone (outlines, names, codes, aggregates); otherwise a session and this permission. */
  access: 'public' | { permission: Permission | null };
  /** The tables whose change makes the layer's tiles stale (notices of migration 0031). */
  tables: readonly string[];
  level?: AreaLevel;
}

/** Aggregates of the area layers read the registry, findings and the ledger as well as areas. */
const AREA_TABLES = ['areas', 'households', 'members', 'findings', 'projects', 'ledger_entries'];

export const LAYERS: Record<TileLayer, LayerDef> = {
  counties: { access: 'public', tables: AREA_TABLES, level: 'county' },
  townships: { access: 'public', tables: AREA_TABLES, level: 'township' },
  villages: { access: 'public', tables: AREA_TABLES, level: 'village' },
  households: { access: { permission: null }, tables: ['households'] },
  projects: { access: { permission: 'project.read' }, tables: ['projects', 'project_villages'] },
  findings: { access: { permission: null }, tables: ['findings', 'households'] },
};

/** The layers made from a table (what a change notice for it makes stale). */
export const layersReading = (table: string): TileLayer[] => TILE_LAYERS.filter((l) => LAYERS[l].tables.includes(table));
