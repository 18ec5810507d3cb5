// `dripline areas load [--prefecture CODE | --province CODE]`: the official area codes, names and
// county outlines from the npm data packages (seeds/areas.ts) — what a production database needs
// before its first account, without any demo account or household. `areas qa` (the spatial QA report) is
// api/modules/spatial-qa/cli.ts; its usage is listed here with the other `areas` commands.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { systemCtx } from '../../context.ts';
import type { DbHandle } from '../../db/connect.ts';
import { migrateToLatest } from '../../db/migrate.ts';
import { recordAudit, SYSTEM_ACTOR } from '../audit/audit.ts';
import { SPATIAL_QA_USAGE } from '../spatial-qa/cli.ts';
import type { BoundaryImportResult } from './boundary-import.ts';

export const AREAS_USAGE = `  dripline areas load [--prefecture CODE | --province CODE]
                                         load the official area codes and outlines (default 5223 黔西南州;
                                         a 2-digit --province loads all its prefectures); no accounts, no households
  dripline areas import FILE [--mapping MAPPING.csv] [--level township|village] [--code-field NAME]
                        [--name-field NAME] [--dry-run]
                                         replace township or village outlines by real ones from a GeoJSON
                                         FeatureCollection or a zipped Shapefile (WGS84/CGCS2000 lon/lat); each
                                         feature names its area by code (a property: code, XZQDM, QHDM, adcode …
                                         or --code-field) or by name through the MAPPING table (name,code). All or
                                         nothing: an error anywhere writes nothing and lists each feature; overlaps
                                         and gaps between neighbours are warnings; --dry-run checks and reports only
${SPATIAL_QA_USAGE}`;

export async function areasCommand(h: DbHandle, sub: string | undefined, args: string[]): Promise<number | undefined> {
  if (sub === 'import') return importCommand(h, args);
  if (sub !== 'load') return undefined;
  let values: { prefecture?: string; province?: string };
  try {
    ({ values } = parseArgs({ args, options: { prefecture: { type: 'string' }, province: { type: 'string' } } }));
  } catch (e) {
    console.error((e as Error).message);
    return 2;
  }
  const { AreaDataError, loadAreas } = await import('../../../seeds/areas.ts');
  await migrateToLatest(h.db);
  try {
    const t0 = performance.now();
    const r = await loadAreas(h.db, values, (line) => console.log(`  ${line}`));
    await recordAudit(h.db, {
      actor: { ...SYSTEM_ACTOR, name: `cli:${process.env.USER ?? 'operator'}` },
      action: 'areas.load',
      entity: 'area',
      entityId: values.province ?? values.prefecture ?? '5223',
      areaCode: null,
      note: { prefectures: r.prefectures.map((p) => p.code), counties: r.counties, townships: r.townships, villages: r.villages },
      origin: { via: 'cli' },
    });
    console.log(
      `Areas loaded: ${r.prefectures.map((p) => `${p.code} ${p.name}`).join(', ')} — ${r.counties} counties, ${r.townships} townships, ` +
        `${r.villages} villages (${((performance.now() - t0) / 1000).toFixed(1)} s). Township and village boundaries are synthetic.`,
    );
    return 0;
  } catch (e) {
    if (!(e instanceof AreaDataError)) throw e;
    console.error(e.message);
    return e.usage ? 2 : 1;
  }
}

const cliActor = () => ({ ...SYSTEM_ACTOR, name: `cli:${process.env.USER ?? 'operator'}` });

/** `areas import`: the exit code (0 imported or checked clean, 1 refused, 2 usage). */
async function importCommand(h: DbHandle, args: string[]): Promise<number> {
  let values: { mapping?: string; level?: string; 'code-field'?: string; 'name-field'?: string; 'dry-run'?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        mapping: { type: 'string' },
        level: { type: 'string' },
        'code-field': { type: 'string' },
        'name-field': { type: 'string' },
        'dry-run': { type: 'boolean' },
      },
    }));
  } catch (e) {
    console.error((e as Error).message);
    return 2;
  }
  const file = positionals[0];
  if (!file || positionals.length > 1) {
    console.error('areas import takes exactly one FILE (a .geojson/.json FeatureCollection or a zipped Shapefile)');
    return 2;
  }
  for (const f of [file, values.mapping]) {
    if (f !== undefined && !(fs.existsSync(f) && fs.statSync(f).isFile())) {
      console.error(`No such file: ${f}`);
      return 2;
    }
  }
  if (values.level !== undefined && values.level !== 'township' && values.level !== 'village') {
    console.error(`--level is township or village, not "${values.level}"`);
    return 2;
  }
  // Loaded when used: the Shapefile reader and the table reader stay out of every other command's start.
  const { importBoundaries } = await import('./boundary-import.ts');
  await migrateToLatest(h.db);
  const ctx = systemCtx(h.db, { actor: cliActor(), origin: { via: 'cli', command: 'areas import' } });
  const r = await importBoundaries(ctx, {
    filePath: file,
    mappingPath: values.mapping,
    level: values.level,
    codeField: values['code-field'],
    nameField: values['name-field'],
    dryRun: values['dry-run'],
  });
  for (const line of importReport(r)) (r.ok ? console.log : console.error)(line);
  return r.ok ? 0 : 1;
}

const cell = (v: string | null) => v ?? '-';

/** The report as lines: the file, then errors (feature, code, name, message), repairs, warnings, the outcome. */
export function importReport(r: BoundaryImportResult): string[] {
  const lines = [
    `File: ${r.fileName} (${r.format ?? '?'}${r.crs ? `, ${r.crs}` : ''}), ${r.features} features` +
      `${r.level ? `, ${r.level === 'township' ? 'townships' : 'villages'}` : ''}${r.codeField ? `, code from ${r.codeField}` : ''}${r.nameField ? `, name from ${r.nameField}` : ''}`,
  ];
  if (r.errors.length) {
    lines.push(`REJECTED: ${r.errors.length} error(s); nothing was imported.`, '  feature\tcode\tname\tmessage');
    for (const e of r.errors) lines.push(`  ${e.index === null ? 'file' : `#${e.index}`}\t${cell(e.code)}\t${cell(e.name)}\t${e.message}`);
  }
  if (r.repaired.length) {
    lines.push(`Repaired: ${r.repaired.length}`);
    for (const e of r.repaired) lines.push(`  #${e.index}\t${cell(e.code)}\t${cell(e.name)}\t${e.message}`);
  }
  if (r.warnings.length) {
    lines.push(`Warnings: ${r.warnings.length} (overlaps and gaps between neighbours; imported all the same)`);
    for (const w of r.warnings) lines.push(`  ${w.kind}\t${w.message}`);
  }
  if (r.ok) {
    lines.push(
      r.dryRun
        ? `Dry run: ${r.features} outlines checked, nothing written (would set boundary_source ${r.source}).`
        : `Imported: ${r.updated} ${r.level === 'township' ? 'township' : 'village'} outlines replaced (boundary_source ${r.source}), label points recomputed, audited.`,
    );
  }
  return lines;
}
