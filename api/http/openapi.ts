// The OpenAPI helpers every module's routes.ts uses, and the one error response shape
// ({ error: { code, message, fields?, details? } }, written by handleError in middleware.ts).
import { z } from '@hono/zod-openapi';

export const ErrorResponse = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      fields: z.array(z.object({ path: z.string(), code: z.string(), message: z.string() })).optional(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .openapi('Error');

/** A JSON response of `schema`. */
export const json = <T>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description });
/** A required JSON request body of `schema` (spread into `request`). */
export const body = <T>(schema: T) => ({ body: { content: { 'application/json': { schema } }, required: true } });
/** An error response (the one error shape). */
export const err = (description: string) => json(ErrorResponse, description);
