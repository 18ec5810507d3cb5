// Operator commands of SMS (called from api/cli.ts). The CLI acts for the county office (the
// role the permission table gives sms.send and sms.roster.manage) over the area it names.
import { parseArgs } from 'node:util';
import type { Ctx } from '../../context.ts';
import type { Config } from '../../config.ts';
import type { DbHandle } from '../../db/connect.ts';
import type { Db } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { type MessageKey, t } from '../../http/messages.ts';
import { SYSTEM_ACTOR } from '../audit/audit.ts';
import { Scope } from '../auth/scope.ts';
import { villageSummary } from './compose.ts';
import { providerFor } from './providers.ts';
import { importRoster } from './roster.ts';
import { runWorker, startBatch } from './sms.ts';

export const SMS_USAGE = `  dripline sms preview --village CODE --month YYYY-MM
                                         print exactly the text the village's supervisors receive for the month
  dripline sms send --month YYYY-MM [--county CODE]
                                         start the month's batch of summaries (every county, or one); a recipient
                                         who has this month's summary already gets nothing twice
  dripline sms worker [--until-empty]    send what is queued through DRIPLINE_SMS_PROVIDER (the server runs one too);
                                         --until-empty stops when nothing is left to send
  dripline sms roster import FILE        import supervisors (村代码, 姓名, 手机号码, 职务) from Excel or CSV: all rows or none`;

class SmsUsageError extends Error {}

const cliCtx = (db: Db, area = ''): Ctx => ({
  db,
  scope: new Scope(area, 'county_official'),
  actor: { ...SYSTEM_ACTOR, name: `cli:${process.env.USER ?? 'operator'}` },
  origin: { via: 'cli' },
  now: new Date(),
});

export async function smsCommand(
  args: string[],
  config: Config,
  withDb: <T>(fn: (h: DbHandle) => Promise<T>, opts?: { sign?: boolean }) => Promise<T>,
): Promise<number> {
  const [sub, ...rest] = args;
  try {
    if (sub === 'preview') {
      const { values } = parseArgs({ args: rest, options: { village: { type: 'string' }, month: { type: 'string' } } });
      if (!values.village || !/^\d{12}$/.test(values.village))
        throw new SmsUsageError(`--village must be a 12-digit village code, not "${values.village ?? ''}"`);
      if (!values.month || !/^\d{4}-(0[1-9]|1[0-2])$/.test(values.month)) throw new SmsUsageError(`--month must be YYYY-MM, not "${values.month ?? ''}"`);
      const { village, month } = values;
      return await withDb(
        async (h) => {
          const s = await villageSummary(h.db, village, month, config.sms.signature);
          console.log(s.text);
          return 0;
        },
        { sign: false },
      );
    }
    if (sub === 'send') {
      const { values } = parseArgs({ args: rest, options: { month: { type: 'string' }, county: { type: 'string' } } });
      if (!values.month || !/^\d{4}-(0[1-9]|1[0-2])$/.test(values.month)) throw new SmsUsageError(`--month must be YYYY-MM, not "${values.month ?? ''}"`);
      if (values.county !== undefined && !/^\d{6}$/.test(values.county))
        throw new SmsUsageError(`--county must be a 6-digit county code, not "${values.county}"`);
      if (!config.sms.provider) throw new SmsUsageError(t('en', 'sms.providerNotSet'));
      const { month, county } = values;
      return await withDb(async (h) => {
        const r = await startBatch(cliCtx(h.db, county ?? ''), { month, countyCode: county }, config.sms.signature);
        console.log(
          `SMS batch ${r.batchId} for ${r.period}${county ? ` (county ${county})` : ''}: ${r.villages} villages, ${r.queued} messages queued, ` +
            `${r.alreadyQueued} already queued or sent, ${r.optedOut} opted out.`,
        );
        return 0;
      });
    }
    if (sub === 'worker') {
      const { values } = parseArgs({ args: rest, options: { 'until-empty': { type: 'boolean', default: false } } });
      const provider = providerFor(config.sms);
      if (!provider) throw new SmsUsageError(t('en', 'sms.providerNotSet'));
      return await withDb(async (h) => {
        const stop = new AbortController();
        const onSignal = () => stop.abort();
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
        const debug = config.logLevel === 'debug' ? (l: string) => console.error(`[debug] ${l}`) : undefined;
        const r = await runWorker(h.db, provider, config.sms, {
          untilEmpty: values['until-empty'],
          signal: stop.signal,
          pollMs: 200,
          ...(debug ? { log: debug } : {}),
        });
        console.log(`SMS worker (${provider.name}): ${r.sent} sent, ${r.refused} refused or in doubt.`);
        return 0;
      });
    }
    if (sub === 'roster' && rest[0] === 'import') {
      const file = rest[1];
      if (!file) throw new SmsUsageError('usage: dripline sms roster import FILE');
      return await withDb(async (h) => {
        const r = await importRoster(cliCtx(h.db), file);
        if (!r.ok) {
          console.error(`Nothing imported: ${r.errors.length} problem(s).`);
          for (const e of r.errors) console.error(`  row ${e.rowNo}${e.column ? ` ${e.column}` : ''}: ${t('zh-CN', e.key as MessageKey, e.params ?? {})}`);
          return 1;
        }
        console.log(`Roster: ${r.rows} rows, ${r.added} added, ${r.updated} updated.`);
        return 0;
      });
    }
    throw new SmsUsageError(SMS_USAGE);
  } catch (e) {
    if (e instanceof SmsUsageError || (e instanceof TypeError && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS'))) {
      console.error(e.message);
      return 2;
    }
    if (e instanceof AppError) {
      console.error(t('en', e.key, e.params));
      for (const f of e.fields) console.error(`  ${f.path}: ${t('en', f.key, f.params ?? {})}`);
      return 1;
    }
    throw e;
  }
}
