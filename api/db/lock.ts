// The embedded database belongs to one process at a time. PGlite takes no lock of its own
// (a second opener reads and writes the same files and corrupts them), so we take one:
// a lock file holding the owner's PID, with stale-lock detection.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface LockOwner {
  pid: number;
  host: string;
  command: string;
  startedAt: string;
}

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly owner: LockOwner,
  ) {
    super(
      `The embedded database in ${dataDir} is in use by process ${owner.pid} (${owner.command}, since ${owner.startedAt}). ` +
        `Stop that process first (for example stop the server with Ctrl+C or \`kill ${owner.pid}\`), ` +
        'or point DATABASE_URL at a PostgreSQL server so that several processes can share the data.\n' +
        `数据目录 ${dataDir} 正被进程 ${owner.pid} 使用。请先停止该进程，或设置 DATABASE_URL 使用 PostgreSQL 服务器。`,
    );
    this.name = 'DataDirLockedError';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function lockFilePath(dataDir: string) {
  return path.join(dataDir, 'dripline.lock');
}

export function readLock(dataDir: string): LockOwner | undefined {
  try {
    return JSON.parse(fs.readFileSync(lockFilePath(dataDir), 'utf8')) as LockOwner;
  } catch {
    return undefined;
  }
}

/** Takes the lock or throws DataDirLockedError. Returns the release function. */
export function acquireDataDirLock(dataDir: string, command = process.argv.slice(1).join(' ')): () => void {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = lockFilePath(dataDir);
  const me: LockOwner = { pid: process.pid, host: os.hostname(), command, startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, JSON.stringify(me), { flag: 'wx' });
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        process.off('exit', release);
        const owner = readLock(dataDir);
        if (owner?.pid === process.pid) fs.rmSync(file, { force: true });
      };
      process.on('exit', release);
      return release;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const owner = readLock(dataDir);
      // Only a lock whose process is gone is stale; this very process holding it counts as held.
      if (owner && owner.host === me.host && isAlive(owner.pid)) {
        throw new DataDirLockedError(dataDir, owner);
      }
      if (owner && owner.host !== me.host) throw new DataDirLockedError(dataDir, owner);
      fs.rmSync(file, { force: true });
    }
  }
  throw new Error(`Could not take the lock ${file}`);
}
