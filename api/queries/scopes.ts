// Representative scopes for the SQL snapshots: scope.sql() compiles to a different shape per
// level (a county is its county code; a village adds the area prefix; wider scopes match counties
// by prefix), so scoped queries are snapshotted for a village cadre and a county official, and
// the hot ones for a township officer and an admin of the prefecture too.
import { Scope } from '../modules/auth/scope.ts';

export const COUNTY = '522324';
export const TOWNSHIP = '522324101';
export const VILLAGE = '522324101209';

export const villageCadre = new Scope(VILLAGE, 'village_cadre');
export const townshipOfficer = new Scope(TOWNSHIP, 'township_officer');
export const countyOfficial = new Scope(COUNTY, 'county_official');
export const prefectureAdmin = new Scope('5223', 'admin');

export const ID = '01900000-0000-7000-8000-000000000001';
export const ID2 = '01900000-0000-7000-8000-000000000002';
export const AT = new Date('2026-03-01T02:00:00Z');
