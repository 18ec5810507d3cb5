// Messages of the request limits and clean refusals (api/http/limits.ts, upload.ts). zh-CN first.
export const limitMessages = {
  'error.bodyTooLarge': { 'zh-CN': '请求内容过大（上限 {limit}）', en: 'The request body is too large (limit {limit})' },
  'error.methodNotAllowed': { 'zh-CN': '此地址不支持 {method} 请求（可用：{allow}）', en: 'This address does not take {method} (allowed: {allow})' },
  'error.unsupportedMediaType': {
    'zh-CN': '不支持的请求内容类型，应为 {expected}',
    en: 'Unsupported content type; send {expected}',
  },
  'error.malformedMultipart': { 'zh-CN': '上传的表单格式有误：{detail}', en: 'The uploaded form is malformed: {detail}' },
  'field.nul': { 'zh-CN': '不能包含空字符（\\0）', en: 'Must not contain a NUL character (\\0)' },
  'error.valueRefused': {
    'zh-CN': '提交的某个值超出允许范围或格式无效',
    en: 'A value in the request is out of range or not valid',
  },
  'upload.oneFile': { 'zh-CN': '只能上传一个文件（字段名 file）', en: 'Upload exactly one file (form field "file")' },
} as const;
