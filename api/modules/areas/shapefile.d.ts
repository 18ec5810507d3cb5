// shapefile 0.6.6 (mbostock) ships without types; the one call boundary-file.ts makes
// (decision 0031). Sources are whole files held in memory.
declare module 'shapefile' {
  interface ShapefileFeature {
    type: 'Feature';
    properties: Record<string, unknown> | null;
    geometry: { type: string; coordinates: unknown } | null;
  }
  /** The .shp and .dbf as bytes; `encoding` is the .dbf's text encoding (a TextDecoder label). */
  export function read(
    shp: ArrayBuffer | Uint8Array,
    dbf?: ArrayBuffer | Uint8Array,
    options?: { encoding?: string },
  ): Promise<{ type: 'FeatureCollection'; features: ShapefileFeature[] }>;
}
