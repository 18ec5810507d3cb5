// The synthetic registry as the national system's CSV export, streamed with backpressure.
import { REGISTRY_HEADERS } from './contract.ts';
import { type GenerateOptions, generateHouseholds } from './generate.ts';

// ---------------------------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------------------------

/** Quotes a CSV field only when it has to (comma, quote, line break, or edge spaces). */
export function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

const CSV_EOL = '\r\n'; // as the national system's exports (and the samples in seeds/samples) write it
const FLUSH_AT = 256 * 1024; // characters per write

/**
 * Streams the registry as UTF-8 CSV with BOM to `out`, waiting for 'drain' whenever the stream
 * asks to. Does not end `out` (it may be stdout); resolves once the last chunk is flushed, and
 * rejects on the first write error.
 */
export async function writeRegistryCsv(opts: GenerateOptions, out: NodeJS.WritableStream): Promise<{ households: number; members: number }> {
  const sink = new ChunkWriter(out);
  try {
    let households = 0;
    let members = 0;
    let buffer = `\uFEFF${REGISTRY_HEADERS.join(',')}${CSV_EOL}`;
    for (const rows of generateHouseholds(opts)) {
      households++;
      for (const row of rows) {
        members++;
        buffer += REGISTRY_HEADERS.map((h) => csvField(row[h])).join(',') + CSV_EOL;
      }
      if (buffer.length >= FLUSH_AT) {
        await sink.write(buffer, false);
        buffer = '';
      }
    }
    await sink.write(buffer, true);
    return { households, members };
  } finally {
    sink.release();
  }
}

/**
 * Writes with backpressure. Listens for 'error' for as long as it is in use, so a stream that
 * fails between writes (EPIPE on stdout, a full disk) rejects the next write instead of crashing
 * the process or leaving it waiting for a 'drain' that never comes.
 */
class ChunkWriter {
  private failure: Error | undefined;
  private pending: ((err: Error) => void) | undefined;
  private readonly onError = (err: Error): void => {
    this.failure ??= err;
    this.pending?.(err);
  };

  constructor(private readonly out: NodeJS.WritableStream) {
    out.on('error', this.onError);
  }

  release(): void {
    this.out.removeListener('error', this.onError);
  }

  write(chunk: string, waitForFlush: boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.failure) {
        reject(this.failure);
        return;
      }
      const { out } = this;
      let flushed = false;
      let drained = false;
      const done = (err?: Error): void => {
        out.removeListener('drain', onDrain);
        this.pending = undefined;
        if (err) reject(err);
        else resolve();
      };
      const settle = (): void => {
        if (drained && (flushed || !waitForFlush)) done();
      };
      const onDrain = (): void => {
        drained = true;
        settle();
      };
      this.pending = done;
      drained = out.write(chunk, 'utf8', (err) => {
        if (err) this.onError(err);
        else {
          flushed = true;
          settle();
        }
      });
      if (!drained) out.on('drain', onDrain);
      settle();
    });
  }
}
