// Every module builds its routes with createRouter() so that validation failures become
// our one 400 shape and routes are documented in /api/openapi.json.
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from './context.ts';
import { validationHook } from './validation.ts';

export function createRouter() {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
}
