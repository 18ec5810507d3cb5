import { describe, expect, it } from 'vitest';
import { geometryFromGeoJson, geometryFromGeoJsonText } from './geojson-import.ts';

const line = {
  type: 'LineString',
  coordinates: [
    [105.23, 25.74],
    [105.231, 25.741],
  ],
};

describe('geometryFromGeoJson', () => {
  it('takes a bare geometry, a Feature or a FeatureCollection of one feature', () => {
    expect(geometryFromGeoJson(line)).toEqual({ ok: true, geometry: line });
    expect(geometryFromGeoJson({ type: 'Feature', properties: { name: '路' }, geometry: line })).toEqual({ ok: true, geometry: line });
    expect(geometryFromGeoJson({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: null, geometry: line }] })).toEqual({
      ok: true,
      geometry: line,
    });
  });

  it('drops heights and keeps every part of multi-geometries', () => {
    expect(geometryFromGeoJson({ type: 'Point', coordinates: [105.2, 25.7, 1320] })).toEqual({
      ok: true,
      geometry: { type: 'Point', coordinates: [105.2, 25.7] },
    });
    const square = [
      [
        [0, 0],
        [1, 0],
        [1, 1],
        [0, 0],
      ],
    ];
    expect(geometryFromGeoJson({ type: 'MultiPolygon', coordinates: [square, square] })).toEqual({
      ok: true,
      geometry: { type: 'MultiPolygon', coordinates: [square, square] },
    });
  });

  it('says why it found no geometry', () => {
    expect(geometryFromGeoJsonText('{ not json')).toEqual({ ok: false, reason: 'notJson' });
    expect(geometryFromGeoJson([1, 2])).toEqual({ ok: false, reason: 'notGeoJson' });
    expect(geometryFromGeoJson({ type: 'FeatureCollection', features: [] })).toEqual({ ok: false, reason: 'empty' });
    const f = { type: 'Feature', properties: {}, geometry: line };
    expect(geometryFromGeoJson({ type: 'FeatureCollection', features: [f, f] })).toEqual({ ok: false, reason: 'severalFeatures', detail: '2' });
    expect(geometryFromGeoJson({ type: 'Feature', properties: {}, geometry: null })).toEqual({ ok: false, reason: 'noGeometry' });
    expect(geometryFromGeoJson({ type: 'GeometryCollection', geometries: [line] })).toEqual({
      ok: false,
      reason: 'unsupportedType',
      detail: 'GeometryCollection',
    });
    expect(geometryFromGeoJson({ type: 'Point', coordinates: [200, 25] })).toEqual({ ok: false, reason: 'badCoordinates' });
    expect(geometryFromGeoJson({ type: 'LineString', coordinates: [] })).toEqual({ ok: false, reason: 'badCoordinates' });
    expect(geometryFromGeoJson({ type: 'Polygon', coordinates: [[['a', 1]]] })).toEqual({ ok: false, reason: 'badCoordinates' });
  });

  it('reads a file with a byte-order mark', () => {
    expect(geometryFromGeoJsonText(`\uFEFF${JSON.stringify(line)}`)).toEqual({ ok: true, geometry: line });
  });
});
