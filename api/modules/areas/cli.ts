// `dripline areas load [--prefecture CODE | --province CODE]`: the official area codes, names and
// county outlines from the npm data packages (seeds/areas.ts) — what a production database needs
// before its first account, without any demo account or household. `areas qa` (the spatial QA report) is
// api/modules/spatial-qa/cli.ts; its usage is listed here with the other `areas` commands.
import { parseArgs } from 'node:util';
import type { DbHandle } from '../../db/connect.ts';
import { migrateToLatest } from '../../db/migrate.ts';
import { recordAudit, SYSTEM_ACTOR } from '../audit/audit.ts';
import { SPATIAL_QA_USAGE } from '../spatial-qa/cli.ts';

export const AREAS_USAGE = `  dripline areas load [--prefecture CODE | --province CODE]
                                         load the official area codes and outlines (default 5223 黔西南州;
                                         a 2-digit --province loads all its prefectures); no accounts, no households
${SPATIAL_QA_USAGE}`;

export async function areasCommand(h: DbHandle, sub: string | undefined, args: string[]): Promise<number | undefined> {
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
