// Operator command of oversight (called from api/cli.ts), following `crosscheck run`:
//   dripline oversight run --county CODE [--as-of YYYY-MM-DD] [--threshold NAME=VALUE …]
import { parseArgs } from 'node:util';
import { systemCtx } from '../../context.ts';
import type { DbHandle } from '../../db/connect.ts';
import type { Db } from '../../db/schema.ts';
import { SYSTEM_ACTOR, type Actor } from '../audit/audit.ts';
import { DEFAULT_THRESHOLDS, type Thresholds } from './rules/types.ts';
import { runOversightRules } from './run.ts';

export const OVERSIGHT_USAGE = `  dripline oversight run --county CODE [--as-of YYYY-MM-DD] [--threshold NAME=VALUE …]
                                         run the projects-and-funds anomaly rules (as of today, China time, by
                                         default) and raise their alerts; a second run raises nothing new.
                                         thresholds (defaults): ${Object.entries(DEFAULT_THRESHOLDS)
                                           .map(([k, v]) => `${k}=${v}`)
                                           .join(', ')}`;

export class OversightUsageError extends Error {}

const cliActor = (): Actor => ({ ...SYSTEM_ACTOR, name: `cli:${process.env.USER ?? 'operator'}` });
const cliCtx = (db: Db) => systemCtx(db, { actor: cliActor(), origin: { via: 'cli' } });
const chinaToday = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
const isDate = (s: string) =>
  /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);

function parseThresholds(given: string[] = []): Partial<Thresholds> {
  const out: Partial<Thresholds> = {};
  for (const g of given) {
    const m = /^([A-Za-z]+)=(\d+)$/.exec(g);
    if (!m || !((m[1] as string) in DEFAULT_THRESHOLDS)) {
      throw new OversightUsageError(`--threshold takes NAME=VALUE with NAME one of ${Object.keys(DEFAULT_THRESHOLDS).join(', ')}, not "${g}"`);
    }
    out[m[1] as keyof Thresholds] = Number(m[2]);
  }
  return out;
}

export async function oversightCommand(args: string[], withDb: <T>(fn: (h: DbHandle) => Promise<T>) => Promise<T>): Promise<number | undefined> {
  if (args[0] !== 'run') return undefined;
  try {
    const { values } = parseArgs({
      args: args.slice(1),
      options: { county: { type: 'string' }, 'as-of': { type: 'string' }, threshold: { type: 'string', multiple: true } },
    });
    if (!values.county || !/^\d{6}$/.test(values.county)) throw new OversightUsageError(`--county must be a 6-digit county code, not "${values.county ?? ''}"`);
    const asOf = values['as-of'] ?? chinaToday();
    if (!isDate(asOf)) throw new OversightUsageError(`--as-of must be a date YYYY-MM-DD, not "${asOf}"`);
    const thresholds = parseThresholds(values.threshold);
    const countyCode = values.county;
    return await withDb(async (h) => {
      const started = Date.now();
      const r = await runOversightRules(cliCtx(h.db), { countyCode, asOf, thresholds });
      console.log(`Oversight rules of county ${countyCode} as of ${asOf}: run ${r.runId} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      for (const [rule, c] of Object.entries(r.counts)) console.log(`  ${rule.padEnd(30)} found ${c.found}, raised ${c.raised}, kept ${c.kept}`);
      console.log(`${r.raised} new alerts.`);
      return 0;
    });
  } catch (e) {
    if (e instanceof OversightUsageError || (e instanceof TypeError && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS'))) {
      console.error(e.message);
      return 2;
    }
    throw e;
  }
}
