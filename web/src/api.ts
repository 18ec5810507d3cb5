// The typed API client: hono/client over the server's AppType, so request and response types
// come from the API's own schemas (no hand-copied interfaces). Every request sends the UI's
// language (server messages come back localised) and every write sends the CSRF token.
// Failures become ApiError carrying the server's message; this module never shows UI itself.
import { type ClientResponse, hc } from 'hono/client';
import type { SuccessStatusCode } from 'hono/utils/http-status';
import type { AppType } from '../../api/app.ts';
import { currentLocale, i18n } from './i18n/index.ts';

const CSRF_COOKIE = 'dl_csrf';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

let csrfToken: string | null = null;
let onUnauthenticated: (() => void) | null = null;
let onMustChangePassword: (() => void) | null = null;

/** Remembers the token from login or /auth/me (the dl_csrf cookie is the fallback). */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when a request fails with 401 (the session ended or expired). */
export function onSessionLost(handler: () => void): void {
  onUnauthenticated = handler;
}

/** Called when the server holds the session to its password change (403 PASSWORD_CHANGE_REQUIRED). */
export function onPasswordChangeRequired(handler: () => void): void {
  onMustChangePassword = handler;
}

function readCookie(name: string): string | null {
  for (const part of document.cookie.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return null;
}

const apiFetch: typeof fetch = (input, init) => {
  const headers = new Headers(init?.headers);
  headers.set('Accept-Language', currentLocale());
  const method = (init?.method ?? 'GET').toUpperCase();
  if (!SAFE_METHODS.has(method)) {
    const token = csrfToken ?? readCookie(CSRF_COOKIE);
    if (token) headers.set('X-CSRF-Token', token);
  }
  return fetch(input, { ...init, headers, credentials: 'same-origin' });
};

export const api = hc<AppType>('/api', { fetch: apiFetch });

export interface FieldError {
  path: string;
  code: string;
  message: string;
}

/** An API failure with the server's (already localised) message and per-field errors. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: FieldError[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The message for one input field, if the server named it. */
  fieldMessage(path: string): string | undefined {
    return this.fields.find((f) => f.path === path)?.message;
  }
}

function isErrorBody(v: unknown): v is { error: { code: string; message: string; fields?: FieldError[] } } {
  if (typeof v !== 'object' || v === null || !('error' in v)) return false;
  const e = v.error;
  return typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string';
}

/** The JSON body type of the successful (2xx) responses of a client call. */
export type Ok<R> = R extends ClientResponse<infer T, infer S, infer _F> ? (S extends SuccessStatusCode ? T : never) : never;

/**
 * Awaits a typed client call and returns the body of its 2xx response, or throws ApiError
 * (network failures too, with a localised message).
 */
export async function call<R extends ClientResponse<unknown, number, 'json' | 'text'>>(request: Promise<R>): Promise<Ok<R>> {
  let res: R;
  try {
    res = await request;
  } catch {
    throw new ApiError(0, 'NETWORK', i18n.global.t('error.network'));
  }
  const body: unknown = await res.json().catch(() => undefined);
  if (res.ok) return body as Ok<R>;
  if (res.status === 401 && onUnauthenticated) onUnauthenticated();
  if (res.status === 403 && isErrorBody(body) && body.error.code === 'PASSWORD_CHANGE_REQUIRED' && onMustChangePassword) onMustChangePassword();
  if (isErrorBody(body)) throw new ApiError(res.status, body.error.code, body.error.message, body.error.fields ?? []);
  throw new ApiError(res.status, 'UNEXPECTED', i18n.global.t('error.unexpected', { status: res.status }));
}

/** A user-facing message for anything thrown by `call` (or by code around it). */
export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  if (e instanceof Error && e.message) return e.message;
  return String(e);
}
