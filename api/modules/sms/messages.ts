// Messages of SMS (roster, summaries, batches, the failed-messages page): zh-CN first, English too.
export const smsMessages = {
  'sms.notAllowed': { 'zh-CN': '您的角色不能进行此短信操作', en: 'Your role cannot do this SMS action' },
  'sms.badMonth': { 'zh-CN': '月份格式应为 YYYY-MM', en: 'A month is YYYY-MM' },
  'sms.badName': { 'zh-CN': '姓名必填，最多 50 个字', en: 'A name is required, at most 50 characters' },
  'sms.badPhone': { 'zh-CN': '手机号码应为 11 位（1 开头）', en: 'A mobile number has 11 digits starting with 1' },
  'sms.duplicatePhone': { 'zh-CN': '该村名册中已有此手机号码', en: 'This number is already on the village’s roster' },
  'sms.duplicateRow': { 'zh-CN': '与第 {row} 行的村和手机号码重复', en: 'Same village and number as row {row}' },
  'sms.outsideArea': { 'zh-CN': '村 {code} 不在您的辖区内', en: 'Village {code} is outside your area' },
  'sms.villageNotFound': { 'zh-CN': '找不到村 {code}', en: 'No village {code}' },
  'sms.recipientNotFound': { 'zh-CN': '找不到名册记录 {id}', en: 'No roster entry {id}' },
  'sms.rosterVersionConflict': { 'zh-CN': '该名册记录已被他人修改，请刷新后再改', en: 'This roster entry was changed by someone else; reload and edit again' },
  'sms.countyRequired': { 'zh-CN': '请指明县（6 位区划代码）', en: 'Name the county (6-digit code)' },
  'sms.providerNotSet': {
    'zh-CN': '未配置短信通道：请设置 DRIPLINE_SMS_PROVIDER（outbox、smpp、aliyun 或 tencent）',
    en: 'No SMS provider: set DRIPLINE_SMS_PROVIDER (outbox, smpp, aliyun or tencent)',
  },
  'sms.nothingToRetry': {
    'zh-CN': '所选短信中没有可重发的（仅失败或状态不明的可重发）',
    en: 'None of these messages can be retried (only failed or in-doubt ones)',
  },
  'sms.missingColumn': { 'zh-CN': '缺少必需的列“{column}”', en: 'The required column “{column}” is missing' },
  'sms.fileTooLarge': { 'zh-CN': '文件超过 {limit}', en: 'The file is larger than {limit}' },
  'sms.emptyFile': { 'zh-CN': '文件中没有数据行', en: 'The file has no data rows' },
  'sms.unreadableFile': { 'zh-CN': '无法读取文件（请用 Excel .xlsx 或 CSV）', en: 'The file cannot be read (use Excel .xlsx or CSV)' },
} as const;
