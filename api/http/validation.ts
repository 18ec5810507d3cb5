// Glue between zod and our error shape: every schema failure becomes a 400 naming each field.
// Custom refinements carry a catalogue key in `params.key` so messages stay translatable.
import type { Hook } from '@hono/zod-openapi';
import type { z } from 'zod';
import { type FieldError, Invalid } from '../errors.ts';
import type { AppEnv } from './context.ts';
import { isMessageKey } from './messages.ts';

type Issue = z.core.$ZodIssue;

export function issueToField(issue: Issue): FieldError {
  const path = issue.path.map(String).join('.') || '(body)';
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? { path, key: 'field.required' } : { path, key: 'field.type', params: { expected: issue.expected } };
    case 'too_small':
      if (issue.origin === 'string') {
        return Number(issue.minimum) <= 1 ? { path, key: 'field.required' } : { path, key: 'field.tooShort', params: { min: Number(issue.minimum) } };
      }
      return { path, key: 'field.tooSmall', params: { min: Number(issue.minimum) } };
    case 'too_big':
      return issue.origin === 'string'
        ? { path, key: 'field.tooLong', params: { max: Number(issue.maximum) } }
        : { path, key: 'field.tooBig', params: { max: Number(issue.maximum) } };
    case 'invalid_value':
      return { path, key: 'field.oneOf', params: { values: issue.values.map(String).join('、') } };
    case 'invalid_format':
      return { path, key: 'field.format' };
    case 'unrecognized_keys':
      return { path: issue.keys.join(','), key: 'field.unknown' };
    case 'custom': {
      const key = (issue.params as { key?: string } | undefined)?.key;
      if (key && isMessageKey(key)) return { path, key, params: (issue.params as { values?: Record<string, string> }).values };
      return { path, key: 'field.invalid' };
    }
    default:
      return { path, key: 'field.invalid' };
  }
}

export function zodToInvalid(error: z.ZodError) {
  return Invalid(error.issues.map((i) => issueToField(i)));
}

/** defaultHook for OpenAPIHono: throw so the one error middleware shapes the response. */
export const validationHook: Hook<unknown, AppEnv, string, unknown> = (result) => {
  if (!result.success) throw zodToInvalid(result.error);
};
