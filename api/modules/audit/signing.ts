// The audit key: an Ed25519 key kept outside the database that signs each audit chain's head
// (a checkpoint) in the transaction of every write. Whoever owns the audit tables can rewrite
// entries and recompute their hashes, but cannot sign the new head without this key; `audit
// verify` checks the checkpoints with the public key (docs/decisions/0017).
//
// The key is process-wide: one process writes to one database with one key. The server and the
// CLI load it at start (loadAuditKey → useAuditKey); a write with no key loaded is refused, so no
// code path can leave entries unsigned by forgetting it.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign, verify } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../../config.ts';

/** A signed statement that one transaction moved a chain's head from (from_seq, from_hash) to (seq, hash). */
export interface Checkpoint {
  chain: string;
  from_seq: number;
  from_hash: string;
  seq: number;
  hash: string;
  at: Date;
}

export interface SignedCheckpoint extends Checkpoint {
  key_id: string;
  /** Ed25519 signature of checkpointMessage(), base64. */
  signature: string;
}

/** The bytes signed: versioned, one field per line, so that no two checkpoints read alike. */
export function checkpointMessage(c: Checkpoint): Buffer {
  return Buffer.from(['dripline-audit-checkpoint-v1', c.chain, String(c.from_seq), c.from_hash, String(c.seq), c.hash, c.at.toISOString()].join('\n'), 'utf8');
}

/** 16 hex digits of the SHA-256 of the public key (SPKI DER): names the key without revealing anything. */
export function keyIdOf(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return createHash('sha256')
    .update(pub.export({ format: 'der', type: 'spki' }))
    .digest('hex')
    .slice(0, 16);
}

export class AuditKeyError extends Error {}

function ed25519(key: KeyObject, file: string): KeyObject {
  if (key.asymmetricKeyType !== 'ed25519') throw new AuditKeyError(`${file}: not an Ed25519 key (${key.asymmetricKeyType ?? key.type})`);
  return key;
}

const PEM_BLOCK = /-----BEGIN ([A-Z ]+)-----[\s\S]+?-----END \1-----/g;

/**
 * The Ed25519 private key in a PEM file (PKCS#8, as `openssl genpkey -algorithm ed25519` and
 * `audit keygen` write it). The file may also hold public keys used before a rotation: they only
 * verify (readPublicKeys).
 */
export function readPrivateKey(file: string): KeyObject {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new AuditKeyError(`cannot read the audit key ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const block = [...text.matchAll(PEM_BLOCK)].find((m) => /PRIVATE KEY/.test(m[1] as string));
  try {
    if (!block) throw new Error('no private key');
    return ed25519(createPrivateKey(block[0]), file);
  } catch (e) {
    if (e instanceof AuditKeyError) throw e;
    throw new AuditKeyError(`${file}: not a PEM private key`);
  }
}

/**
 * Every Ed25519 key in a PEM file, as public keys: public keys as they are, private keys reduced
 * to theirs. A file may hold several (the current key and keys used before a rotation).
 */
export function readPublicKeys(file: string): KeyObject[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new AuditKeyError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const keys: KeyObject[] = [];
  for (const m of text.matchAll(PEM_BLOCK)) {
    try {
      const k = /PRIVATE/.test(m[1] as string) ? createPublicKey(createPrivateKey(m[0])) : createPublicKey(m[0]);
      keys.push(ed25519(k, file));
    } catch (e) {
      if (e instanceof AuditKeyError) throw e;
      throw new AuditKeyError(`${file}: a PEM block that is not a key`);
    }
  }
  if (!keys.length) throw new AuditKeyError(`${file}: no PEM key in it`);
  return keys;
}

/** A new Ed25519 key written to `file` (mode 0600, never over an existing file). */
export function generateKeyFile(file: string): KeyObject {
  const { privateKey } = generateKeyPairSync('ed25519');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // 'wx': two processes starting on a new data directory cannot both write a key.
  fs.writeFileSync(file, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' });
  return privateKey;
}

export const publicKeyPem = (key: KeyObject): string =>
  (key.type === 'private' ? createPublicKey(key) : key).export({ format: 'pem', type: 'spki' }).toString();

/** Where the embedded default keeps its key: beside the database, in the data directory. */
export const defaultKeyFile = (dataDir: string) => path.join(dataDir, 'audit-key.pem');

export interface LoadedKey {
  key: KeyObject;
  file: string;
  /** Made just now (the embedded default's first start). */
  created: boolean;
}

/**
 * The signing key for a process that writes: DRIPLINE_AUDIT_KEY_FILE when set (it must exist);
 * otherwise, on the embedded database, the data directory's key, made on first start. On
 * PostgreSQL without DRIPLINE_AUDIT_KEY_FILE there is none: the caller refuses to write.
 */
export function loadAuditKey(config: Pick<Config, 'databaseUrl' | 'dataDir' | 'auditKeyFile'>, opts: { create?: boolean } = {}): LoadedKey | null {
  if (config.auditKeyFile) return { key: readPrivateKey(config.auditKeyFile), file: config.auditKeyFile, created: false };
  if (config.databaseUrl) return null;
  const file = defaultKeyFile(config.dataDir);
  if (fs.existsSync(file)) return { key: readPrivateKey(file), file, created: false };
  if (opts.create === false) return null;
  try {
    return { key: generateKeyFile(file), file, created: true };
  } catch (e) {
    // Another process made it between the check and the write.
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return { key: readPrivateKey(file), file, created: false };
    throw e;
  }
}

export const NO_KEY_MESSAGE =
  'No audit key: set DRIPLINE_AUDIT_KEY_FILE to an Ed25519 private key (PEM) kept outside the database — ' +
  '`npx dripline audit keygen FILE` makes one (README: Production roles and the audit key).';

let current: { key: KeyObject; id: string } | null = null;

/** The key this process signs checkpoints with (null: none; audited writes are then refused). */
export function useAuditKey(key: KeyObject | null): void {
  current = key ? { key, id: keyIdOf(key) } : null;
}

export const hasAuditKey = () => current !== null;

/** Throws unless a key is loaded: called before an audited write does any work. */
export function requireAuditKey(): void {
  if (!current) throw new AuditKeyError(NO_KEY_MESSAGE);
}

export function signCheckpoint(c: Checkpoint): SignedCheckpoint {
  if (!current) throw new AuditKeyError(NO_KEY_MESSAGE);
  return { ...c, key_id: current.id, signature: sign(null, checkpointMessage(c), current.key).toString('base64') };
}

/** The keys a verification trusts, by key id. */
export type TrustedKeys = ReadonlyMap<string, KeyObject>;

/** The key this process signs with, as the one key a verification trusts (none loaded: none). */
export function ownTrustedKeys(): TrustedKeys {
  return trustedKeys(current ? [current.key] : []);
}

export function trustedKeys(keys: KeyObject[]): TrustedKeys {
  return new Map(keys.map((k) => [keyIdOf(k), k.type === 'private' ? createPublicKey(k) : k]));
}

/** Whether the checkpoint is signed by one of the trusted keys (the key it names). */
export function checkpointValid(c: SignedCheckpoint, trusted: TrustedKeys): boolean {
  const key = trusted.get(c.key_id);
  if (!key) return false;
  try {
    return verify(null, checkpointMessage(c), key, Buffer.from(c.signature, 'base64'));
  } catch {
    return false;
  }
}
