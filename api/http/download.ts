// File downloads (Excel workbooks, PDFs) as every module's routes send them: the OpenAPI response,
// and the streamed body with its headers — the ASCII filename for old clients, the UTF-8 one for
// the rest, never cached, never sniffed.
import { Readable } from 'node:stream';
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';

export const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const PDF = 'application/pdf';

const BinaryFile = z.string().openapi({ type: 'string', format: 'binary' });

/** An OpenAPI response of a file of `type`. */
export const fileResponse = (type: string, description: string) => ({ content: { [type]: { schema: BinaryFile } }, description });

/** A Node stream as the web stream a Hono body takes. */
export function webStream(stream: Readable): ReadableStream<Uint8Array> {
  return Readable.toWeb(stream) as ReadableStream<Uint8Array>;
}

/** Streams a download while it is produced. */
export function sendDownload(c: Context, file: { filename: string; stream: Readable }, type: string, disposition: 'inline' | 'attachment' = 'attachment') {
  return c.body(webStream(file.stream), 200, {
    'content-type': type,
    'content-disposition': `${disposition}; filename="${file.filename}"; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
}
