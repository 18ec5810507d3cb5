// Owns the map of one project's location: its villages' outlines (dashed), its geometry drawn as
// the project layer draws it, and — while editing — Terra Draw (decision 0025) to draw a point, a
// line or a polygon with the finger or mouse and to move its vertices. One geometry per project: a
// new drawing replaces the old one. The map, Terra Draw and the GeoJSON stay out of Vue's
// reactivity; ProjectGeometryEditor.vue calls these functions and hears back through onChange.
import { TerraDraw, TerraDrawLineStringMode, TerraDrawPointMode, TerraDrawPolygonMode, TerraDrawSelectMode, type GeoJSONStoreFeatures } from 'terra-draw';
import { TerraDrawMapLibreGLAdapter } from 'terra-draw-maplibre-gl-adapter';
import { type BBox, bboxOf, type FeatureCollection, type Geometry, roundCoordinates } from '../../../gis/geojson.ts';
import type { ImportedGeometry } from '../../../gis/geojson-import.ts';
import { BACKGROUND, createBaseMap, fitBbox, type maplibregl, sourceData, whenIdle } from './base-map.ts';
import { addProjectLayer, projectColour, type ProjectFeatureCollection, type ProjectState } from './project-layer.ts';

export type DrawTool = 'point' | 'linestring' | 'polygon' | 'select';

/** The geometries Terra Draw draws and edits; multi-part ones (imported) are shown, not edited. */
const EDITABLE: readonly string[] = ['Point', 'LineString', 'Polygon'];
const MODE_OF: Record<string, DrawTool> = { Point: 'point', LineString: 'linestring', Polygon: 'polygon' };

export interface GeometryEditorOptions {
  /** The geometry changed by drawing, editing or clearing (null: none). */
  onChange?: (geometry: ImportedGeometry | null) => void;
}

export interface ShowOptions {
  projectId: string;
  name: string;
  state: ProjectState;
  villages: FeatureCollection;
  geometry: ImportedGeometry | null;
}

/** What browser tests read from window.__driplineGeometryEditor. */
export interface GeometryEditorTestState {
  ready: boolean;
  editing: boolean;
  tool: DrawTool | null;
  /** Viewport pixel (CSS px, page coordinates) of a lon/lat, for tapping the map. */
  pixelOf: (lon: number, lat: number) => [number, number];
  geometry: () => ImportedGeometry | null;
  /** Terra Draw's mode and features (guidance ones included), for a failing test to print. */
  drawState: () => { mode: string | null; features: unknown[] };
}

declare global {
  interface Window {
    __driplineGeometryEditor?: GeometryEditorTestState;
  }
}

export interface GeometryEditor {
  show(options: ShowOptions): Promise<void>;
  /** Starts (true) or stops (false) editing; stopping throws away what was not taken with `geometry()`. */
  edit(on: boolean): void;
  setTool(tool: DrawTool): void;
  /** Ends the line or polygon being drawn (what Enter does on a keyboard; a tablet has none). */
  finish(): void;
  clear(): void;
  /** Replaces the geometry (an import) and frames it. Returns false when it can be shown but not edited. */
  replace(geometry: ImportedGeometry): boolean;
  geometry(): ImportedGeometry | null;
  destroy(): void;
}

const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] };
const VILLAGES = 'villages';

export function createGeometryEditor(container: HTMLElement, options: GeometryEditorOptions = {}): GeometryEditor {
  const map = createBaseMap(container, {
    version: 8,
    sources: { [VILLAGES]: { type: 'geojson', data: sourceData(EMPTY) } },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': BACKGROUND } },
      { id: 'villages-fill', type: 'fill', source: VILLAGES, paint: { 'fill-color': '#ffffff', 'fill-opacity': 0.55 } },
      { id: 'villages-line', type: 'line', source: VILLAGES, paint: { 'line-color': '#1f6f4a', 'line-width': 2, 'line-dasharray': [3, 2] } },
    ],
  });
  const loaded = new Promise<void>((resolve) => map.once('load', () => resolve()));
  const layer = loaded.then(() => addProjectLayer(map));

  let shown: ShowOptions | null = null;
  let current: ImportedGeometry | null = null;
  let draw: TerraDraw | null = null;
  let editing = false;
  /** Whether Terra Draw holds the current geometry (else the project layer shows it). */
  let inDraw = false;
  let destroyed = false;

  const state: GeometryEditorTestState = {
    ready: false,
    editing: false,
    tool: null,
    pixelOf: (lon, lat) => {
      const p = map.project([lon, lat]);
      const r = container.getBoundingClientRect();
      return [r.left + p.x, r.top + p.y];
    },
    geometry: () => current,
    drawState: () => ({ mode: draw?.getMode() ?? null, features: draw?.getSnapshot() ?? [] }),
  };
  window.__driplineGeometryEditor = state;

  /** The project layer shows the geometry unless Terra Draw holds it (editing an editable one). */
  async function showStatic(): Promise<void> {
    const l = await layer;
    if (!shown || !current || (editing && inDraw)) return l.setData(null);
    const fc: ProjectFeatureCollection = {
      type: 'FeatureCollection',
      truncated: false,
      features: [
        {
          type: 'Feature',
          id: shown.projectId,
          // The layer's type is the API's (tuples); an imported geometry has the same shape.
          geometry: current as ProjectFeatureCollection['features'][number]['geometry'],
          properties: {
            id: shown.projectId,
            name: shown.name,
            type: '',
            category: null,
            state: shown.state,
            planYear: 0,
            villageCode: '',
            budgetFen: 0,
            allocatedFen: 0,
            spentFen: 0,
          },
        },
      ],
    };
    l.setData(fc);
  }

  function frame(): void {
    const boxes = [bboxOf(shown?.villages ?? EMPTY), current ? bboxOf(current as Geometry) : undefined].filter((b): b is BBox => !!b);
    if (!boxes.length) return;
    fitBbox(
      map,
      [Math.min(...boxes.map((b) => b[0])), Math.min(...boxes.map((b) => b[1])), Math.max(...boxes.map((b) => b[2])), Math.max(...boxes.map((b) => b[3]))],
      32,
    );
  }

  /** The one drawn feature (guidance features — vertices, midpoints, the line being drawn — left out). */
  function drawnFeatures(): GeoJSONStoreFeatures[] {
    const drawModes: unknown[] = ['point', 'linestring', 'polygon'];
    return (draw?.getSnapshot() ?? []).filter((f) => drawModes.includes(f.properties.mode) && !f.properties.currentlyDrawing);
  }

  function startDraw(): TerraDraw {
    if (draw) return draw;
    const colour = (shown ? projectColour(shown.state) : '#1d6fd1') as `#${string}`;
    const d = new TerraDraw({
      adapter: new TerraDrawMapLibreGLAdapter({ map, coordinatePrecision: 7 }),
      modes: [
        new TerraDrawPointMode({ styles: { pointColor: colour, pointWidth: 8, pointOutlineColor: '#ffffff', pointOutlineWidth: 2 } }),
        new TerraDrawLineStringMode({ styles: { lineStringColor: colour, lineStringWidth: 4, closingPointColor: colour, closingPointWidth: 8 } }),
        new TerraDrawPolygonMode({
          styles: { fillColor: colour, fillOpacity: 0.35, outlineColor: colour, outlineWidth: 2, closingPointColor: colour, closingPointWidth: 8 },
        }),
        new TerraDrawSelectMode({
          flags: {
            point: { feature: { draggable: true } },
            linestring: { feature: { draggable: true, coordinates: { draggable: true, midpoints: true, deletable: true } } },
            polygon: { feature: { draggable: true, coordinates: { draggable: true, midpoints: true, deletable: true } } },
          },
          styles: { selectionPointWidth: 9, selectionPointColor: colour, midPointWidth: 6 },
        }),
      ],
    });
    d.start();
    d.on('finish', (id, ctx) => {
      if (ctx.mode !== 'select') {
        // One geometry per project: the new drawing replaces what was there.
        const others = drawnFeatures()
          .map((f) => f.id)
          .filter((x): x is string | number => x !== undefined && x !== id);
        if (others.length) d.removeFeatures(others);
      }
      const f = drawnFeatures()[0];
      if (!f) return;
      current = roundCoordinates(f.geometry as Geometry, 7) as ImportedGeometry;
      inDraw = true;
      options.onChange?.(current);
      void showStatic();
    });
    draw = d;
    return d;
  }

  /** Hands the current geometry to Terra Draw; false when it cannot edit it (multi-part, holes…). */
  function loadIntoDraw(): boolean {
    const d = startDraw();
    d.clear();
    inDraw = false;
    if (!current) return true;
    if (!EDITABLE.includes(current.type)) return false;
    const feature = {
      type: 'Feature',
      geometry: roundCoordinates(current as Geometry, 7),
      properties: { mode: MODE_OF[current.type] },
    } as GeoJSONStoreFeatures;
    inDraw = d.addFeatures([feature]).every((r) => r.valid);
    return inDraw;
  }

  return {
    async show(opts) {
      shown = opts;
      current = opts.geometry;
      state.ready = false;
      await loaded;
      if (destroyed) return;
      await map.getSource<maplibregl.GeoJSONSource>(VILLAGES)?.setData(sourceData(opts.villages));
      await showStatic();
      frame();
      await whenIdle(map);
      if (!destroyed) state.ready = true;
    },
    edit(on) {
      if (destroyed || on === editing) return;
      editing = on;
      state.editing = on;
      if (on) {
        // The map grows for drawing: frame the villages again at the new size.
        map.once('resize', () => frame());
        loadIntoDraw();
        startDraw().setMode('select');
        state.tool = 'select';
      } else {
        draw?.clear();
        draw?.setMode('static');
        inDraw = false;
        state.tool = null;
        current = shown?.geometry ?? null;
      }
      void showStatic();
    },
    setTool(tool) {
      if (!editing) return;
      startDraw().setMode(tool);
      state.tool = tool;
    },
    finish() {
      // The line and polygon modes end a drawing on their `finish` key (Enter); the key goes where Terra Draw listens.
      map.getCanvas().dispatchEvent(new KeyboardEvent('keyup', { key: 'Enter', bubbles: true }));
    },
    clear() {
      draw?.clear();
      inDraw = false;
      current = null;
      options.onChange?.(null);
      void showStatic();
    },
    replace(geometry) {
      current = geometry;
      const editable = editing ? loadIntoDraw() : EDITABLE.includes(geometry.type);
      if (editing) draw?.setMode('select');
      options.onChange?.(current);
      void showStatic();
      frame();
      return editable;
    },
    geometry: () => current,
    destroy() {
      destroyed = true;
      try {
        draw?.stop();
      } catch {
        // Terra Draw may already be detached when the map goes first.
      }
      map.remove();
      if (window.__driplineGeometryEditor === state) delete window.__driplineGeometryEditor;
    },
  };
}
