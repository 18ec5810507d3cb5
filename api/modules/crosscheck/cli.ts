// Operator commands of the cross-check engine (called from api/cli.ts):
//   dripline datasets import --source CODE [--county CODE] FILE
//   dripline crosscheck run [--as-of YYYY-MM-DD] [--county CODE]
//   dripline findings export --format csv [--out FILE] [--county CODE] [--status S,…] [--rule R,…]
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { debugLine, writeOut } from '../../cli-output.ts';
import { systemCtx } from '../../context.ts';
import type { DbHandle } from '../../db/connect.ts';
import type { Db } from '../../db/schema.ts';
import { SYSTEM_ACTOR, type Actor } from '../audit/audit.ts';
import { importDataset } from '../datasets/import.ts';
import { SOURCE_CODES, type SourceCode } from '../datasets/sources.ts';
import { auditFindingsExport, exportFindingsCsv } from './export.ts';
import { householdCounties } from './queries.ts';
import { runCrosscheck } from './run.ts';

export const CROSSCHECK_USAGE = `  dripline datasets import --source CODE [--county CODE] FILE
                                         import a department dataset (CSV UTF-8/GBK or XLSX) as a new version
                                         sources: ${SOURCE_CODES.join(', ')}
  dripline crosscheck run [--as-of YYYY-MM-DD] [--county CODE]
                                         run every cross-check rule (as of today by default)
  dripline findings export --format csv [--out FILE] [--county CODE] [--status S,…] [--rule R,…]
                                         export findings (docs/data-formats.md §3 columns) to FILE or stdout`;

const cliActor = (): Actor => ({ ...SYSTEM_ACTOR, name: `cli:${process.env.USER ?? 'operator'}` });
/** The operator's context: every area, as cli:<user>. */
const cliCtx = (db: Db) => systemCtx(db, { actor: cliActor(), origin: { via: 'cli' } });

/** --county, or the one county that has registry households. */
async function resolveCounty(db: Db, given: string | undefined): Promise<string> {
  if (given) {
    if (!/^\d{6}$/.test(given)) throw new UsageError(`--county must be a 6-digit county code, not "${given}"`);
    return given;
  }
  const counties = await householdCounties(db);
  if (counties.length === 1) return counties[0] as string;
  throw new UsageError(
    counties.length
      ? 'Several counties hold households: say which with --county CODE'
      : 'No registry households yet: import the registry first, or give --county CODE',
  );
}

export class UsageError extends Error {}

const today = () => new Date().toISOString().slice(0, 10);
const isDate = (s: string) =>
  /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);
const list = (s: string | undefined) =>
  s
    ? s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean)
    : undefined;

export async function crosscheckCommand(cmd: string, args: string[], withDb: <T>(fn: (h: DbHandle) => Promise<T>) => Promise<T>): Promise<number | undefined> {
  try {
    if (cmd === 'datasets' && args[0] === 'import') {
      const { values, positionals } = parseArgs({
        args: args.slice(1),
        allowPositionals: true,
        options: { source: { type: 'string' }, county: { type: 'string' } },
      });
      const source = values.source as SourceCode | undefined;
      if (!source || !SOURCE_CODES.includes(source)) throw new UsageError(`--source must be one of: ${SOURCE_CODES.join(', ')}`);
      const file = positionals[0];
      if (!file || positionals.length > 1) throw new UsageError('Give exactly one FILE to import');
      if (!fs.existsSync(file)) throw new UsageError(`No such file: ${file}`);
      return await withDb(async (h) => {
        const countyCode = await resolveCounty(h.db, values.county);
        let last = Date.now();
        let logged = 0;
        const r = await importDataset(cliCtx(h.db), h.bulk, {
          countyCode,
          source,
          filePath: file,
          onProgress: (n) => {
            if (n - logged >= 10_000) {
              logged = n;
              debugLine(`dataset import: ${n} rows read and sent`);
            }
            if (process.stderr.isTTY && Date.now() - last > 1000) {
              process.stderr.write(`  … ${n} rows read\n`);
              last = Date.now();
            }
          },
        });
        if (!r.ok) {
          if (r.fileError?.key === 'import.missingColumns')
            console.error(`Rejected ${r.fileName}: missing required column(s): ${r.fileError.columns?.join(', ')}`);
          else if (r.fileError?.key === 'import.duplicateColumns')
            console.error(`Rejected ${r.fileName}: column(s) given twice: ${r.fileError.columns?.join(', ')}`);
          else if (r.fileError) console.error(`Rejected ${r.fileName}: ${r.fileError.message ?? r.fileError.key}`);
          else {
            console.error(`Rejected ${r.fileName}: ${r.errorCount} problem(s) in ${r.rowsRead} rows; nothing was kept.`);
            for (const e of r.errors.slice(0, 50)) console.error(`  row ${e.rowNo}, ${e.column}: ${e.reason}`);
            if (r.errorCount > 50) console.error(`  … and ${r.errorCount - 50} more`);
          }
          return 1;
        }
        const reasons = Object.entries(r.unusableReasons)
          .map(([k, n]) => `${k} ${n}`)
          .join(', ');
        console.log(
          `Imported ${source} for county ${countyCode}: version ${r.versionId}, ${r.rowsLoaded} rows (${r.format}, ${r.encoding})` +
            (r.rowsUnusable ? `; ${r.rowsUnusable} rows with unusable ID numbers kept but never matched (${reasons})` : '') +
            (r.ignoredColumns.length ? `; ignored columns: ${r.ignoredColumns.join(', ')}` : ''),
        );
        return 0;
      });
    }
    if (cmd === 'crosscheck' && args[0] === 'run') {
      const { values } = parseArgs({ args: args.slice(1), options: { 'as-of': { type: 'string' }, county: { type: 'string' } } });
      const asOf = values['as-of'] ?? today();
      if (!isDate(asOf)) throw new UsageError(`--as-of must be a date YYYY-MM-DD, not "${asOf}"`);
      return await withDb(async (h) => {
        const countyCode = await resolveCounty(h.db, values.county);
        const started = Date.now();
        const r = await runCrosscheck(cliCtx(h.db), { countyCode, asOf, onRule: (code, ms) => debugLine(`crosscheck run: rule ${code} done (${ms} ms)`) });
        console.log(`Cross-check of county ${countyCode} as of ${asOf}: run ${r.runId} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
        for (const [rule, n] of Object.entries(r.counts)) console.log(`  ${rule.padEnd(22)} ${n}`);
        for (const s of r.skipped) console.log(`  ${s.rule.padEnd(22)} not run: no data from ${s.missing.join(', ')}`);
        console.log(`${r.totalPresent} findings present, ${r.newFindings} new, ${r.reopened} reopened.`);
        return 0;
      });
    }
    if (cmd === 'findings' && args[0] === 'export') {
      const { values } = parseArgs({
        args: args.slice(1),
        options: {
          format: { type: 'string', default: 'csv' },
          out: { type: 'string' },
          county: { type: 'string' },
          status: { type: 'string' },
          rule: { type: 'string' },
        },
      });
      if (values.format !== 'csv') throw new UsageError(`--format ${values.format} is not supported; use --format csv`);
      return await withDb(async (h) => {
        const countyCode = await resolveCounty(h.db, values.county);
        const out = values.out ? fs.createWriteStream(values.out) : null;
        let rows = -1;
        let readerLeft = false;
        for await (const chunk of exportFindingsCsv(h.db, null, { countyCode, status: list(values.status), rules: list(values.rule) })) {
          if (out) {
            rows++;
            if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
          } else if (await writeOut(chunk)) rows++;
          else {
            // `… | head`: the reader has what it wanted; stop quietly (the export is still audited).
            readerLeft = true;
            break;
          }
        }
        rows = Math.max(rows, 0);
        // Findings carry ID numbers: who exported what is on record.
        await auditFindingsExport(cliCtx(h.db), countyCode, {
          format: 'csv',
          rows,
          status: values.status ?? null,
          rule: values.rule ?? null,
          out: values.out ?? 'stdout',
          ...(readerLeft ? { readerLeft: true } : {}),
        });
        if (out) {
          await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
          console.error(`Wrote ${rows} findings to ${values.out}`);
        }
        return 0;
      });
    }
    return undefined;
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(e.message);
      return 2;
    }
    throw e;
  }
}
