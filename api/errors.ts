// Typed domain errors. Modules throw these; one middleware (api/http/errors.ts) maps them
// to the one JSON error shape with zh-CN/en messages. Messages are catalogue keys, never
// built from personal data.
import type { MessageKey } from './http/messages.ts';

export interface FieldError {
  /** Dotted path of the field, e.g. "members.0.idNumber". */
  path: string;
  key: MessageKey;
  params?: Record<string, string | number>;
}

export type ErrorCode =
  | 'INVALID'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  /** The session's account still has its one-time password (403): only change it, `me` or log out. */
  | 'PASSWORD_CHANGE_REQUIRED'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'CONFLICT'
  | 'TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'RATE_LIMITED'
  | 'LOCKED'
  | 'INTERNAL';

const STATUS: Record<ErrorCode, 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 429 | 423 | 500> = {
  INVALID: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  PASSWORD_CHANGE_REQUIRED: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  LOCKED: 423,
  INTERNAL: 500,
};

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly key: MessageKey,
    readonly params: Record<string, string | number> = {},
    readonly fields: FieldError[] = [],
    /** Extra structured data safe to return to the caller (never personal data). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(`${code}: ${key}`);
    this.name = 'AppError';
  }
  get status() {
    return STATUS[this.code];
  }
}

export const Invalid = (fields: FieldError[], key: MessageKey = 'error.invalid') => new AppError('INVALID', key, { count: fields.length }, fields);
export const NotFound = (key: MessageKey, params: Record<string, string | number> = {}) => new AppError('NOT_FOUND', key, params);
export const Forbidden = (key: MessageKey = 'error.forbidden', params: Record<string, string | number> = {}) => new AppError('FORBIDDEN', key, params);
export const Conflict = (key: MessageKey, params: Record<string, string | number> = {}, details: Record<string, unknown> = {}) =>
  new AppError('CONFLICT', key, params, [], details);
export const Unauthenticated = (key: MessageKey = 'auth.required') => new AppError('UNAUTHENTICATED', key);
