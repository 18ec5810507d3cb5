// What a process that writes does with the audit key when it starts (the server, and the CLI's
// writing commands): load it, or refuse; on the embedded default's first start, make it and sign
// what was written before the audit was signed.
import type { Config } from '../../config.ts';
import type { Db } from '../../db/schema.ts';
import { adoptUnsignedPrefixes } from './audit.ts';
import { AuditKeyError, keyIdOf, type LoadedKey, loadAuditKey, NO_KEY_MESSAGE, useAuditKey } from './signing.ts';

/** The signing key, or the refusal (PostgreSQL without DRIPLINE_AUDIT_KEY_FILE). Call before opening the database. */
export function requireSigningKey(config: Pick<Config, 'databaseUrl' | 'dataDir' | 'auditKeyFile'>): LoadedKey {
  const loaded = loadAuditKey(config);
  if (!loaded) throw new AuditKeyError(NO_KEY_MESSAGE);
  return loaded;
}

/**
 * Makes `loaded` the key this process signs with. A key made just now (the embedded default's
 * first start) also signs the chains written before the audit was signed, once: that is the
 * moment the database changed from unsigned to signed.
 */
export async function startAuditSigning(db: Db, loaded: LoadedKey, log: (line: string) => void): Promise<void> {
  useAuditKey(loaded.key);
  if (!loaded.created) return;
  log(
    `Audit key made: ${loaded.file} (key ${keyIdOf(loaded.key)}). It signs the audit chains; keep a copy of it, and of its public key (\`dripline audit public-key\`), outside this machine.`,
  );
  const { signed, refused } = await adoptUnsignedPrefixes(db);
  for (const s of signed) log(`Audit chain ${s.chain}: entries 1–${s.seq}, written before the audit was signed, are now signed.`);
  for (const r of refused) log(`Audit chain ${r.chain} is broken at seq ${r.seq} and was not signed: run \`dripline audit verify\`.`);
}
