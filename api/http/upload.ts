// File uploads (multipart/form-data) streamed to disk. A route's upload middleware:
//   1. refuses a declared Content-Length over the route's limit (413) — nothing read;
//   2. runs the route's `authorize` (role, area scope: 403/404) — nothing read;
//   3. streams the body through busboy: small fields are kept (each checked by `onField` as it
//      arrives, e.g. the county of a dataset before its file part is read), the one file part goes
//      to a temporary file, and the byte count is capped (413 as soon as it passes the limit);
//   4. hands the route's validator a FormData whose file is backed by the temporary file
//      (fs.openAsBlob: not read into memory), and the route the file's path (c.var.upload).
// The temporary directory is removed when the request ends unless the route keeps it (an import
// job removes it when the job is done).
// fileUpload / uploadedBytes / sendFile are the small-file side of it (the card's photos, the
// projects' attachments and photos): one limit and refusal, the bytes in memory, and the answer
// that serves them back.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import busboy from 'busboy';
import type { Context, MiddlewareHandler } from 'hono';
import { AppError, Invalid } from '../errors.ts';
import type { AppEnv } from './context.ts';
import type { MessageKey } from './messages.ts';
import { declaredLength, formatSize, hasNul, nulRefused, UPLOAD_OVERHEAD } from './limits.ts';

export interface UploadedFile {
  /** Where the file is on disk (inside `dir`). */
  path: string;
  /** The client's file name (base name only). */
  name: string;
  type: string;
  size: number;
}

export interface Upload {
  /** Temporary directory holding the file. */
  dir: string;
  file: UploadedFile | undefined;
  fields: Record<string, string>;
  /** The route takes the directory over (and removes it itself, e.g. when its job ends). */
  keep: () => void;
}

export interface UploadOptions {
  /** The largest file this route takes, in bytes. */
  maxBytes: (c: Context<AppEnv>) => number;
  /** The refusal for a file over the limit (413, the route's own message). */
  tooLarge: (limit: number) => AppError;
  /** Role and scope checks that need no body: run before a byte of it is read. */
  authorize: (c: Context<AppEnv>) => void | Promise<void>;
  /** Checks a field as soon as it arrives (throw to refuse before the rest of the body is read). */
  onField?: (c: Context<AppEnv>, name: string, value: string) => void;
  /** Name of the file part (default "file"). */
  fileField?: string;
}

const FIELD_BYTES = 16 * 1024;

class CountingLimit extends Transform {
  seen = 0;
  constructor(
    private readonly max: number,
    private readonly onOver: () => Error,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: (e?: Error | null, data?: Buffer) => void) {
    this.seen += chunk.length;
    if (this.seen > this.max) done(this.onOver());
    else done(null, chunk);
  }
}

export function streamUpload(o: UploadOptions): MiddlewareHandler<AppEnv> {
  const fileField = o.fileField ?? 'file';
  return async (c, next) => {
    const limit = o.maxBytes(c);
    const declared = declaredLength(c);
    if (declared !== undefined && declared > limit + UPLOAD_OVERHEAD) throw o.tooLarge(limit);
    await o.authorize(c);
    const contentType = c.req.header('content-type') ?? '';
    if (!/^multipart\/form-data\b/i.test(contentType)) {
      throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'error.unsupportedMediaType', { expected: 'multipart/form-data' });
    }
    const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'dripline-upload-'));
    let kept = false;
    try {
      const { fields, file, entries } = await receive(c, contentType, dir, limit, fileField, o);
      const form = new FormData();
      for (const [name, value] of entries) form.append(name, value);
      if (file) form.append(fileField, await fs.openAsBlob(file.path, { type: file.type }), file.name);
      // Hono's form validator takes the parsed form from the body cache instead of reading the body.
      (c.req.bodyCache as { formData?: Promise<FormData> }).formData = Promise.resolve(form);
      c.set('upload', {
        dir,
        file,
        fields,
        keep: () => {
          kept = true;
        },
      });
      await next();
    } finally {
      if (!kept) await fsp.rm(dir, { recursive: true, force: true });
    }
  };
}

function receive(c: Context<AppEnv>, contentType: string, dir: string, limit: number, fileField: string, o: UploadOptions) {
  const fields: Record<string, string> = {};
  const entries: [string, string][] = [];
  let file: UploadedFile | undefined;
  const body = c.req.raw.body;
  if (!body) return Promise.resolve({ fields, file, entries });
  let bb: busboy.Busboy;
  try {
    bb = busboy({
      headers: { 'content-type': contentType },
      // File names from browsers are UTF-8 (中文 names), not latin1.
      defParamCharset: 'utf8',
      limits: { files: 1, fileSize: limit, fields: 20, fieldSize: FIELD_BYTES, parts: 21, fieldNameSize: 100, headerPairs: 20 },
    });
  } catch (e) {
    // No boundary in the Content-Type.
    return Promise.reject(new AppError('INVALID', 'error.malformedMultipart', { detail: (e as Error).message }));
  }
  const source = Readable.fromWeb(body as WebReadableStream<Uint8Array>);
  const counter = new CountingLimit(limit + UPLOAD_OVERHEAD, () => o.tooLarge(limit));
  return new Promise<{ fields: Record<string, string>; file: UploadedFile | undefined; entries: [string, string][] }>((resolve, reject) => {
    let settled = false;
    const writes: Promise<void>[] = [];
    const fail = (e: Error) => {
      if (settled) return;
      settled = true;
      // Stop reading: what is left of the body is not wanted.
      source.destroy();
      counter.destroy();
      reject(e);
    };
    bb.on('field', (name, value, info) => {
      if (settled) return;
      if (info.nameTruncated) return fail(Invalid([{ path: name.slice(0, 100), key: 'field.tooLong', params: { max: 100 } }]));
      if (info.valueTruncated) return fail(Invalid([{ path: name, key: 'field.tooLong', params: { max: FIELD_BYTES } }]));
      if (hasNul(name) || hasNul(value)) return fail(nulRefused(name.replaceAll('\u0000', '\\0')));
      if (name === fileField) return fail(Invalid([{ path: fileField, key: 'upload.oneFile' }]));
      fields[name] = value;
      entries.push([name, value]);
      try {
        o.onField?.(c, name, value);
      } catch (e) {
        fail(e as Error);
      }
    });
    bb.on('file', (name, stream, info) => {
      if (settled || name !== fileField || file) {
        stream.resume();
        return fail(Invalid([{ path: name, key: 'upload.oneFile' }]));
      }
      const base =
        path
          .basename((info.filename ?? '').replace(/\\/g, '/'))
          .replaceAll('\u0000', '')
          .slice(0, 200) || 'upload';
      const ext = path
        .extname(base)
        .toLowerCase()
        .replace(/[^.a-z0-9]/g, '')
        .slice(0, 10);
      const f: UploadedFile = { path: path.join(dir, `upload${ext}`), name: base, type: info.mimeType || 'application/octet-stream', size: 0 };
      file = f;
      stream.on('data', (d: Buffer) => {
        f.size += d.length;
      });
      stream.on('limit', () => fail(o.tooLarge(limit)));
      const write = pipeline(stream, fs.createWriteStream(f.path, { flags: 'wx' }));
      // A refused upload abandons the write: its rejection must not go unhandled.
      write.catch(() => {});
      writes.push(write);
    });
    bb.on('filesLimit', () => fail(Invalid([{ path: fileField, key: 'upload.oneFile' }])));
    bb.on('fieldsLimit', () => fail(Invalid([{ path: '(body)', key: 'field.tooBig', params: { max: 20 } }])));
    bb.on('partsLimit', () => fail(Invalid([{ path: '(body)', key: 'field.tooBig', params: { max: 21 } }])));
    bb.on('error', (e: Error) => fail(new AppError('INVALID', 'error.malformedMultipart', { detail: e.message })));
    bb.on('close', () => {
      Promise.all(writes).then(() => {
        if (settled) return;
        settled = true;
        resolve({ fields, file, entries });
      }, fail);
    });
    pipeline(source, counter, bb).catch((e: unknown) =>
      fail(e instanceof AppError ? e : new AppError('INVALID', 'error.malformedMultipart', { detail: (e as Error).message })),
    );
  });
}

/**
 * The upload middleware of a route taking one small file (a photo, a scanned document) under
 * `maxBytes`: over it → 413 naming the `file` field with the route's message `tooLargeKey`.
 * `authorize` runs before a byte of the body is read.
 */
export function fileUpload(o: { maxBytes: (c: Context<AppEnv>) => number; tooLargeKey: MessageKey; authorize: UploadOptions['authorize'] }) {
  return streamUpload({
    maxBytes: o.maxBytes,
    tooLarge: (limit) =>
      new AppError('TOO_LARGE', o.tooLargeKey, { limit: formatSize(limit) }, [{ path: 'file', key: o.tooLargeKey, params: { limit: formatSize(limit) } }]),
    authorize: o.authorize,
  });
}

/** The uploaded file's bytes (small: the route's limit), or 400 naming `file` with `missingKey`. */
export async function uploadedBytes(c: Context<AppEnv>, missingKey: MessageKey): Promise<Uint8Array<ArrayBuffer>> {
  const file = c.var.upload.file;
  if (!file) throw Invalid([{ path: 'file', key: missingKey }]);
  return new Uint8Array(await fsp.readFile(file.path));
}

export interface SentFile {
  bytes: Uint8Array<ArrayBuffer>;
  /** The sniffed type stored with the file (never the client's). */
  contentType: string;
  sha256: string;
  /** Offered as a download under this name (documents); images are shown inline. */
  downloadName?: string;
}

/**
 * Serves stored bytes: their stored type, cached privately (a session's data) and revalidated by
 * the content hash (304 when unchanged). Nothing of the file goes to the log.
 */
export function sendFile(c: Context<AppEnv>, f: SentFile) {
  const etag = `"${f.sha256}"`;
  const headers: Record<string, string> = { 'cache-control': 'private, max-age=3600', etag };
  if (c.req.header('if-none-match') === etag) return c.body(null, 304, headers);
  headers['content-type'] = f.contentType;
  if (f.downloadName !== undefined) headers['content-disposition'] = `attachment; filename*=UTF-8''${encodeURIComponent(f.downloadName)}`;
  return c.body(f.bytes, 200, headers);
}
