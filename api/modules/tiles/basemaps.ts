// Basemaps under our layers (issue 16 §3): 天地图 (Tianditu) vector and imagery (卫星遥感) WMTS tiles
// with their annotation layers when a key is configured (DRIPLINE_TIANDITU_KEY). 天地图 is in
// CGCS2000, which agrees with WGS84 — the registry's and the GPS's datum — to centimetres: our layers
// need no shift on it (docs/decisions/0029; GCJ-02 basemaps would, gis/coord-transform.ts). Without
// a key, or offline, the map is drawn from our own data (outlines, names): never blank.
import type { Config } from '../../config.ts';

/** Where 天地图 serves its tiles (t0 … t7). */
export const TIANDITU_HOSTS = 'https://*.tianditu.gov.cn';

export const TIANDITU_ATTRIBUTION = '© 天地图 · 国家地理信息公共服务平台';

export interface Basemap {
  id: 'tianditu-vector' | 'tianditu-imagery';
  /** Raster tile URL templates ({z}/{x}/{y}), the base layer first, then its annotation (labels). */
  layers: string[][];
  attribution: string;
}

/** One 天地图 layer in Web Mercator ("_w"), as WMTS KVP GetTile URLs over its eight hosts. */
const wmts = (layer: string, key: string) =>
  Array.from(
    { length: 8 },
    (_, i) =>
      `https://t${i}.tianditu.gov.cn/${layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=${layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=${key}`,
  );

/** The basemaps this server offers (none without a key). */
export function basemaps(config: Pick<Config, 'tiandituKey'>): Basemap[] {
  const key = config.tiandituKey;
  if (!key) return [];
  return [
    { id: 'tianditu-vector', layers: [wmts('vec', key), wmts('cva', key)], attribution: TIANDITU_ATTRIBUTION },
    { id: 'tianditu-imagery', layers: [wmts('img', key), wmts('cia', key)], attribution: TIANDITU_ATTRIBUTION },
  ];
}
