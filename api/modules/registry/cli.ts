// Operator command of the registry importer (called from api/cli.ts):
//   dripline registry import FILE [--errors OUT.xlsx] [--area CODE] [--lang zh-CN|en]
// Prints a summary. A rejected file exits with 1 and writes the row-level error report (xlsx) to
// --errors, by default next to the input (FILE's name + .errors.xlsx) or, if that folder is not
// writable, in the current directory; the path is printed.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { debugLine } from '../../cli-output.ts';
import { systemCtx } from '../../context.ts';
import type { DbHandle } from '../../db/connect.ts';
import { type Lang, t } from '../../http/messages.ts';
import { type Actor, SYSTEM_ACTOR } from '../audit/audit.ts';
import { importRegistry, type RegistryImportResult } from './import.ts';
import { errorReportXlsx } from './report.ts';

export const REGISTRY_USAGE = `  dripline registry import FILE [--errors OUT.xlsx] [--area CODE] [--lang zh-CN|en]
                                         import a registry export (贫困人口明细, CSV UTF-8/GBK or XLSX), all or
                                         nothing; re-importing updates in place by 户编号 + 证件号码. A rejected
                                         file exits 1 and writes its error report to --errors (default: next to
                                         FILE as FILE.errors.xlsx, or in the current directory)`;

export class RegistryUsageError extends Error {}

const cliActor = (): Actor => ({ ...SYSTEM_ACTOR, name: `cli:${process.env.USER ?? 'operator'}` });

/** Where the report goes: --errors, else beside the input, else the current directory. */
export function defaultReportPath(file: string): string {
  const base = `${path.basename(file).replace(/\.(csv|xlsx)$/i, '')}.errors.xlsx`;
  const dir = path.dirname(path.resolve(file));
  try {
    fs.accessSync(dir, fs.constants.W_OK);
    return path.join(dir, base);
  } catch {
    return path.resolve(base);
  }
}

export function summary(r: RegistryImportResult, lang: Lang): string[] {
  const c = r.counts;
  const lines = [
    `File: ${r.fileName} (${r.format ?? '?'}${r.encoding && r.encoding !== 'xlsx' ? `, ${r.encoding}` : ''}), ${r.rowsRead} rows read, ${r.households} households`,
  ];
  if (r.ok) {
    lines.push(`Households: ${c.householdsCreated} created, ${c.householdsUpdated} updated, ${c.householdsUnchanged} unchanged`);
    lines.push(`Members: ${c.membersCreated} created, ${c.membersUpdated} updated, ${c.membersRemoved} removed`);
  }
  if (r.ignoredColumns.length) lines.push(`Ignored columns: ${r.ignoredColumns.join(', ')}`);
  if (r.warningCount) lines.push(`Warnings: ${r.warningCount}`);
  if (!r.ok) {
    lines.push(`REJECTED: ${r.errorCount} error(s); nothing was imported.`);
    for (const e of r.errors.filter((x) => x.severity === 'error').slice(0, 20)) {
      lines.push(`  ${e.rowNo > 0 ? `row ${e.rowNo}` : 'file'}${e.column ? ` [${e.column}]` : ''}: ${t(lang, e.key, e.params ?? {})}`);
    }
    if (r.errorCount > 20) lines.push(`  … and ${r.errorCount - 20} more`);
  }
  if (process.env.DRIPLINE_IMPORT_TIMINGS) lines.push(`Timings (ms): ${JSON.stringify(r.timings)}`);
  lines.push(`Time: ${r.seconds.toFixed(1)} s${r.ok && r.seconds > 0 ? ` (${Math.round(r.rowsRead / r.seconds)} rows/s)` : ''}`);
  return lines;
}

export async function registryCommand(h: DbHandle, sub: string | undefined, args: string[]): Promise<number> {
  if (sub !== 'import') throw new RegistryUsageError(`Unknown registry command "${sub ?? ''}"`);
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { errors: { type: 'string' }, area: { type: 'string' }, lang: { type: 'string' } },
  });
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new RegistryUsageError('Give exactly one FILE to import');
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) throw new RegistryUsageError(`No such file: ${file}`);
  if (values.area && !/^\d{2,12}$/.test(values.area)) throw new RegistryUsageError(`--area must be an area code, not "${values.area}"`);
  const lang: Lang = values.lang === 'en' ? 'en' : 'zh-CN';
  // Without --area the operator's context covers every area (importRegistry then checks none).
  const ctx = systemCtx(h.db, { areaCode: values.area, actor: cliActor(), origin: { via: 'cli' } });
  const r = await importRegistry(ctx, h.bulk, {
    filePath: file,
    onStep: (step, ms) => debugLine(`registry import: ${step} done (${ms} ms)`),
    onProgress: (p) => {
      if (p.rowsRead % 5000 === 0 && p.rowsRead > 0) debugLine(`registry import: ${p.phase}, ${p.rowsRead} rows read`);
    },
  });
  for (const l of summary(r, lang)) (r.ok ? console.log : console.error)(l);
  if (!r.ok || r.warningCount > 0) {
    const out = values.errors ? path.resolve(values.errors) : defaultReportPath(file);
    if (!r.ok || values.errors) {
      fs.writeFileSync(out, await errorReportXlsx(r.errors, { lang, errorCount: r.errorCount, warningCount: r.warningCount }));
      (r.ok ? console.log : console.error)(`Error report: ${out}`);
    }
  }
  return r.ok ? 0 : 1;
}
