// `dripline audit …`: verify the chains and their signed heads, record the signed heads outside
// the database, and manage the audit key (docs/decisions/0017).
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import type { KeyObject } from 'node:crypto';
import type { Config } from '../../config.ts';
import type { DbHandle } from '../../db/connect.ts';
import { adoptUnsignedPrefixes, type VerifyProblem, type VerifyResult, verifyAuditChain } from './audit.ts';
import {
  AuditKeyError,
  checkpointValid,
  generateKeyFile,
  keyIdOf,
  loadAuditKey,
  NO_KEY_MESSAGE,
  publicKeyPem,
  readPublicKeys,
  type SignedCheckpoint,
  type TrustedKeys,
  trustedKeys,
} from './signing.ts';

export const AUDIT_USAGE = `  dripline audit verify [--public-key FILE]… [--against HEADS]
                                         check the audit hash chains and their signed heads; names the first
                                         broken entry, or the first entry after the last good signature
  dripline audit heads [--public-key FILE]…
                                         print each chain's last signed head (JSON lines) to keep outside the
                                         database; \`audit verify --against\` a kept copy detects a cut-off chain
  dripline audit keygen FILE             make an audit key (Ed25519, mode 0600); prints its public key
  dripline audit public-key              print the public key of the audit key in use
  dripline audit adopt                   sign the entries written before the audit was signed (once, after upgrading)`;

export class AuditUsageError extends Error {}

type WithDb = <T>(fn: (h: DbHandle) => Promise<T>, opts?: { sign?: boolean }) => Promise<T>;

const WHAT: Record<VerifyProblem['reason'], string> = {
  hash: 'its content does not match its hash (altered)',
  prev_hash: 'it does not link to the entry before it',
  sequence: 'an entry is missing before it',
  head: 'entries are missing at the end of the chain',
  signature: 'the chain from here on does not match the signed head that follows (rewritten after it was signed), or that signature is not good',
  unsigned: 'entries from here on carry no signature (appended without the audit key)',
  anchor: 'it is not the entry recorded in the signed head kept outside the database (the chain was rewritten after it was recorded)',
};

/**
 * The keys that verify: those given with --public-key, else every key in the audit key's file (its
 * private key, and the public keys of earlier keys kept there after a rotation).
 */
function verifyingKeys(config: Config, files: string[]): { keys: TrustedKeys; source: string } {
  if (files.length) return { keys: trustedKeys(files.flatMap(readPublicKeys)), source: files.join(', ') };
  const loaded = loadAuditKey(config, { create: false });
  return { keys: trustedKeys(loaded ? readPublicKeys(loaded.file) : []), source: loaded?.file ?? '' };
}

function printProblems(r: VerifyResult, keySource: string): void {
  console.error(`Audit log BROKEN in ${r.problems.length} chain(s) (${r.entries} entries read):`);
  for (const p of r.problems) {
    const at = `seq ${p.seq}${p.id != null ? ` (id ${p.id})` : ''}`;
    if (p.reason === 'signature' || p.reason === 'unsigned') {
      console.error(`  chain ${p.chain}: first entry after the last good signature: ${at}: ${WHAT[p.reason]}`);
    } else {
      const signed = p.signedThrough ? `; a good signature covers seq 1–${p.signedThrough}` : '';
      console.error(`  chain ${p.chain}: first broken entry ${at}: ${WHAT[p.reason]}${signed}`);
    }
  }
  if (!keySource) console.error(`No key to check the signatures with: ${NO_KEY_MESSAGE} Or give the public key: --public-key FILE.`);
}

/** Signed heads kept outside the database (`audit heads` output, JSON lines), each checked against the keys. */
function readAnchors(file: string, keys: TrustedKeys): SignedCheckpoint[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new AuditUsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const out: SignedCheckpoint[] = [];
  for (const [i, line] of text.split('\n').entries()) {
    if (!line.trim()) continue;
    let c: SignedCheckpoint;
    try {
      const o = JSON.parse(line) as Record<string, unknown>;
      c = {
        chain: String(o.chain),
        from_seq: Number(o.from_seq),
        from_hash: String(o.from_hash),
        seq: Number(o.seq),
        hash: String(o.hash),
        at: new Date(String(o.at)),
        key_id: String(o.key_id),
        signature: String(o.signature),
      };
      if (Number.isNaN(c.at.getTime())) throw new Error('bad time');
    } catch {
      throw new AuditUsageError(`${file} line ${i + 1}: not a signed head (as \`dripline audit heads\` prints them)`);
    }
    if (!checkpointValid(c, keys)) throw new AuditUsageError(`${file} line ${i + 1}: not signed by a trusted key (key ${c.key_id})`);
    out.push(c);
  }
  return out;
}

export async function auditCommand(config: Config, sub: string | undefined, args: string[], withDb: WithDb): Promise<number | undefined> {
  switch (sub) {
    case 'verify':
    case 'heads': {
      const { values } = parseArgs({
        args,
        options: { 'public-key': { type: 'string', multiple: true }, ...(sub === 'verify' ? { against: { type: 'string' } } : {}) },
      });
      const { keys, source } = verifyingKeys(config, values['public-key'] ?? []);
      const against = typeof values.against === 'string' ? values.against : undefined;
      const anchors = against ? readAnchors(against, keys) : undefined;
      return withDb(
        async (h) => {
          const r = await verifyAuditChain(h.db, { keys, anchors });
          if (!r.ok) {
            printProblems(r, source);
            return 1;
          }
          if (sub === 'heads') {
            for (const c of r.signedHeads) {
              const { chain, from_seq, from_hash, seq, hash, at, key_id, signature } = c;
              console.log(JSON.stringify({ chain, from_seq, from_hash, seq, hash, at: at.toISOString(), key_id, signature }));
            }
            return 0;
          }
          console.log(`Audit log OK: ${r.entries} entries in ${r.chains} chain(s), every hash verified.`);
          if (anchors) console.log(`Every chain passes through the ${anchors.length} signed head(s) in ${against}.`);
          return 0;
        },
        { sign: false },
      );
    }
    case 'keygen': {
      const [file, ...more] = args;
      if (!file || more.length) throw new AuditUsageError('audit keygen takes one FILE');
      if (fs.existsSync(file)) throw new AuditUsageError(`${file} exists: audit keygen never overwrites a key`);
      const key = generateKeyFile(file);
      console.error(`Wrote the audit key ${file} (key ${keyIdOf(key)}, mode 0600). Its public key follows: give it to whoever verifies the audit.`);
      process.stdout.write(publicKeyPem(key));
      return 0;
    }
    case 'public-key': {
      const loaded = loadAuditKey(config, { create: false });
      if (!loaded) throw new AuditKeyError(NO_KEY_MESSAGE);
      const key: KeyObject = loaded.key;
      console.error(`The public key of ${loaded.file} (key ${keyIdOf(key)}):`);
      process.stdout.write(publicKeyPem(key));
      return 0;
    }
    case 'adopt':
      return withDb(async (h) => {
        const { signed, refused } = await adoptUnsignedPrefixes(h.db);
        for (const s of signed) console.log(`chain ${s.chain}: entries 1–${s.seq}, written before the audit was signed, are now signed.`);
        for (const r of refused) console.error(`chain ${r.chain}: broken at seq ${r.seq}; not signed (see \`dripline audit verify\`).`);
        if (!signed.length && !refused.length) console.log('Nothing to adopt: every chain is signed from its start.');
        return refused.length ? 1 : 0;
      });
    default:
      break;
  }
  return undefined;
}
