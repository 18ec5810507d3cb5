// Field helpers and shared field schemas of the household card's requests.
import { z } from '@hono/zod-openapi';
import { parseIdNumber } from '../../../shared/id-number.ts';
import { isMobilePhone } from '../../../shared/mask.ts';

export const text = (max: number) => z.string().trim().max(max);
export const optText = (max: number) => text(max).nullable().optional();

function isRealDate(v: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === v;
}
export const DateString = z.string().refine(isRealDate, { params: { key: 'field.date' } });
const notFuture = (v: string) => v <= new Date().toISOString().slice(0, 10);
export const PastDate = DateString.refine(notFuture, { params: { key: 'field.notFuture' } });

export const Phone = z
  .string()
  .trim()
  .refine(isMobilePhone, { params: { key: 'phone.invalid' } });
/** GB 11643: checksum, birth date, region; 15-digit numbers are accepted (upgraded by the domain). */
export const IdNumber = z.string().superRefine((v, ctx) => {
  const r = parseIdNumber(v);
  if (!r.ok) ctx.addIssue({ code: 'custom', params: { key: `idNumber.${r.problem}` } });
});
export const Year = z.number().int().min(1980).max(2100);
export const Fen = z.number().int().min(0).max(10_000_000_000).openapi({ description: 'Integer fen (分)' });
export const Mu = z.number().min(0).max(1_000_000).openapi({ description: '亩' });
export const Uuid = z.uuid();

export const LocationInput = z
  .object({
    lon: z.number().min(73).max(136),
    lat: z.number().min(3).max(54),
    accuracyM: z.number().min(0).max(100_000).nullable().optional(),
    capturedAt: z.iso.datetime({ offset: true }).nullable().optional(),
  })
  .strict()
  .openapi('LocationInput', { description: 'WGS84 point with accuracy (m) and capture time' });

export const dateOrder = (o: { fromDate?: string | null; toDate?: string | null }, ctx: z.RefinementCtx) => {
  if (o.fromDate && o.toDate && o.toDate < o.fromDate) {
    ctx.addIssue({ code: 'custom', path: ['toDate'], params: { key: 'field.dateOrder' } });
  }
};
