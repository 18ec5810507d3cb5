// The card's assistance records: responsible cadres, measures, visits, photos.
import { z } from '@hono/zod-openapi';
import { MEASURE_CATEGORIES, PHOTO_KINDS } from '../code-lists.ts';
import { DateString, Fen, LocationInput, Phone, Uuid, dateOrder, optText, text } from './fields.ts';

export const CadreView = z
  .object({
    id: z.string(),
    name: z.string(),
    workUnit: z.string().nullable(),
    phone: z.string().nullable(),
    fromDate: z.string().nullable(),
    toDate: z.string().nullable(),
    version: z.number(),
  })
  .openapi('ResponsibleCadre');

export const MeasureView = z
  .object({
    id: z.string(),
    category: z.string(),
    subtype: z.string().nullable(),
    measureDate: z.string(),
    amount: z.number().nullable().openapi({ description: 'fen' }),
    quantity: z.string().nullable(),
    unit: z.string().nullable(),
    projectId: z.string().nullable(),
    memberId: z.string().nullable(),
    outcome: z.string().nullable(),
    note: z.string().nullable(),
    version: z.number(),
  })
  .openapi('AssistanceMeasure');

export const VisitView = z
  .object({
    id: z.string(),
    visitedAt: z.string(),
    visitorName: z.string(),
    visitorAccountId: z.string().nullable(),
    location: z.tuple([z.number(), z.number()]).nullable(),
    locationAccuracyM: z.number().nullable(),
    purpose: z.string().nullable(),
    seen: z.string().nullable(),
    asked: z.string().nullable(),
    heard: z.string().nullable(),
    problems: z.string().nullable(),
    followUp: z.string().nullable(),
    version: z.number(),
  })
  .openapi('Visit');

export const PhotoView = z
  .object({
    id: z.string(),
    kind: z.string(),
    caption: z.string().nullable(),
    takenAt: z.string().nullable(),
    visitId: z.string().nullable(),
    memberId: z.string().nullable(),
    location: z.tuple([z.number(), z.number()]).nullable(),
    contentType: z.string(),
    byteSize: z.number(),
    sha256: z.string(),
    version: z.number(),
  })
  .openapi('Photo');

// ── Assistance records ──────────────────────────────────────────────────────────────────────
const cadreFields = {
  name: text(50).min(1),
  workUnit: optText(100),
  phone: Phone.nullable().optional(),
  fromDate: DateString.nullable().optional(),
  toDate: DateString.nullable().optional(),
};
export const CadreCreate = z
  .object({ id: Uuid.optional(), ...cadreFields })
  .strict()
  .superRefine(dateOrder)
  .openapi('CadreCreate');
export const CadrePatch = z
  .object({ version: z.number().int().min(1), ...cadreFields, name: cadreFields.name.optional() })
  .strict()
  .superRefine(dateOrder)
  .openapi('CadrePatch');

const measureFields = {
  category: z.enum(MEASURE_CATEGORIES),
  subtype: text(20).nullable().optional(),
  measureDate: DateString,
  amount: Fen.nullable().optional(),
  quantity: z.number().min(0).max(1_000_000_000).nullable().optional(),
  unit: optText(20),
  projectId: Uuid.nullable().optional(),
  memberId: Uuid.nullable().optional(),
  outcome: optText(500),
  note: optText(1000),
};
export const MeasureCreate = z
  .object({ id: Uuid.optional(), ...measureFields })
  .strict()
  .openapi('MeasureCreate');
export const MeasurePatch = z
  .object({
    version: z.number().int().min(1),
    ...measureFields,
    category: measureFields.category.optional(),
    measureDate: measureFields.measureDate.optional(),
  })
  .strict()
  .openapi('MeasurePatch');

const visitFields = {
  visitedAt: z.iso.datetime({ offset: true }),
  visitorName: text(50).min(1).optional().openapi({ description: 'Defaults to the logged-in account' }),
  location: LocationInput.nullable().optional(),
  purpose: optText(200),
  seen: optText(2000),
  asked: optText(2000),
  heard: optText(2000),
  problems: optText(2000),
  followUp: optText(2000),
};
export const VisitCreate = z
  .object({ id: Uuid.optional(), ...visitFields })
  .strict()
  .openapi('VisitCreate');
export const VisitPatch = z
  .object({ version: z.number().int().min(1), ...visitFields, visitedAt: visitFields.visitedAt.optional() })
  .strict()
  .openapi('VisitPatch');

export const PhotoUpload = z
  .object({
    file: z.any().openapi({ type: 'string', format: 'binary' }),
    id: Uuid.optional(),
    kind: z.enum(PHOTO_KINDS),
    caption: optText(200),
    takenAt: z.iso.datetime({ offset: true }).optional(),
    visitId: Uuid.optional(),
    memberId: Uuid.optional(),
    lon: z.coerce.number().min(73).max(136).optional(),
    lat: z.coerce.number().min(3).max(54).optional(),
  })
  .openapi('PhotoUpload');
