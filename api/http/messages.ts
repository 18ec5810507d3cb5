// The message catalogue for API errors (zh-CN first, English by Accept-Language).
import { authMessages } from '../modules/auth/messages.ts';
import { householdMessages } from '../modules/households/messages.ts';
import { printMessages } from '../modules/printing/messages.ts';
import { procedureMessages } from '../modules/procedures/messages.ts';
import { projectMessages } from '../modules/projects/messages.ts';
import { registryMessages } from '../modules/registry/messages.ts';
import { crosscheckMessages } from '../modules/crosscheck/messages.ts';
import { ID_NUMBER_MESSAGES } from '../shared/id-number.ts';
import { fundMessages } from '../modules/funds/messages.ts';
import { oversightMessages } from '../modules/oversight/messages.ts';
import { publicMessages } from '../modules/public/messages.ts';
import { linesMessages } from '../modules/lines/messages.ts';
import { smsMessages } from '../modules/sms/messages.ts';
import { limitMessages } from './limits-messages.ts';
export type Lang = 'zh-CN' | 'en';

const catalogue = {
  ...authMessages,
  ...crosscheckMessages,
  ...fundMessages,
  ...oversightMessages,
  ...smsMessages,
  ...publicMessages,
  ...linesMessages,
  ...householdMessages,
  ...printMessages,
  ...procedureMessages,
  ...projectMessages,
  ...registryMessages,
  ...limitMessages,
  'error.invalid': { 'zh-CN': '提交的数据有 {count} 处错误', en: 'The request has {count} invalid field(s)' },
  'error.malformedJson': { 'zh-CN': '请求内容不是有效的 JSON', en: 'The request body is not valid JSON' },
  'error.forbidden': { 'zh-CN': '无权执行此操作', en: 'You are not allowed to do this' },
  'error.outOfScope': { 'zh-CN': '区划 {code} 不在您的管辖范围内', en: 'Area {code} is outside your area of responsibility' },
  'error.readOnlyRole': { 'zh-CN': '您的角色只能查看，不能修改数据', en: 'Your role can read but not change data' },
  'error.internal': { 'zh-CN': '服务器内部错误，请稍后重试', en: 'Internal server error; please try again later' },
  'error.notFound': { 'zh-CN': '找不到请求的资源', en: 'Not found' },
  'error.rateLimited': { 'zh-CN': '请求过于频繁，请 {seconds} 秒后再试', en: 'Too many requests; try again in {seconds} s' },
  'error.csrf': { 'zh-CN': '安全校验失败（CSRF），请刷新页面后重试', en: 'Security check failed (CSRF); reload the page and try again' },
  'area.notFound': { 'zh-CN': '找不到区划代码 {code}', en: 'No area with code {code}' },
  'area.badCode': { 'zh-CN': '区划代码应为 2、4、6、9 或 12 位数字', en: 'An area code has 2, 4, 6, 9 or 12 digits' },
  'household.notFound': { 'zh-CN': '找不到户 {id}', en: 'No household {id}' },
  'household.versionConflict': {
    'zh-CN': '该户档案已被他人修改（当前版本 {current}），请刷新后再改',
    en: 'This household was changed by someone else (current version {current}); reload and edit again',
  },
  'auth.required': { 'zh-CN': '请先登录', en: 'Please log in' },
  'auth.badCredentials': { 'zh-CN': '用户名或密码错误', en: 'Wrong username or password' },
  'auth.throttled': { 'zh-CN': '登录尝试过于频繁，请 {seconds} 秒后再试', en: 'Too many login attempts; try again in {seconds} s' },
  'auth.wrongPassword': { 'zh-CN': '当前密码不正确', en: 'The current password is wrong' },
  'auth.weakPassword': {
    'zh-CN': '新密码至少 10 位，且须包含字母和数字',
    en: 'The new password needs at least 10 characters with letters and digits',
  },
  'auth.samePassword': { 'zh-CN': '新密码不能与当前密码相同', en: 'The new password must differ from the current one' },
  'account.exists': { 'zh-CN': '用户名 {username} 已存在', en: 'Username {username} is taken' },
  'account.notFound': { 'zh-CN': '找不到账号 {username}', en: 'No account {username}' },
  // Field-level validation
  'field.required': { 'zh-CN': '必填', en: 'Required' },
  'field.type': { 'zh-CN': '类型应为 {expected}', en: 'Expected {expected}' },
  'field.tooShort': { 'zh-CN': '至少 {min} 个字符', en: 'At least {min} characters' },
  'field.tooLong': { 'zh-CN': '最多 {max} 个字符', en: 'At most {max} characters' },
  'field.tooSmall': { 'zh-CN': '不能小于 {min}', en: 'Must be at least {min}' },
  'field.tooBig': { 'zh-CN': '不能大于 {max}', en: 'Must be at most {max}' },
  'field.format': { 'zh-CN': '格式不正确', en: 'Invalid format' },
  'field.oneOf': { 'zh-CN': '应为以下之一：{values}', en: 'Must be one of: {values}' },
  'field.unknown': { 'zh-CN': '不认识的字段', en: 'Unknown field' },
  'field.invalid': { 'zh-CN': '无效的值', en: 'Invalid value' },
  ...ID_NUMBER_MESSAGES,
  'phone.invalid': { 'zh-CN': '手机号码应为 11 位，以 1 开头', en: 'A mobile number has 11 digits starting with 1' },
} as const satisfies Record<string, Record<Lang, string>>;

export type MessageKey = keyof typeof catalogue;

export function isMessageKey(k: string): k is MessageKey {
  return Object.hasOwn(catalogue, k);
}

export function t(lang: Lang, key: MessageKey, params: Record<string, string | number> = {}): string {
  const template: string = catalogue[key][lang];
  return template.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
}

/** zh-CN unless the client prefers English. */
export function pickLang(acceptLanguage: string | undefined | null): Lang {
  if (!acceptLanguage) return 'zh-CN';
  const first = acceptLanguage.split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('en') ? 'en' : 'zh-CN';
}
