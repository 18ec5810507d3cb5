// The one way the app makes a MapLibre map: no tiles, sprites or glyphs from anywhere (the style is
// our own GeoJSON over a plain background), no rotation or pitch (a tablet user only pans and
// zooms), the last frame kept readable (screenshots, printing), finger-sized zoom buttons added by
// the caller's CSS. The area map, the project layer and the geometry editor all start here.
import 'maplibre-gl/dist/maplibre-gl.css';
import * as maplibregl from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import type { BBox, FeatureCollection, Geometry } from '../../../gis/geojson.ts';

maplibregl.setWorkerUrl(workerUrl);

export { maplibregl };

// maplibre-gl 6 does not re-export the style-spec types; take them from its API instead.
export type MapStyle = Exclude<maplibregl.MapOptions['style'], string | undefined>;
export type LayerSpec = Parameters<maplibregl.Map['addLayer']>[0];

type SourceData = Parameters<maplibregl.GeoJSONSource['setData']>[0];

/**
 * Our GeoJSON as a source's data. RFC 7946 allows a feature without a geometry (an area with no
 * outline yet) and gis/geojson.ts says so; @types/geojson, which MapLibre's types use, does not.
 * MapLibre skips such features.
 */
export function sourceData(fc: FeatureCollection<Geometry | null, Record<string, unknown> | null>): SourceData {
  return fc as SourceData;
}

/** The basemap's background colour (tests compare canvas pixels with it). */
export const BACKGROUND = '#eef1ec';

/** A map in `container` with `style` (sources and layers of our own), zoom buttons top right. */
export function createBaseMap(container: HTMLElement, style: MapStyle): maplibregl.Map {
  const map = new maplibregl.Map({
    container,
    style,
    attributionControl: false,
    maplibreLogo: false,
    dragRotate: false,
    pitchWithRotate: false,
    touchPitch: false,
    // Keeps the last frame readable (screenshots, printing the map as shown).
    canvasContextAttributes: { preserveDrawingBuffer: true },
    fadeDuration: 0,
  });
  map.touchZoomRotate.disableRotation();
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
  return map;
}

/** Resolves once the map has drawn what it was given (one more frame when it is idle already). */
export function whenIdle(map: maplibregl.Map): Promise<void> {
  return new Promise((resolve) => {
    map.once('idle', () => resolve());
    if (map.loaded() && !map.isMoving()) map.triggerRepaint();
  });
}

/** Frames a bounding box without animation. */
export function fitBbox(map: maplibregl.Map, bbox: BBox, padding = 24): void {
  map.fitBounds(
    [
      [bbox[0], bbox[1]],
      [bbox[2], bbox[3]],
    ],
    { padding, duration: 0, maxZoom: 17 },
  );
}
