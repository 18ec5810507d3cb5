// Schemas of the public API (/api/public, no login): what a village's public page shows.
import { z } from '@hono/zod-openapi';

export const PublicVillageParam = z.object({
  // Any text: a code that is not 12 digits is answered 404 with what a village code is, as an unknown one is.
  code: z
    .string()
    .max(200)
    .openapi({ param: { name: 'code', in: 'path' }, description: '12-digit village (村/社区) code', example: '522324101209' }),
});

export const PublicVillageQuery = z.object({
  year: z.coerce.number().int().min(2000).max(2100).optional().openapi({ description: 'Only money booked in this calendar year; default: everything so far' }),
});

const figures = {
  allocatedFen: z.number().int().openapi({ description: '下达 (fen)' }),
  disbursedFen: z.number().int().openapi({ description: '拨付 (fen)' }),
  spentFen: z.number().int().openapi({ description: '报账 + 到户 (fen)' }),
  householdPaidFen: z.number().int().openapi({ description: '到户 (fen)' }),
  progress: z.number().nullable().openapi({ description: '资金支出进度 = spent ÷ allocated (0…1); null when nothing is allocated' }),
};

export const PublicVillageSchema = z
  .object({
    village: z.object({ code: z.string(), name: z.string(), fullName: z.string().openapi({ description: '县乡村: the full area name' }) }),
    period: z.object({ from: z.string(), to: z.string() }),
    totals: z.object(figures),
    projects: z.array(
      z.object({
        name: z.string(),
        type: z.string(),
        category: z.string().nullable(),
        state: z.string(),
        planYear: z.number().int(),
        shared: z.boolean().openapi({ description: 'Covers other villages too: the amounts are the whole project’s' }),
        ...figures,
        beneficiaryCount: z.number().int(),
        beneficiaries: z.array(
          z.object({
            name: z.string().openapi({ description: 'The head of the household, masked (张*三)' }),
            mechanisms: z.array(z.string()).openapi({ description: '联农带农方式' }),
            paidFen: z.number().int().openapi({ description: 'Paid to the household by the project (到户, fen)' }),
          }),
        ),
      }),
    ),
    households: z.object({ paidFen: z.number().int(), households: z.number().int() }),
    notices: z.array(z.object({ projectName: z.string(), startsOn: z.string(), endsOn: z.string() })),
    generatedAt: z.string(),
  })
  .openapi('PublicVillage');
